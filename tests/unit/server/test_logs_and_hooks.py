"""Structured logs with request ids, the outage reporter, gunicorn's error answers and access
log atoms (qbwc_server/logs.py, qbwc_server/gunicorn_hooks.py)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from qbwc_server import logs
from qbwc_server.gunicorn_hooks import AccessLogger, error_answer
from qbxml.xmlparse import parse_xml


def _record(message: str = "hello %s", *args: object) -> logging.LogRecord:
    return logging.LogRecord("qbwc_server.test", logging.WARNING, __file__, 1, message, args, None)


def test_json_lines_carry_the_request_id_of_the_context() -> None:
    token = logs.request_id.set("abc123")
    try:
        record = _record("hello %s", "world")
        assert logs.RequestIdFilter().filter(record)
        line = json.loads(logs.JsonFormatter().format(record))
    finally:
        logs.request_id.reset(token)
    assert line["message"] == "hello world"
    assert line["request_id"] == "abc123"
    assert line["level"] == "WARNING" and line["logger"] == "qbwc_server.test"
    assert line["time"].endswith("+00:00")


def test_outside_a_request_the_id_is_a_dash_and_text_lines_show_it() -> None:
    record = _record()
    logs.RequestIdFilter().filter(record)
    assert logging.Formatter(logs.TEXT_FORMAT).format(record).endswith("[-]: hello %s")


def test_a_json_line_keeps_the_traceback_in_one_field() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = logs.JsonFormatter().format(record)
    assert "\n" not in text
    assert "ValueError: boom" in json.loads(text)["exc"]


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [("req-42.a_b", True), ("", False), ("a b", False), ("x" * 65, False), ("é", False)],
)
def test_a_proxy_request_id_is_kept_only_when_it_is_a_plain_token(
    incoming: str, kept: bool
) -> None:
    rid = logs.new_request_id({"HTTP_X_REQUEST_ID": incoming})
    assert (rid == incoming) is kept
    assert 1 <= len(rid) <= 64


class _Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_outage_is_one_line_then_at_most_one_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    ticks = _Ticks()
    outage = logs.Outage("database", logging.getLogger("qbwc_server.t"), clock=ticks)
    with caplog.at_level(logging.INFO, logger="qbwc_server.t"):
        for _ in range(500):  # 500 failing calls in 20 s: the 2,950 lines
            outage.failed("connection refused")
            ticks.now += 0.04
        assert len(caplog.records) == 1
        assert "database unavailable: connection refused" in caplog.records[0].getMessage()
        ticks.now = 61
        outage.failed("connection refused")
        assert len(caplog.records) == 2
        assert "500 failed calls" in caplog.records[1].getMessage()
        outage.answered()
        outage.answered()
        assert len(caplog.records) == 3
        assert "available again after 61 s" in caplog.records[2].getMessage()
        assert not outage.down


@pytest.mark.parametrize("path", ["/qbwc", None])
def test_gunicorn_errors_on_the_soap_path_are_faults(path: str | None) -> None:
    content_type, body = error_answer(431, "Request Header Fields Too Large", path)
    assert content_type.startswith("text/xml")
    root = parse_xml(body)
    assert root.tag.endswith("Envelope") and b"Fault" in body and b"<html" not in body


@pytest.mark.parametrize("path", ["/api/v1/companies", "/healthz", "/metrics"])
def test_gunicorn_errors_on_json_paths_are_json(path: str) -> None:
    content_type, body = error_answer(414, "URI Too Long", path)
    assert content_type == "application/json"
    assert json.loads(body)["error"]["code"] == "http_414"


def test_the_access_log_leaves_query_strings_out() -> None:
    logger = AccessLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/api/v1/companies?token=s3cret-token",
        "PATH_INFO": "/api/v1/companies",
        "QUERY_STRING": "token=s3cret-token",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://app.example.com/x?ticket=abc-ticket",
        "REMOTE_ADDR": "127.0.0.1",
    }
    resp = SimpleNamespace(status="200 OK", headers=[("X-Request-Id", "r1")], sent=10)
    req = SimpleNamespace(headers=[])
    atoms = logger.atoms(resp, req, environ, timedelta(milliseconds=5))
    line = Config().access_log_format % atoms
    assert "s3cret-token" not in repr(dict(atoms)) and "abc-ticket" not in repr(dict(atoms))
    assert atoms["r"] == "GET /api/v1/companies HTTP/1.1"
    assert "abc-ticket" not in atoms["f"] and "s3cret-token" not in line
