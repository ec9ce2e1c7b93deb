"""The fake Web Connector and fake QuickBooks company against a live ``qbwc serve``."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from qbwc_server.simulator.quickbooks import FakeQuickBooks
from qbwc_server.simulator.runner import SimulatedCompany, simulate
from qbwc_server.simulator.webconnector import Faults, WebConnector
from request_queue.db import make_engine
from request_queue.models import QbwcSession
from tests.conftest import FIXTURES
from tests.support.live import LiveServer, live_server
from tests.support.schema import schema_dir

PASSWORD = "s3cret-web-connector"
BUSY_SECONDS = 600
SEED = FIXTURES / "simulator" / "demo-company.json"


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    # A session is taken as dead only after 10 minutes of silence: no test waits for that on a
    # real clock (a loaded machine would make it flaky); _silence() ages the session instead.
    with live_server(
        database_url, tmp_path, workers=2, extra_env={"QBWC_BUSY_SECONDS": str(BUSY_SECONDS)}
    ) as live:
        live.qbwc(
            "company",
            "create",
            "--name",
            "Demo Contracting",
            "--username",
            "demo",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        yield live


def _quickbooks() -> FakeQuickBooks:
    directory = schema_dir()
    company = FakeQuickBooks(schema_dir=directory if directory.is_dir() else None)
    company.seed(SEED)
    return company


def _connector(server: LiveServer, company: FakeQuickBooks, **kw: object) -> WebConnector:
    return WebConnector(server.soap_url, "demo", PASSWORD, company, sleep=lambda _s: None, **kw)  # type: ignore[arg-type]


def _silence(server: LiveServer) -> None:
    """Make every open session look silent for longer than QBWC_BUSY_SECONDS, as if that much
    time had passed, by moving its last call back in the server's database."""
    engine = make_engine(server.env["QBWC_DATABASE_URL"])
    try:
        with engine.begin() as conn:
            long_ago = datetime.now(UTC) - timedelta(seconds=BUSY_SECONDS + 60)
            moved = conn.execute(
                update(QbwcSession).where(QbwcSession.state == "open").values(last_seen_at=long_ago)
            ).rowcount
    finally:
        engine.dispose()
    assert moved >= 1, "no open session to silence"


def _accounts(server: LiveServer) -> list[dict[str, object]]:
    rows = json.loads(server.qbwc("records", "demo", "account", "--json"))
    assert isinstance(rows, list)
    return rows


def test_a_simulated_session_imports_the_fake_companys_accounts(server: LiveServer) -> None:
    server.qbwc("import", "demo", "accounts")
    quickbooks = _quickbooks()
    result = _connector(server, quickbooks).run_session()
    assert result.outcome == "completed", result
    assert result.close_message == "Synced 1, 0 failed"
    assert result.percents == [100]
    assert result.calls[:3] == ["serverVersion", "clientVersion", "authenticate"]
    assert result.calls[-1] == "closeConnection"
    theirs = {a["FullName"] for a in quickbooks.find("Account")}
    ours = {a["data"]["full_name"] for a in _accounts(server)}  # type: ignore[index]
    assert ours == theirs and len(ours) >= 10
    shown = server.qbwc("company", "show", "demo", "--json")
    assert json.loads(shown)["company_file"].endswith(".QBW")


def test_no_work_means_none_and_a_clean_close(server: LiveServer) -> None:
    result = _connector(server, _quickbooks()).run_session()
    assert result.outcome == "no_work"
    assert result.calls == ["serverVersion", "clientVersion", "authenticate", "closeConnection"]


def test_a_wrong_password_is_reported(server: LiveServer) -> None:
    result = WebConnector(
        server.soap_url, "demo", "wrong", _quickbooks(), sleep=lambda _s: None
    ).run_session()
    assert result.outcome == "invalid_user"


def test_a_lost_answer_is_asked_again_without_duplicates(server: LiveServer) -> None:
    server.qbwc("import", "demo", "accounts")
    quickbooks = _quickbooks()
    died = _connector(server, quickbooks, faults=Faults(drop_response_after=1)).run_session()
    assert died.outcome == "died"
    assert _accounts(server) == []
    queue = server.qbwc("queue", "demo")
    assert " sent " in queue
    # While the dead session could still be alive, a new one is told the company is busy.
    assert _connector(server, quickbooks).run_session().outcome == "busy"
    # After its silence (QBWC_BUSY_SECONDS) it is taken as dead; the read-only import is
    # simply asked again, and the records are written once.
    _silence(server)
    result = _connector(server, quickbooks).run_session()
    assert result.outcome == "completed", result
    accounts = _accounts(server)
    assert len(accounts) == len(quickbooks.find("Account"))
    assert len({a["record_id"] for a in accounts}) == len(accounts)


def test_quickbooks_that_cannot_open_the_company(server: LiveServer) -> None:
    server.qbwc("import", "demo", "accounts")
    result = _connector(server, _quickbooks(), faults=Faults(cannot_open_company=5)).run_session()
    assert result.outcome == "connection_failed"
    assert result.calls.count("connectionError") == 3
    assert "could not open the company file" in result.last_error


def test_qbwc_simulate_runs_several_companies(server: LiveServer) -> None:
    server.qbwc(
        "company",
        "create",
        "--name",
        "Second",
        "--username",
        "second",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    server.qbwc("import", "demo", "accounts")
    server.qbwc("import", "second", "accounts")
    out = io.StringIO()
    code = simulate(
        server.soap_url,
        [
            SimulatedCompany("demo", PASSWORD, _quickbooks()),
            SimulatedCompany("second", PASSWORD, _quickbooks()),
        ],
        out=out,
    )
    assert code == 0, out.getvalue()
    assert "Synced 1, 0 failed" in out.getvalue()


def test_a_repeated_call_and_a_refused_request_set(server: LiveServer) -> None:
    server.qbwc("import", "demo", "accounts")
    server.qbwc("import", "demo", "accounts")
    quickbooks = _quickbooks()
    result = _connector(
        server, quickbooks, faults=Faults(repeat_call="closeConnection", hresult_on_request=1)
    ).run_session()
    # QuickBooks refused the first set (two imports in one set): the server splits it and
    # sends the requests one at a time, so the session still completes.
    assert result.outcome == "completed", result
    assert result.requests_sent == 3
    assert result.calls.count("closeConnection") == 2  # the second gets the same summary
    assert result.close_message == "Synced 2, 0 failed"


def test_a_cut_connection_kills_the_session_and_nothing_is_lost(server: LiveServer) -> None:
    server.qbwc("import", "demo", "accounts")
    quickbooks = _quickbooks()
    died = _connector(
        server, quickbooks, faults=Faults(cut_connection_on="receiveResponseXML")
    ).run_session()
    assert died.outcome == "died"
    assert _connector(server, quickbooks).run_session().outcome == "busy"
    _silence(server)  # past QBWC_BUSY_SECONDS: the cut session is taken as dead
    result = _connector(server, quickbooks).run_session()
    assert result.outcome == "completed", result
    assert len(_accounts(server)) == len(quickbooks.find("Account"))
