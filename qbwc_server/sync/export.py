"""Sending one app record to QuickBooks: add it, update it, or leave it alone.

An unlinked record is added; a linked one that changed is sent as a Mod with the stored
EditSequence; one unchanged since its last sync (the hash of what would be built) is not sent.
Steps after an error (re-read the EditSequence, look up a name in use, find a lost answer's
object) are ``phase`` values in the request's params; outcomes.py decides which comes next.
"""

from __future__ import annotations

import hashlib
from typing import Any

from lxml import etree

from qbwc_server.sync import outcomes
from qbwc_server.sync.exports._spec import ExportSpec, QbIds, fold
from qbwc_server.sync.handlers import BuildResult, Built, Outcome, Skip, SyncEnv
from qbwc_server.sync.writes import LinkWrite
from qbxml.context import BuildContext, Identity
from qbxml.responses import RequestResult
from request_queue.rows import LinkRow, RequestRow


def content_hash(element: etree._Element) -> str:
    """SHA-256 of a built request: the same record and settings give the same hash."""
    return hashlib.sha256(etree.tostring(element, method="c14n")).hexdigest()


def current_hash(spec: ExportSpec, data: dict[str, Any], env: SyncEnv, suffix: str) -> str:
    """The hash of the Add the record would be sent as now (no FieldNotes recorded)."""
    scratch = SyncEnv(
        env.tx,
        env.company,
        env.settings,
        BuildContext(version=env.ctx.version, uppercase=env.ctx.uppercase),
        env.refs,
    )
    return content_hash(spec.build(data, scratch, None, suffix))


class ExportHandler:
    """The (entity, "export") request of one ExportSpec."""

    action = "export"
    writes = True

    def __init__(self, spec: ExportSpec) -> None:
        self.spec = spec
        self.entity = spec.entity

    def _suffix(self, req: RequestRow, link: LinkRow | None) -> str:
        if link is not None:
            return link.name_suffix
        return str(req.params.get("name_suffix") or "")

    def build(self, req: RequestRow, env: SyncEnv) -> BuildResult:
        spec, record_id = self.spec, req.record_id or ""
        data = env.refs.record(spec.kind, record_id)
        why = spec.excluded(data, env.settings)
        if spec.setting is not None and not env.settings.get(spec.setting):
            why = f"the company setting {spec.setting} is off"
        if why is not None:  # settings or the record changed after it was queued
            return Skip(f"Not sent: {why}", event="skipped")
        link = env.refs.link(spec.kind, record_id, spec.role)
        suffix = self._suffix(req, link)
        phase = req.params.get("phase")
        if phase == "reread" and link is not None:
            return spec.reread(link.qb_id, env)
        if phase in ("recover", "name_in_use") and link is None:
            key = spec.match_key(data, env, "" if phase == "name_in_use" else suffix)
            if key is not None:
                return spec.lookup([key], env)
        if link is None:
            element = spec.build(data, env, None, suffix)
            return Built(element, {"content_hash": content_hash(element), "phase": "add"})
        wanted = current_hash(spec, data, env, suffix)
        if link.content_hash == wanted:
            return Skip(f"Unchanged since its last sync: {spec.qb_object} {link.qb_id} not sent")
        if link.content_hash is None:
            env.tx.records.set_link_hash(
                env.company.id, spec.kind, record_id, wanted, role=spec.role
            )
            return Skip(
                f"Linked to the {spec.qb_object} already in QuickBooks ({link.qb_id}); not sent",
                event="matched",
            )
        if not spec.has_mod:
            return Skip(
                f"Changed in the app, but qbXML has no {spec.qb_object}Mod: QuickBooks keeps "
                f"{link.full_name or link.qb_id} as it is. Change it in QuickBooks by hand.",
                event="not_updatable",
            )
        ident = Identity(link.qb_id, link.edit_sequence or "")
        element = spec.build(data, env, ident, suffix)
        return Built(element, {"content_hash": wanted, "phase": "mod"})

    def apply(self, req: RequestRow, result: RequestResult, env: SyncEnv) -> Outcome:
        spec = self.spec
        phase = req.params.get("phase")
        if phase == "reread":
            return self._reread(req, result, env)
        if phase in ("recover", "name_in_use"):
            return self._found(req, result, env, phase)
        if not result.ok:
            return outcomes.decide(self, req, result, env)
        ret = result.ret
        if ret is None:
            return Outcome("failed", f"QuickBooks answered {result.name} without the object")
        ids = spec.read(ret)
        self._link(req, env, ids, req.params.get("content_hash"))
        if phase == "mod":
            words = f"Updated {spec.qb_object} {ids.full_name or ''} ({ids.qb_id}) in QuickBooks"
            return Outcome("done", words, event="updated")
        words = f"Added to QuickBooks as {spec.qb_object} {ids.full_name or ''} ({ids.qb_id})"
        return Outcome("done", words, event="added")

    def _link(self, req: RequestRow, env: SyncEnv, ids: QbIds, hashed: Any) -> None:
        spec, record_id = self.spec, req.record_id or ""
        link = env.refs.link(spec.kind, record_id, spec.role)
        env.link(
            LinkWrite(
                kind=spec.kind,
                app_id=record_id,
                qb_id=ids.qb_id,
                edit_sequence=ids.edit_sequence,
                full_name=ids.full_name,
                qb_time_modified=ids.time_modified,
                role=spec.role,
                content_hash=None if hashed is None else str(hashed),
                name_suffix=self._suffix(req, link),
            )
        )

    def _reread(self, req: RequestRow, result: RequestResult, env: SyncEnv) -> Outcome:
        spec, record_id = self.spec, req.record_id or ""
        link = env.refs.link(spec.kind, record_id, spec.role)
        if result.ok and result.ret is not None and link is not None:
            ids = spec.read(result.ret)
            self._link(req, env, ids, link.content_hash)
            return Outcome(
                "continue",
                f"Re-read {spec.qb_object} {ids.qb_id} (EditSequence {ids.edit_sequence}); "
                "sending the change again",
                params={"phase": None},
                event="reread",
            )
        return outcomes.decide(self, req, result, env)

    def _found(self, req: RequestRow, result: RequestResult, env: SyncEnv, phase: str) -> Outcome:
        """The answer to a lookup of this one record (after a lost answer, or a 3100)."""
        spec = self.spec
        if not (result.ok or result.no_match):
            return outcomes.decide(self, req, result, env)
        data = env.refs.record(spec.kind, req.record_id or "")
        suffix = "" if phase == "name_in_use" else self._suffix(req, None)
        key = fold(spec.match_key(data, env, suffix))
        for ret in result.rets:
            if key is not None and fold(spec.ret_key(ret)) == key:
                ids = spec.read(ret)
                owner = env.owner_of(ids.qb_id)
                if owner is not None and owner != (spec.kind, req.record_id, spec.role):
                    continue  # that object is another record's: this one needs its own
                if phase == "recover":
                    self._link(req, env, ids, req.params.get("content_hash"))
                    return Outcome(
                        "done",
                        f"The lost answer's {spec.qb_object} had landed in QuickBooks "
                        f"({ids.qb_id}): linked, not added again",
                        event="recovered",
                    )
                self._link(req, env, ids, None)
                return Outcome(
                    "continue",
                    f"Its name is taken by {spec.qb_object} {ids.full_name} ({ids.qb_id}) "
                    "already in QuickBooks: linked to it instead of adding another",
                    params={"phase": None},
                    event="matched",
                )
        if phase == "recover":
            return Outcome(
                "continue",
                f"The lost answer's {spec.qb_object} is not in QuickBooks: it will be added",
                params={"phase": None},
                event="not_landed",
            )
        return outcomes.disambiguate(req)
