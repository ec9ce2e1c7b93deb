"""Planning a sync: which requests a set of records needs, in dependency order.

For each record: its dependencies first (the customer before the job, the job and items
before the invoice...), then the record itself. A record already queued is reused (pressing
Sync Job twice queues nothing new); a linked record whose build hash is unchanged needs no
request; an unlinked one is first looked up in QuickBooks (one lookup request per entity for
the whole plan) so that what a bookkeeper typed is linked rather than duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qbwc_server.errors import SyncError
from qbwc_server.sync.export import current_hash
from qbwc_server.sync.exports import spec_for
from qbwc_server.sync.exports._spec import Dependency, ExportSpec
from qbwc_server.sync.handlers import SyncEnv
from qbxml.errors import QbxmlError
from request_queue.rows import RequestRow


@dataclass
class _Node:
    spec: ExportSpec
    dep: Dependency
    data: dict[str, Any]
    needs: list[_Node]
    request_id: int | None = None


@dataclass
class Plan:
    """What planning did: requests queued, reused (already queued), and records left out."""

    queued: list[RequestRow] = field(default_factory=list)
    reused: list[int] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def request_ids(self) -> list[int]:
        return [r.id for r in self.queued] + self.reused


class _Planner:
    def __init__(self, env: SyncEnv) -> None:
        self.env = env
        self.plan = Plan()
        self.nodes: dict[tuple[str, str, str], _Node | None] = {}
        self.order: list[_Node] = []

    def visit(self, dep: Dependency) -> _Node | None:
        key = (dep.kind, dep.record_id, dep.role)
        if key in self.nodes:
            return self.nodes[key]
        self.nodes[key] = None  # a cycle stops here
        data = self.env.refs.find(dep.kind, dep.record_id)
        if data is None:
            self.plan.skipped.append((dep.kind, dep.record_id, "it does not exist yet"))
            return None
        spec = spec_for(dep.kind, dep.role, data)
        if spec is None:
            why = "it is not exported to QuickBooks"
            self.plan.skipped.append((dep.kind, dep.record_id, why))
            return None
        if spec.setting is not None and not self.env.settings.get(spec.setting):
            why = f"the company setting {spec.setting} is off"
            self.plan.skipped.append((dep.kind, dep.record_id, why))
            return None
        excluded = spec.excluded(data, self.env.settings)
        if excluded is not None:
            self.plan.skipped.append((dep.kind, dep.record_id, excluded))
            return None
        needs = [self.visit(d) for d in spec.depends(data, self.env.settings)]
        node = _Node(spec, dep, data, [n for n in needs if n is not None])
        self.nodes[key] = node
        self.order.append(node)
        return node

    def unchanged(self, node: _Node) -> bool:
        link = self.env.refs.link(node.spec.kind, node.dep.record_id, node.spec.role)
        if link is None or link.content_hash is None:
            return False
        try:
            wanted = current_hash(node.spec, node.data, self.env, link.name_suffix)
        except (SyncError, QbxmlError):
            return False
        return link.content_hash == wanted


def plan_sync(env: SyncEnv, roots: list[Dependency], *, reason: str) -> Plan:
    """Queue what ``roots`` and their dependencies need; ``reason`` goes in the log."""
    planner = _Planner(env)
    for root in roots:
        planner.visit(root)
    tx, company_id = env.tx, env.company.id
    active = tx.queue.active(company_id, "export")
    to_queue: list[_Node] = []
    for node in planner.order:
        existing = active.get((node.spec.entity, node.dep.record_id))
        if existing is not None:
            node.request_id = existing
            planner.plan.reused.append(existing)
        elif not any(n.request_id for n in node.needs) and planner.unchanged(node):
            planner.plan.unchanged.append((node.dep.kind, node.dep.record_id))
        else:
            to_queue.append(node)
            node.request_id = -1  # decided below
    lookups: dict[str, int] = {}
    by_entity: dict[str, list[_Node]] = {}
    for node in to_queue:
        if env.refs.link(node.spec.kind, node.dep.record_id, node.spec.role) is None:
            by_entity.setdefault(node.spec.entity, []).append(node)
    for entity, nodes in by_entity.items():
        req = tx.queue.enqueue(
            company_id,
            entity=entity,
            action="lookup",
            record_kind=nodes[0].spec.kind,
            params={"record_ids": [n.dep.record_id for n in nodes]},
        )
        lookups[entity] = req.id
        planner.plan.queued.append(req)
    for node in to_queue:
        waits = [n.request_id for n in node.needs if n.request_id and n.request_id > 0]
        if node.spec.entity in lookups and node in by_entity.get(node.spec.entity, []):
            waits.append(lookups[node.spec.entity])
        req = tx.queue.enqueue(
            company_id,
            entity=node.spec.entity,
            action="export",
            record_kind=node.spec.kind,
            record_id=node.dep.record_id,
            depends_on=waits,
        )
        node.request_id = req.id
        planner.plan.queued.append(req)
        tx.log.write(
            company_id,
            "queued",
            f"{node.spec.qb_object} sync queued ({reason})",
            record_kind=node.spec.kind,
            record_id=node.dep.record_id,
            request_id=req.id,
        )
    return planner.plan
