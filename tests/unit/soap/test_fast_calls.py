"""authenticate and closeConnection answered without spyne give spyne's very bytes; anything
unusual still goes to spyne; and spyne no longer runs gc.collect() after calls."""

from __future__ import annotations

import gc
from typing import Any

import pytest
import spyne.context
from werkzeug.test import Client

from qbwc_server import soap, soap_fast
from qbwc_server.soap import make_soap_app
from qbxml.xmlparse import parse_xml
from request_queue.errors import DatabaseUnavailable
from tests.unit.soap.conftest import (
    MAX_BODY,
    PUBLIC_URL,
    QBWC_PREFIX,
    RecordingHandler,
    envelope,
    fixture,
    post,
)

NS = "http://developer.intuit.com/"
USER_PW = "<strUserName>ridgeline</strUserName><strPassword>pw</strPassword>"

# (operation, request body)
BODIES: list[tuple[str, bytes]] = [
    ("authenticate", fixture("authenticate")),
    ("closeConnection", fixture("closeConnection")),
    ("authenticate", envelope("authenticate", USER_PW)),
    ("authenticate", envelope("authenticate", "<strUserName>ridgeline</strUserName>")),
    ("authenticate", envelope("authenticate")),
    ("authenticate", envelope("authenticate", "<strUserName/><strPassword></strPassword>")),
    (
        "authenticate",
        envelope(
            "authenticate",
            "<strUserName> M\u00fcller &amp; S\u00f6hne </strUserName>"
            "<strPassword><![CDATA[p<a&ss]]>\u20ac</strPassword>",
        ),
    ),
    ("authenticate", envelope("authenticate", "<strPassword>pw</strPassword>")),
    (
        "authenticate",
        b'<?xml version="1.0"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/'
        b'envelope/">\n  <soap:Body>\n    <authenticate xmlns="http://developer.intuit.com/">'
        b"\n      <strUserName>ridgeline</strUserName>\n      <strPassword>pw</strPassword>\n"
        b"    </authenticate>\n  </soap:Body>\n</soap:Envelope>\n",
    ),
    ("closeConnection", envelope("closeConnection", "<ticket></ticket>")),
    ("closeConnection", envelope("closeConnection")),
    ("closeConnection", envelope("closeConnection", "<ticket>none.abc-_</ticket>")),
]
# (operation, the handler's answer)
ANSWERS: list[tuple[str, Any]] = [
    ("authenticate", ["ticket-1", "none"]),
    ("authenticate", ["ticket-1", "none", "300"]),
    ("authenticate", ["t", "C:\\Company Files\\A&B <Roofing> \"1\" 'x'.QBW", "", "30"]),
    ("authenticate", ["t", "tab\tnew\nline\rcr \u00e9\u20ac\U0001f600"]),
    ("authenticate", ["t", ""]),
    ("authenticate", []),
    ("closeConnection", "Nothing to sync."),
    ("closeConnection", ""),
    ("closeConnection", "Synced 12, 1 failed; stopped: <&> \r\n \u00fc"),
]
# Not plain: spyne must read these (and both apps then answer alike).
NOT_PLAIN = [
    QBWC_PREFIX.replace(b"<soap:Body>", b"<soap:Header/><soap:Body>")
    + f'<authenticate xmlns="{NS}">{USER_PW}</authenticate></soap:Body></soap:Envelope>'.encode(),
    envelope("authenticate", USER_PW + "<strPassword>again</strPassword>"),
    envelope("authenticate", USER_PW + "<extra>x</extra>"),
    envelope("authenticate", "<strUserName><b>x</b></strUserName>"),
    envelope(
        "authenticate",
        '<strUserName xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>',
    ),
    envelope("authenticate", "<!-- a comment -->" + USER_PW),
    envelope("authenticate", "text" + USER_PW),
    envelope("closeConnection", '<ticket xmlns="">t</ticket>'),
    envelope("getLastError", "<ticket>t</ticket>"),
    QBWC_PREFIX + b"</soap:Body></soap:Envelope>",
]


def _pair(handler: RecordingHandler) -> tuple[Client, Client]:
    fast = make_soap_app(handler, public_url=PUBLIC_URL, max_body_bytes=MAX_BODY)
    slow = make_soap_app(handler, public_url=PUBLIC_URL, max_body_bytes=MAX_BODY, fast_calls=False)
    return Client(fast), Client(slow)


def _both(handler: RecordingHandler, op: str, body: bytes) -> tuple[Any, Any]:
    fast, slow = _pair(handler)
    handler.calls.clear()
    a = post(fast, op, body)
    fast_calls = list(handler.calls)
    handler.calls.clear()
    b = post(slow, op, body)
    assert fast_calls == handler.calls  # the handler was asked the same thing
    return (a.status, a.headers["Content-Type"], a.data), (
        b.status,
        b.headers["Content-Type"],
        b.data,
    )


@pytest.mark.parametrize(("op", "body"), BODIES, ids=range(len(BODIES)))
def test_plain_calls_are_read_as_spyne_reads_them(
    handler: RecordingHandler, op: str, body: bytes
) -> None:
    assert soap_fast.plain_call(parse_xml(body)) is not None
    fast, slow = _both(handler, op, body)
    assert fast == slow
    assert handler.calls  # and the call did reach the handler


@pytest.mark.parametrize(("op", "answer"), ANSWERS, ids=range(len(ANSWERS)))
def test_answers_are_spynes_bytes(handler: RecordingHandler, op: str, answer: Any) -> None:
    handler.answers["authenticate" if op == "authenticate" else "close_connection"] = answer
    body = envelope(op, USER_PW if op == "authenticate" else "<ticket>t</ticket>")
    fast, slow = _both(handler, op, body)
    assert fast == slow
    assert fast[0] == "200 OK"


@pytest.mark.parametrize(
    ("exc", "words"),
    [(RuntimeError("broke"), "Internal error"), (DatabaseUnavailable("down"), soap.MSG_DATABASE)],
)
@pytest.mark.parametrize("op", ["authenticate", "closeConnection"])
def test_a_failing_handler_gets_spynes_fault(
    handler: RecordingHandler, monkeypatch: pytest.MonkeyPatch, op: str, exc: Exception, words: str
) -> None:
    method = "authenticate" if op == "authenticate" else "close_connection"

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise exc

    monkeypatch.setattr(handler, method, fail)
    body = envelope(op, USER_PW if op == "authenticate" else "<ticket>t</ticket>")
    fast, slow = _both(handler, op, body)
    assert fast == slow
    assert fast[0].startswith("500") and words.encode() in fast[2]


def test_text_xml_cannot_carry_is_a_server_fault(handler: RecordingHandler) -> None:
    handler.answers["close_connection"] = "bell \x07"
    fast, _ = _pair(handler)
    response = post(fast, "closeConnection", envelope("closeConnection", "<ticket>t</ticket>"))
    assert response.status_code == 500 and b"Internal error" in response.data


@pytest.mark.parametrize("body", NOT_PLAIN, ids=range(len(NOT_PLAIN)))
def test_anything_unusual_goes_to_spyne(handler: RecordingHandler, body: bytes) -> None:
    assert soap_fast.plain_call(parse_xml(body)) is None
    fast, slow = _both(handler, "authenticate", body)
    assert fast == slow


def test_a_plain_call_never_reaches_spyne(
    handler: RecordingHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_spyne(*args: Any) -> Any:
        raise AssertionError("spyne was called")

    monkeypatch.setattr(soap, "_spyne_or_fault", no_spyne)
    fast, _ = _pair(handler)
    assert post(fast, "authenticate", fixture("authenticate")).status_code == 200
    assert post(fast, "closeConnection", fixture("closeConnection")).status_code == 200
    with pytest.raises(AssertionError, match="spyne was called"):
        post(fast, "serverVersion", envelope("serverVersion"))


def test_spyne_runs_no_full_collection_after_a_call(
    handler: RecordingHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    collections: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *a: collections.append(1) or 0)
    monkeypatch.setattr(spyne.context, "_LAST_GC_RUN", 0.0)  # "long ago": spyne would collect
    _, slow = _pair(handler)
    for _ in range(3):
        assert post(slow, "serverVersion", envelope("serverVersion")).status_code == 200
    assert collections == []
