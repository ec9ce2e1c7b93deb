"""Applying one page of an import: the rules of DESIGN.md section 2 for each object.

- Not linked: a new record ``qb-<ListID or TxnID>`` (origin "quickbooks"), unless the spec
  never creates records (customers) or ``admit`` says why not (payments).
- Linked to a record created from QuickBooks: QuickBooks' copy replaces it, unless the app has
  changed that record since (then the rule below applies, as to an app record).
- Linked to an app record, unchanged in QuickBooks since the last sync (same EditSequence):
  nothing to do. Changed: by the spec's rule for that record kind.
  ``keep`` leaves the app record alone (terms, the app's payments and bills, 1099 users);
  ``two_way`` applies QuickBooks' fields but the spec's push-only ones; ``last_wins``
  (vendors) lets the side changed last win, QuickBooks' TimeModified against the app's
  ``updated_at``. When the app had changed too since the last sync, a ``conflict`` is logged
  and sent to the event feed whichever side wins; when the app wins its version is queued to
  be pushed.

The link's content hash (what the app would send) is refreshed to the merged record, so an
import does not make the next Sync Job send QuickBooks its own values back; a record the app
had changed keeps its old hash, so its change is still pushed.
"""

from __future__ import annotations

from typing import Any

from qbwc_server import collector
from qbwc_server.errors import SyncError
from qbwc_server.sync.exports._spec import Dependency
from qbwc_server.sync.handlers import SyncEnv
from qbwc_server.sync.imports._base import ImportSpec, Incoming, Tally
from qbwc_server.sync.imports._changes import (
    app_changed,
    app_later,
    app_time,
    content_hash,
    qb_changed,
)
from qbwc_server.sync.imports._page import Page, new_id
from qbwc_server.sync.imports._values import changes, merged, plain
from qbwc_server.sync.writes import LinkWrite
from qbxml.errors import QbxmlError
from request_queue.rows import LinkRow, RecordRow, RequestRow

NEVER_CREATED = "created in QuickBooks, which never come in"
UNREADABLE = "could not be read (see the log)"


CHUNK = 1_000  # objects applied (read, decided, written) at a time: bounds the memory a big
# answer takes beyond its parsed tree, at a few statements per thousand objects


def apply_page(spec: ImportSpec, rets: list[Any], env: SyncEnv, req: RequestRow) -> Tally:
    """Apply one answer's Rets, a chunk at a time; return what was done."""
    tally = Tally()
    for start in range(0, len(rets), CHUNK):
        _apply_chunk(spec, rets[start : start + CHUNK], env, req, tally)
    return tally


def _apply_chunk(
    spec: ImportSpec, rets: list[Any], env: SyncEnv, req: RequestRow, tally: Tally
) -> None:
    if env.writes is not None:
        # Links of earlier answers of this message set (an Add of the same item, say), and of
        # the earlier chunks of this one, are stored first, so this chunk reads them and does
        # not link an object twice.
        env.writes.flush()
    page = Page(env, req, spec)
    items = []
    for ret in rets:
        try:
            items.append(spec.read(ret))
        except (QbxmlError, ValueError) as exc:
            tally.skip(UNREADABLE)
            env.log(
                "unreadable",
                f"A {ret.tag} of the {spec.name} import could not be read and was skipped: {exc}",
                level="warning",
                request_id=req.id,
            )
    page.load(items)
    spec.preload(items, page)
    pushes: list[tuple[str, str]] = []
    for item in items:
        tally.saw(item.time_modified)
        owner = page.owner(item.qb_id)
        if owner is None:
            _new(spec, item, page, tally)
        else:
            _linked(spec, item, owner, page, tally, pushes)
    page.flush()
    if pushes:
        _push(env, pushes)
    if len(rets) == CHUNK:  # more may follow: what this chunk wrote leaves memory now
        if env.writes is not None:
            env.writes.flush()
        env.tx.events.flush()
        collector.collect_young()


def _new(spec: ImportSpec, item: Incoming, page: Page, tally: Tally) -> None:
    if not spec.creates:
        tally.skip(NEVER_CREATED)
        return
    if spec.admit is not None:
        reason = spec.admit(item, page)
        if reason is not None:
            tally.skip(reason)
            return
    record_id = new_id(item.qb_id)
    existing = page.record(spec.kind, record_id)
    _take(spec, item, page, tally, spec.kind, record_id, existing, None)


def _take(
    spec: ImportSpec,
    item: Incoming,
    page: Page,
    tally: Tally,
    kind: str,
    record_id: str,
    existing: RecordRow | None,
    link: LinkRow | None,
) -> None:
    """QuickBooks' copy becomes the record (one created from QuickBooks)."""
    mapped = spec.fields(item.ret, page, kind, existing)
    before = existing.data if existing is not None else {}
    data = merged(before, mapped.fields)
    extra = plain(mapped.extra)
    if extra:
        data["quickbooks"] = extra
    else:
        data.pop("quickbooks", None)
    if existing is not None and data == before and link is not None:
        if qb_changed(link, item):
            _relink(page, item, link, link.content_hash)
        tally.count("unchanged")
        return
    page.save(kind, record_id, existing.origin if existing else "quickbooks", data)
    hashed = content_hash(page.env, kind, data, link.name_suffix if link else "")
    page.link(
        LinkWrite(
            kind=kind,
            app_id=record_id,
            qb_id=item.qb_id,
            edit_sequence=item.edit_sequence,
            full_name=item.full_name,
            qb_time_modified=item.time_modified,
            content_hash=hashed,
            name_suffix=link.name_suffix if link else "",
        )
    )
    if existing is None:
        page.event("imported", kind, record_id, item)
        tally.count("added")
    else:
        page.event(
            "updated_in_quickbooks", kind, record_id, item, fields=sorted(changes(before, data))
        )
        tally.count("updated")


def _linked(
    spec: ImportSpec,
    item: Incoming,
    link: LinkRow,
    page: Page,
    tally: Tally,
    pushes: list[tuple[str, str]],
) -> None:
    record = page.record(link.kind, link.app_id)
    rule = spec.rule(link.kind)
    if record is not None and record.origin != "app":
        if spec.admit is not None and spec.admit(item, page) is not None:
            tally.count("kept")
            return
        edited = rule != "keep" and qb_changed(link, item) and app_changed(page.env, link, record)
        if not edited:  # QuickBooks' own record, as the app left it: QuickBooks' copy stands
            _take(spec, item, page, tally, link.kind, link.app_id, record, link)
            return
    if record is None or not qb_changed(link, item):
        tally.count("unchanged")
        return
    if rule == "keep":
        tally.count("kept")
        return
    mapped = spec.fields(item.ret, page, link.kind, record)
    applied = {k: v for k, v in mapped.fields.items() if k not in spec.push_only}
    data = merged(record.data, applied)
    differ = changes(record.data, data)
    if not differ:
        _relink(page, item, link, link.content_hash)
        tally.count("unchanged")
        return
    edited = app_changed(page.env, link, record)
    if rule == "last_wins" and edited and app_later(record, item.time_modified):
        _relink(page, item, link, link.content_hash)
        _conflict(page, item, link, differ, winner="app")
        pushes.append((link.kind, link.app_id))
        tally.count("conflicts")
        return
    if rule == "last_wins" and item.time_modified is not None:
        data["updated_at"] = item.time_modified.isoformat()
    page.save(link.kind, link.app_id, record.origin, data)
    # Two-way: a change the app made to what QuickBooks does not send back (push-only contact
    # data) must still go out, so the old hash stays. Last change wins: QuickBooks' won.
    keep = edited and rule == "two_way"
    hashed = (
        link.content_hash if keep else content_hash(page.env, link.kind, data, link.name_suffix)
    )
    _relink(page, item, link, hashed)
    if edited:
        _conflict(page, item, link, differ, winner="quickbooks")
        tally.count("conflicts")
    page.event("updated_in_quickbooks", link.kind, link.app_id, item, fields=sorted(differ))
    page.log(
        "updated_in_quickbooks",
        f"Changed in QuickBooks ({item.full_name or item.qb_id}): {', '.join(sorted(differ))}",
        link.kind,
        link.app_id,
        details={"fields": differ},
    )
    tally.count("updated")


def _relink(page: Page, item: Incoming, link: LinkRow, hashed: str | None) -> None:
    page.link(
        LinkWrite(
            kind=link.kind,
            app_id=link.app_id,
            qb_id=item.qb_id,
            edit_sequence=item.edit_sequence,
            full_name=item.full_name or link.full_name,
            qb_time_modified=item.time_modified,
            role=link.role,
            content_hash=hashed,
            name_suffix=link.name_suffix,
        )
    )


def _conflict(
    page: Page, item: Incoming, link: LinkRow, differ: dict[str, Any], *, winner: str
) -> None:
    record = page.record(link.kind, link.app_id)
    app_at = app_time(record).isoformat() if record is not None else None
    qb_at = item.time_modified.isoformat() if item.time_modified else None
    names = ", ".join(sorted(differ))
    if winner == "app":
        words = (
            f"Changed in both the app ({app_at}) and QuickBooks ({qb_at}) since the last sync; "
            f"the app's change is later, so QuickBooks' change to {names} was not applied and "
            "the app's version will be pushed to QuickBooks"
        )
    else:
        words = (
            f"Changed in both the app and QuickBooks since the last sync; QuickBooks' values "
            f"replaced the app's for {names}"
        )
    details = {
        "winner": winner,
        "fields": differ,
        "app_updated_at": app_at,
        "qb_time_modified": qb_at,
    }
    page.log("conflict", words, link.kind, link.app_id, level="warning", details=details)
    page.event("conflict", link.kind, link.app_id, item, **details)


def _push(env: SyncEnv, records: list[tuple[str, str]]) -> None:
    """Queue the export of the records whose app version won a conflict."""
    from qbwc_server.sync.plan import plan_sync

    roots = [Dependency(kind, record_id) for kind, record_id in records]
    try:
        plan_sync(env, roots, reason="the app's change won a conflict with QuickBooks'")
    except SyncError as exc:
        env.log("failed", f"The app's versions could not be queued for QuickBooks: {exc.message}")
