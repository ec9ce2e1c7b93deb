"""What each exported entity module declares: how a record becomes qbXML and is found again.

An ``ExportSpec`` is plain data plus functions. The generic handlers (sync/export.py and
sync/matching.py) do the rest: add or update or leave alone, match before add, recovery.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from lxml import etree

from qbwc_server.sync.handlers import SyncEnv
from qbxml.context import BuildContext, Identity
from qbxml.responses import datetime_of, text_of

# A record's identity in QuickBooks as it would be sent: ("Smith, John",), or
# ("1001", "Smith, John:1001 - 12 Main St") for an invoice by RefNumber and customer.
# Keys are compared with ``fold`` (QuickBooks names ignore case).
MatchKey = tuple[str, ...]


@dataclass(frozen=True)
class Dependency:
    """A record that must be in QuickBooks before another: (kind, record id, role)."""

    kind: str
    record_id: str
    role: str = ""


@dataclass(frozen=True)
class QbIds:
    """What a Ret tells about the object for its link."""

    qb_id: str
    edit_sequence: str | None
    full_name: str | None
    time_modified: datetime | None


Builder = Callable[[dict[str, Any], SyncEnv, Identity | None, str], etree._Element]


def _no_dependencies(data: dict[str, Any], settings: dict[str, Any]) -> list[Dependency]:
    return []


def _always(data: dict[str, Any], settings: dict[str, Any]) -> str | None:
    return None


@dataclass(frozen=True)
class ExportSpec:
    """One exported entity: e.g. entity "job" exports records of kind "project".

    ``build(data, env, ident, suffix)`` makes the Add (ident None) or the Mod; ``suffix`` is
    appended to the object's name when its own name was taken. ``match_key`` is the record's
    identity as QuickBooks would show it (None: it cannot be looked up), ``ret_key`` the same
    read from a Ret, and ``lookup`` one query for many keys. ``excluded`` says why a record is
    not exported at all (e.g. a bill whose status the settings do not export).
    """

    entity: str
    kind: str
    qb_object: str
    build: Builder
    read: Callable[[etree._Element], QbIds]
    match_key: Callable[[dict[str, Any], SyncEnv, str], MatchKey | None]
    ret_key: Callable[[etree._Element], MatchKey | None]
    lookup: Callable[[Sequence[MatchKey], SyncEnv], etree._Element]
    reread: Callable[[str, SyncEnv], etree._Element]
    role: str = ""
    setting: str | None = None
    has_mod: bool = True
    is_txn: bool = False
    depends: Callable[[dict[str, Any], dict[str, Any]], list[Dependency]] = _no_dependencies
    excluded: Callable[[dict[str, Any], dict[str, Any]], str | None] = _always


@overload
def fold(key: MatchKey) -> MatchKey: ...
@overload
def fold(key: None) -> None: ...
@overload
def fold(key: MatchKey | None) -> MatchKey | None: ...
def fold(key: MatchKey | None) -> MatchKey | None:
    """A match key for comparing: each part stripped and case-folded."""
    return None if key is None else tuple(p.strip().casefold() for p in key)


def cleaned(env: SyncEnv, path: str, value: str, max_len: int) -> str:
    """``value`` as a builder would send it (character set, length, capitals), without
    recording a FieldNote: for computing match keys."""
    scratch = BuildContext(version=env.ctx.version, uppercase=env.ctx.uppercase)
    return scratch.text(path, value, max_len)


def with_suffix(name: str, suffix: str, max_len: int) -> str:
    """``name`` with ``suffix`` appended, shortened so that both fit ``max_len``."""
    if not suffix:
        return name
    return name[: max_len - len(suffix)].rstrip() + suffix


def list_ids(element: etree._Element) -> QbIds:
    """QbIds of a list Ret (ListID, EditSequence, FullName or Name, TimeModified)."""
    qb_id = text_of(element, "ListID")
    if not qb_id:
        raise ValueError(f"{element.tag} without a ListID")
    name = text_of(element, "FullName") or text_of(element, "Name") or text_of(element, "Initial")
    return QbIds(
        qb_id, text_of(element, "EditSequence"), name, datetime_of(element, "TimeModified")
    )


def txn_ids(element: etree._Element) -> QbIds:
    """QbIds of a transaction Ret (TxnID, EditSequence, RefNumber, TimeModified)."""
    qb_id = text_of(element, "TxnID")
    if not qb_id:
        raise ValueError(f"{element.tag} without a TxnID")
    return QbIds(
        qb_id,
        text_of(element, "EditSequence"),
        text_of(element, "RefNumber"),
        datetime_of(element, "TimeModified"),
    )


ListQuery = Callable[..., etree._Element]
Lookup = Callable[[Sequence[MatchKey], SyncEnv], etree._Element]
Reread = Callable[[str, SyncEnv], etree._Element]


def name_ret_key(element: etree._Element) -> MatchKey | None:
    """A list Ret's FullName (its Name where the list has no levels), as a match key."""
    name = text_of(element, "FullName") or text_of(element, "Name")
    return None if name is None else (name,)


def by_name(query: ListQuery) -> tuple[Lookup, Reread]:
    """``lookup`` (one query for every name) and ``reread`` (by ListID) over one list query
    builder such as ``customer_query``."""

    def lookup(keys: Sequence[MatchKey], env: SyncEnv) -> etree._Element:
        return query(env.ctx, full_names=sorted({k[0] for k in keys}))

    def reread(qb_id: str, env: SyncEnv) -> etree._Element:
        return query(env.ctx, list_ids=[qb_id])

    return lookup, reread
