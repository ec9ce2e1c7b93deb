"""A Web Connector session run in-process: QbwcService called directly, the fake QuickBooks
company answering. Used by integration tests of the sync engine on both databases."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qbwc_server.config import Settings
from qbwc_server.operations import Operations
from qbwc_server.service import QbwcService
from qbwc_server.simulator.quickbooks import FakeQuickBooks
from qbwc_server.sync.registry import default_registry
from request_queue.store import Store
from tests.conftest import Clock
from tests.support.schema import schema_dir

PASSWORD = "correct horse battery"
USER = "ridgeline"


@dataclass
class Run:
    """What one session did."""

    outcome: str
    sends: int = 0
    percents: list[int] = field(default_factory=list)
    close: str = ""
    requests: list[str] = field(default_factory=list)
    send_calls: int = 0  # every sendRequestXML, the empty and NoOp answers included


class Harness:
    """A service over a store with one company, its operations, and a fake QuickBooks."""

    def __init__(
        self, settings: Settings, clock: Clock, *, username: str = USER, **company_settings: Any
    ) -> None:
        self.clock = clock
        self.username = username
        self.settings = settings
        self.store = Store(settings.database_url, clock=clock)
        self.ops = Operations(self.store, settings)
        self.service = QbwcService(self.store, settings, default_registry())
        company, _ = self.ops.companies.create(
            {
                "name": "Ridgeline Remodeling",
                "qbwc_username": username,
                "qbwc_password": PASSWORD,
                "settings": company_settings,
            }
        )
        self.company_id = company.id
        directory = schema_dir()
        self.qb = FakeQuickBooks(schema_dir=directory if directory.is_dir() else None)

    def put(self, kind: str, record_id: str, **data: Any) -> None:
        self.ops.records.upsert(self.company_id, kind, record_id, data)

    def session(self, *, lose_answer_of: int | None = None, max_sends: int = 60) -> Run:
        """One Web Connector run; ``lose_answer_of=n`` makes QuickBooks apply the n-th set
        and the Web Connector die before posting its answer."""
        ticket, status = self.service.authenticate(self.username, PASSWORD)[:2]
        if status in ("nvu", "none", "busy"):
            self.service.close_connection(ticket)
            return Run(status)
        run = Run("completed")
        hcp = self.qb.hcp_response()
        first = True
        while run.sends < max_sends:
            xml = self.service.send_request_xml(
                ticket, hcp if first else "", self.qb.company_file, "US", 13, 0
            )
            run.send_calls += 1
            first = False
            if xml == "":
                if self.service.get_last_error(ticket) == "NoOp":
                    self.clock.advance(5)
                    continue
                break
            run.sends += 1
            run.requests.append(xml)
            answer = self.qb.process(xml)
            if lose_answer_of == run.sends:
                return Run("died", run.sends, run.percents, "", run.requests, run.send_calls)
            percent = self.service.receive_response_xml(ticket, answer, "", "")
            run.percents.append(percent)
            if percent < 0 or percent >= 100:
                break
        run.close = self.service.close_connection(ticket)
        return run

    def link(self, kind: str, record_id: str, role: str = "") -> Any:
        with self.store.transaction() as tx:
            return tx.records.link_by_app(self.company_id, kind, record_id, role=role)

    def states(self) -> dict[str, int]:
        with self.store.transaction() as tx:
            return tx.queue.counts(self.company_id).by_state

    def log(self, kind: str | None = None, record_id: str | None = None) -> list[Any]:
        with self.store.transaction() as tx:
            return tx.log.read(self.company_id, record_kind=kind, record_id=record_id, limit=1000)

    def close(self) -> None:
        self.store.dispose()
