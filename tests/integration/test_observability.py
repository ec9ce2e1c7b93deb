"""GET /metrics (Prometheus text), GET /healthz and request ids, through the composed WSGI app
on both databases; a database that cannot be reached is a 503 and a few log lines."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from werkzeug.test import Client

from qbwc_server.config import Settings
from qbwc_server.logs import DATABASE
from qbwc_server.wsgi import Application
from request_queue.store import Store
from tests.conftest import Clock
from tests.support.inprocess import PASSWORD, USER, Harness

NS = "http://developer.intuit.com/"
ENVELOPE = (
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
    'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>{}</soap:Body>'
    "</soap:Envelope>"
)


def _auth(user: str, password: str) -> bytes:
    inner = (
        f'<authenticate xmlns="{NS}"><strUserName>{user}</strUserName>'
        f"<strPassword>{password}</strPassword></authenticate>"
    )
    return ENVELOPE.format(inner).encode()


@pytest.fixture
def harness(settings: Settings, clock: Clock) -> Iterator[Harness]:
    h = Harness(settings, clock)
    yield h
    h.close()


@pytest.fixture
def client(harness: Harness) -> Client:
    return Client(Application(harness.settings, harness.store))


def _metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition ``text`` (0 when absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        match = re.match(r"^([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        if match and match.group(1) == name:
            have = ",".join(sorted((match.group(2) or "").split(","))) if match.group(2) else ""
            if have == want:
                return float(match.group(3))
    return 0.0


def _scrape(client: Client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    return response.get_data(as_text=True)


def test_metrics_count_calls_sessions_finished_requests_and_queue_depth(
    harness: Harness, client: Client
) -> None:
    harness.put("customer", "c1", first_name="Ada", last_name="Lovelace")
    harness.ops.syncs.sync_record(harness.company_id, "customer", "c1")
    before = _scrape(client)
    assert _metric(before, "qbwc_database_up") == 1
    assert _metric(before, "qbwc_queue_requests", state="queued") == 2
    soap = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}authenticate"'}
    assert client.post("/qbwc", data=_auth(USER, "wrong"), headers=soap).status_code == 200
    run = harness.session()
    assert run.outcome == "completed", run
    after = _scrape(client)

    def grew(name: str, **labels: str) -> float:
        return _metric(after, name, **labels) - _metric(before, name, **labels)

    assert grew("qbwc_soap_call_seconds_count", method="authenticate") == 1
    assert grew("qbwc_soap_call_seconds_bucket", method="authenticate", le="+Inf") == 1
    assert grew("qbwc_sessions_total", outcome="nvu") == 1
    assert grew("qbwc_sessions_total", outcome="started") == 1
    assert grew("qbwc_sessions_total", outcome="closed") == 1
    assert grew("qbwc_requests_finished_total", entity="customer", state="done") == 2
    assert _metric(after, "qbwc_queue_requests", state="queued") == 0
    assert _metric(after, "qbwc_queue_requests", state="done") == 2
    assert PASSWORD not in after and "wrong" not in after


def test_every_answer_names_its_request_id(client: Client) -> None:
    first = client.get("/healthz")
    assert first.status_code == 200 and first.json == {"status": "ok"}
    assert re.fullmatch(r"[0-9a-f]{16}", first.headers["X-Request-Id"])
    assert client.get("/healthz").headers["X-Request-Id"] != first.headers["X-Request-Id"]
    kept = client.get("/qbwc?wsdl", headers={"X-Request-Id": "lb-7f3a"})
    assert kept.headers["X-Request-Id"] == "lb-7f3a"


def test_an_unreachable_database_is_a_503_and_one_log_line(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    DATABASE.answered()  # no outage left over from another test
    url = "postgresql://postgres@127.0.0.1:9/nowhere"  # nothing listens on port 9
    store = Store(url)
    client = Client(Application(Settings(database_url=url, password_hash_iterations=1000), store))
    soap = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}authenticate"'}
    try:
        with caplog.at_level(logging.INFO):
            for _ in range(20):
                health = client.get("/healthz")
                assert health.status_code == 503
                assert health.json == {"status": "database unavailable"}
                fault = client.post("/qbwc", data=_auth(USER, PASSWORD), headers=soap)
                assert fault.status_code == 500 and b"cannot reach its database" in fault.data
            metrics = _scrape(client)
        assert _metric(metrics, "qbwc_database_up") == 0
        lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(lines) == 1, [r.getMessage() for r in lines]
        assert "database unavailable" in lines[0].getMessage()
        assert "Traceback" not in caplog.text
    finally:
        DATABASE.answered()
        store.dispose()
