"""Match before add: look a batch of unlinked records up in QuickBooks, and link what is there.

A bookkeeper may already have typed the customer, the job or the invoice into QuickBooks. One
(entity, "lookup") request carries many records; its single query asks for all their names
(or RefNumbers), and every record found is linked instead of added. The export requests wait
for the lookup, so they see the link and send nothing (or a Mod when the app's copy changed).
"""

from __future__ import annotations

from lxml import etree

from qbwc_server.errors import SyncError
from qbwc_server.sync import feed, outcomes
from qbwc_server.sync.exports._spec import ExportSpec, MatchKey, fold
from qbwc_server.sync.handlers import BuildResult, Outcome, Skip, SyncEnv
from qbwc_server.sync.writes import LinkWrite
from qbxml.responses import RequestResult
from request_queue.rows import RequestRow


class LookupHandler:
    """The (entity, "lookup") request of one ExportSpec."""

    action = "lookup"
    writes = False

    def __init__(self, spec: ExportSpec) -> None:
        self.spec = spec
        self.entity = spec.entity

    def _wanted(self, req: RequestRow, env: SyncEnv) -> dict[str, MatchKey]:
        """The request's records that are still unlinked, with their match keys."""
        spec = self.spec
        ids = [str(i) for i in req.params.get("record_ids", [])]
        env.refs.preload((spec.kind, i) for i in ids)
        wanted: dict[str, MatchKey] = {}
        for record_id in ids:
            data = env.refs.find(spec.kind, record_id)
            if data is None or env.refs.link(spec.kind, record_id, spec.role) is not None:
                continue
            try:
                key = spec.match_key(data, env, "")
            except SyncError:
                continue  # its own export fails, naming what is missing; the rest is looked up
            if key is not None:
                wanted[record_id] = key
        return wanted

    def build(self, req: RequestRow, env: SyncEnv) -> BuildResult:
        wanted = self._wanted(req, env)
        if not wanted:
            return Skip("Nothing left to look up in QuickBooks", event="lookup")
        return self.spec.lookup(sorted(set(wanted.values())), env)

    def apply(self, req: RequestRow, result: RequestResult, env: SyncEnv) -> Outcome:
        spec = self.spec
        if not (result.ok or result.no_match or result.status_code == 500):
            return outcomes.decide(self, req, result, env)
        found: dict[MatchKey, etree._Element] = {}
        for element in result.rets:
            folded = fold(spec.ret_key(element))
            if folded is not None:
                found.setdefault(folded, element)
        linked = added = 0
        for record_id, key in self._wanted(req, env).items():
            ret = found.pop(fold(key), None)
            if ret is None:
                added += 1
                env.log(
                    "not_found",
                    f"No {spec.qb_object} like it in QuickBooks: it will be added",
                    record_kind=spec.kind,
                    record_id=record_id,
                    request_id=req.id,
                )
                continue
            ids = spec.read(ret)
            if env.owner_of(ids.qb_id) is not None:
                added += 1
                continue  # that QuickBooks object already belongs to another record
            env.link(
                LinkWrite(
                    kind=spec.kind,
                    app_id=record_id,
                    qb_id=ids.qb_id,
                    edit_sequence=ids.edit_sequence,
                    full_name=ids.full_name,
                    qb_time_modified=ids.time_modified,
                    role=spec.role,
                )
            )
            linked += 1
            env.log(
                "matched",
                f"Found {spec.qb_object} {ids.full_name or ''} ({ids.qb_id}) already in "
                "QuickBooks: linked to it, not added",
                record_kind=spec.kind,
                record_id=record_id,
                request_id=req.id,
                details={"qb_id": ids.qb_id},
            )
            feed.matched(env.tx, env.company.id, req, spec.kind, record_id, spec.role, ids)
        return Outcome(
            "done",
            f"Looked up {linked + added} {spec.entity} record(s) in QuickBooks: "
            f"{linked} linked to what is there, {added} to add",
            event="lookup",
        )
