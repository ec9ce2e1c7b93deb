"""Terms: app payment terms become QuickBooks StandardTerms ("Net 30", "2% 10 Net 30").

Terms are not governed by a setting: they go whenever a record that uses them is synced.
qbXML 12.0/13.0 have no Mod for terms, so ``has_mod`` is False: a change made in the app after
the terms are linked is logged ("not_updatable") and nothing is sent. Matched by Name.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.sync.exports._common import money
from qbwc_server.sync.exports._spec import (
    ExportSpec,
    MatchKey,
    by_name,
    cleaned,
    list_ids,
    name_ret_key,
    with_suffix,
)
from qbwc_server.sync.handlers import SyncEnv
from qbxml.builders import terms as qb
from qbxml.context import Identity


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def qb_name(data: dict[str, Any], suffix: str) -> str:
    """The terms' QuickBooks Name (before cleaning)."""
    return with_suffix(str(data["name"]), suffix, qb.NAME_MAX)


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    rec = qb.StandardTerms(
        name=qb_name(data, suffix),
        due_days=_int(data.get("due_days")),
        discount_days=_int(data.get("discount_days")),
        discount_percent=money(data.get("discount_percent")),
    )
    if ident is None:
        return qb.terms_add(rec, env.ctx)
    return qb.terms_mod(rec, ident, env.ctx)  # always BuildError: qbXML has no TermsMod


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey:
    return (cleaned(env, "StandardTermsAdd/Name", qb_name(data, suffix), qb.NAME_MAX),)


ret_key = name_ret_key
lookup, reread = by_name(qb.terms_query)


SPEC = ExportSpec(
    entity="terms",
    kind="terms",
    qb_object="Terms",
    build=_build,
    read=list_ids,
    match_key=match_key,
    ret_key=ret_key,
    lookup=lookup,
    reread=reread,
    setting=None,
    has_mod=False,
)
