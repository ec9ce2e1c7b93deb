"""Classes: an app class becomes a QuickBooks Class, under its parent class when it has one.

Classes are not governed by a setting: they go whenever a record that uses them is synced.
QuickBooks names a subclass "Parent:Child"; that FullName is what is matched before the Add.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.errors import SyncError
from qbwc_server.sync.exports._spec import (
    Dependency,
    ExportSpec,
    MatchKey,
    by_name,
    cleaned,
    list_ids,
    name_ret_key,
    with_suffix,
)
from qbwc_server.sync.handlers import SyncEnv
from qbxml.builders import class_ as qb
from qbxml.builders._list import NAME_MAX
from qbxml.context import Identity, Ref


def depends(data: dict[str, Any], settings: dict[str, Any]) -> list[Dependency]:
    parent_id = data.get("parent_id")
    return [Dependency("class", str(parent_id))] if parent_id else []


def qb_name(data: dict[str, Any], suffix: str) -> str:
    """The class's own QuickBooks Name (one level, before cleaning)."""
    return with_suffix(str(data["name"]), suffix, NAME_MAX)


def parent_full_name(parent_id: str, env: SyncEnv, seen: tuple[str, ...] = ()) -> str:
    """The parent's FullName: from its link, else as it would be added (recursively)."""
    link = env.refs.link("class", parent_id)
    if link is not None and link.full_name:
        return link.full_name
    if parent_id in seen:
        chain = " > ".join((*seen, parent_id))
        raise SyncError(f"the class parents loop ({chain}): QuickBooks cannot nest them so")
    parent = env.refs.record("class", parent_id, needed_by="its subclass")
    return full_name(parent, env, "", (*seen, parent_id))


def full_name(data: dict[str, Any], env: SyncEnv, suffix: str, seen: tuple[str, ...] = ()) -> str:
    """The FullName the class has (or will have) in QuickBooks: "Parent:Child"."""
    own = cleaned(env, "ClassAdd/Name", qb_name(data, suffix), NAME_MAX)
    parent_id = data.get("parent_id")
    if not parent_id:
        return own
    return f"{parent_full_name(str(parent_id), env, seen)}:{own}"


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    parent: Ref | None = None
    parent_id = data.get("parent_id")
    if parent_id:
        if env.refs.link("class", str(parent_id)) is None:
            parent_full_name(str(parent_id), env)  # names a missing parent or a loop
        why = "its parent class must be in QuickBooks first"
        parent = env.refs.ref("class", str(parent_id), why=why)
    rec = qb.Class(name=qb_name(data, suffix), parent=parent)
    if ident is None:
        return qb.class_add(rec, env.ctx)
    return qb.class_mod(rec, ident, env.ctx)


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey | None:
    """("Parent:Child",); None when a parent is missing (the export then fails naming it)."""
    try:
        return (full_name(data, env, suffix),)
    except SyncError:
        return None


ret_key = name_ret_key
lookup, reread = by_name(qb.class_query)


SPEC = ExportSpec(
    entity="class",
    kind="class",
    qb_object="Class",
    build=_build,
    read=list_ids,
    match_key=match_key,
    ret_key=ret_key,
    lookup=lookup,
    reread=reread,
    setting=None,
    depends=depends,
)
