"""The fake Web Connector's call sequence against a scripted SOAP peer and a scripted company.

The peer (a real HTTP server, werkzeug on 127.0.0.1) checks every request's headers and
envelope shape and answers from a script; the company records what QuickBooks was handed.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qbwc_server.simulator.soapwire import NS
from qbwc_server.simulator.webconnector import (
    DEFAULT_FILE,
    Faults,
    SessionResult,
    WebConnector,
    highest_version,
    progress_bar,
)
from tests.support.wc_peer import (
    HCP,
    REQUEST,
    RESPONSE,
    START,
    Fault,
    Http,
    Peer,
    QbError,
    Reply,
    ScriptedQuickBooks,
    serve,
)


@pytest.fixture
def peer() -> Iterator[Peer]:
    yield from serve(Peer())


def run(peer: Peer, company: ScriptedQuickBooks | None = None, **kw: Any) -> SessionResult:
    connector = WebConnector(
        peer.url, "alice", "pa<ss>", company or ScriptedQuickBooks(), sleep=lambda _s: None, **kw
    )
    before = len(peer.seen)
    result = connector.run_session()
    assert peer.problems == []
    faults = kw.get("faults", Faults())
    cut = result.calls[-1:] == [faults.cut_connection_on]  # the peer never saw it whole
    assert (result.calls[:-1] if cut else result.calls) == peer.ops()[before:]
    return result


def test_a_session_with_two_request_sets(peer: Peer) -> None:
    peer.script("authenticate", ["T-42", "C:\\Company Files\\Scripted & Sons.QBW"])
    peer.script("receiveResponseXML", 50)
    qb = ScriptedQuickBooks()
    events: list[str] = []
    result = run(peer, qb, on_event=events.append)
    assert result == SessionResult(
        outcome="completed",
        close_message="OK",
        percents=[50, 100],
        requests_sent=2,
        calls=[*START, "sendRequestXML", "receiveResponseXML"] * 1
        + ["sendRequestXML", "receiveResponseXML", "closeConnection"],
        ticket="T-42",
    )
    assert qb.handed == [REQUEST, REQUEST]
    auth = peer.of("authenticate")[0].params
    assert auth == {"strUserName": "alice", "strPassword": "pa<ss>"}
    assert b"<strPassword>pa&lt;ss&gt;</strPassword>" in peer.of("authenticate")[0].body
    assert peer.of("clientVersion")[0].params == {"strVersion": "2.3.0.215"}
    assert peer.of("serverVersion")[0].body.endswith(
        f'<soap:Body><serverVersion xmlns="{NS}" /></soap:Body></soap:Envelope>'.encode()
    )
    first, second = peer.of("sendRequestXML")
    assert first.params == {
        "ticket": "T-42",
        "strHCPResponse": HCP,
        "strCompanyFileName": "C:\\Company Files\\Scripted & Sons.QBW",
        "qbXMLCountry": "US",
        "qbXMLMajorVers": "12",
        "qbXMLMinorVers": "0",
    }
    assert b"<strHCPResponse>&lt;?xml version=" in first.body  # qbXML travels escaped
    assert b"<strHCPResponse />" in second.body and second.params["strHCPResponse"] == ""
    receive = peer.of("receiveResponseXML")[0]
    assert receive.params == {"ticket": "T-42", "response": RESPONSE, "hresult": "", "message": ""}
    assert receive.body.endswith(
        b"<hresult /><message /></receiveResponseXML></soap:Body></soap:Envelope>"
    )
    assert all(s.params.get("ticket", "T-42") == "T-42" for s in peer.seen)
    assert "Sending request 2 ..." in events and events[-1] == "Update completed: OK"
    assert f"{progress_bar(50)} 50% done" in events


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [
        ("nvu", "invalid_user"),
        ("none", "no_work"),
        ("NONE", "no_work"),
        ("busy", "busy"),
        ("BUSY", "busy"),
    ],
)
def test_authenticate_refusals_close_and_stop(peer: Peer, reply: str, outcome: str) -> None:
    peer.script("authenticate", ["T-1", reply])
    peer.script("closeConnection", "No work today")
    result = run(peer)
    assert result.outcome == outcome
    assert result.calls == [*START, "closeConnection"]
    assert result.close_message == "No work today" and result.requests_sent == 0


def test_authenticate_postpone_and_min_run_are_reported(peer: Peer) -> None:
    peer.script("authenticate", ["T-1", "none", "60", "300"])
    result = run(peer)
    assert (result.postpone, result.min_run_every) == ("60", "300")
    assert run(peer).postpone is None  # the default answer has two members only


@pytest.mark.parametrize(
    ("answer", "outcome", "calls", "warnings"),
    [
        ("E:Please upgrade", "version_refused", ["serverVersion", "clientVersion"], []),
        ("O:2.3.0.215", "version_refused", ["serverVersion", "clientVersion"], []),
        ("W:Old but fine", "completed", None, ["Old but fine"]),
        ("", "completed", None, []),
    ],
)
def test_client_version_answers(
    peer: Peer, answer: str, outcome: str, calls: list[str] | None, warnings: list[str]
) -> None:
    peer.script("clientVersion", answer)
    result = run(peer, version="2.0.0.116")
    assert result.outcome == outcome
    assert result.warnings == warnings
    if calls is not None:
        assert result.calls == calls and result.last_error == answer[2:]
    else:
        assert result.calls[-1] == "closeConnection" and result.requests_sent == 1
    assert peer.of("clientVersion")[0].params == {"strVersion": "2.0.0.116"}


def test_noop_pauses_then_asks_again(peer: Peer) -> None:
    peer.script("sendRequestXML", "", "")
    peer.script("getLastError", "NoOp", "NoOp")
    pauses: list[float] = []
    connector = WebConnector(
        peer.url, "alice", "pw", ScriptedQuickBooks(), sleep=pauses.append, noop_pause=7.5
    )
    result = connector.run_session()
    assert pauses == [7.5, 7.5]
    assert result.outcome == "completed"
    assert result.calls[3:] == ["sendRequestXML", "getLastError"] * 2 + [
        "sendRequestXML",
        "receiveResponseXML",
        "closeConnection",
    ]
    sends = peer.of("sendRequestXML")
    assert sends[0].params["strHCPResponse"] == HCP
    assert [s.params["strHCPResponse"] for s in sends[1:]] == ["", ""]


@pytest.mark.parametrize(
    ("error", "outcome"), [("Nothing to do after all", "error"), ("", "completed")]
)
def test_an_empty_request_asks_get_last_error_then_closes(
    peer: Peer, error: str, outcome: str
) -> None:
    peer.script("sendRequestXML", "")
    peer.script("getLastError", error)
    result = run(peer)
    assert result.outcome == outcome and result.last_error == error
    assert result.calls == [*START, "sendRequestXML", "getLastError", "closeConnection"]


def test_a_negative_percent_asks_get_last_error_then_closes(peer: Peer) -> None:
    peer.script("receiveResponseXML", -101)
    peer.script("getLastError", "The response could not be read")
    peer.script("closeConnection", "Failed")
    result = run(peer)
    assert result.outcome == "error"
    assert result.percents == [-101]
    assert result.last_error == "The response could not be read"
    assert result.close_message == "Failed"
    assert result.calls[-4:] == [
        "sendRequestXML",
        "receiveResponseXML",
        "getLastError",
        "closeConnection",
    ]


def test_connection_error_retries_then_done(peer: Peer) -> None:
    peer.script("connectionError", "", "C:\\Other.QBW", "done")
    peer.script("getLastError", "QuickBooks could not open the company file")
    result = run(peer, faults=Faults(cannot_open_company=5))
    assert result.outcome == "connection_failed"
    assert result.calls == [*START, *["connectionError"] * 3, "getLastError", "closeConnection"]
    assert result.last_error == "QuickBooks could not open the company file"
    assert peer.of("connectionError")[0].params == {
        "ticket": "TICKET-1",
        "hresult": "0x80040408",
        "message": "Could not start QuickBooks.",
    }


def test_connection_error_retry_that_succeeds_goes_on(peer: Peer) -> None:
    peer.script("connectionError", "", "")
    result = run(peer, faults=Faults(cannot_open_company=2))
    assert result.outcome == "completed"
    assert result.calls[3:6] == ["connectionError", "connectionError", "sendRequestXML"]


def test_hresult_on_request_reports_instead_of_a_response(peer: Peer) -> None:
    peer.script("receiveResponseXML", 50)
    qb = ScriptedQuickBooks()
    result = run(peer, qb, faults=Faults(hresult_on_request=1))
    assert result.outcome == "completed" and result.requests_sent == 2
    assert len(qb.handed) == 1  # QuickBooks refused the first set: nothing was applied
    refused, accepted = peer.of("receiveResponseXML")
    assert refused.params == {
        "ticket": "TICKET-1",
        "response": "",
        "hresult": "0x80040400",
        "message": "QuickBooks found an error when parsing the provided XML text stream.",
    }
    assert b"<response />" in refused.body
    assert accepted.params["response"] == RESPONSE and accepted.params["hresult"] == ""


def test_a_processor_exception_is_reported_with_its_hresult(peer: Peer) -> None:
    qb = ScriptedQuickBooks(answers=[QbError("0x80040401", "Could not access QuickBooks.")])
    run(peer, qb)
    (receive,) = peer.of("receiveResponseXML")
    assert (receive.params["hresult"], receive.params["message"]) == (
        "0x80040401",
        "Could not access QuickBooks.",
    )


def test_a_dropped_response_kills_the_session_after_quickbooks_applied_it(peer: Peer) -> None:
    peer.script("receiveResponseXML", 50)
    qb = ScriptedQuickBooks()
    result = run(peer, qb, faults=Faults(drop_response_after=2))
    assert result.outcome == "died"
    assert len(qb.handed) == 2 and result.requests_sent == 2
    assert result.calls[-2:] == ["receiveResponseXML", "sendRequestXML"]
    assert result.close_message == ""


@pytest.mark.parametrize("op", ["receiveResponseXML", "closeConnection", "sendRequestXML"])
def test_repeat_call_sends_the_same_call_twice(peer: Peer, op: str) -> None:
    result = run(peer, faults=Faults(repeat_call=op))
    assert result.calls == peer.ops()
    assert result.calls.count(op) == 2
    first, second = peer.of(op)
    assert first.body == second.body
    index = result.calls.index(op)
    assert result.calls[index + 1] == op


@pytest.mark.parametrize("op", ["authenticate", "sendRequestXML", "receiveResponseXML"])
def test_a_cut_connection_kills_the_session(peer: Peer, op: str) -> None:
    qb = ScriptedQuickBooks()
    result = run(peer, qb, faults=Faults(cut_connection_on=op))
    assert result.outcome == "died"
    assert result.calls[-1] == op and "close" not in " ".join(result.calls)
    assert op in result.last_error
    assert all(s.op != op or not s.complete for s in peer.seen)
    assert len(qb.handed) == (1 if op == "receiveResponseXML" else 0)


@pytest.mark.parametrize(
    "op",
    ["serverVersion", "authenticate", "sendRequestXML", "receiveResponseXML", "closeConnection"],
)
def test_a_soap_fault_ends_the_session_with_its_text(peer: Peer, op: str) -> None:
    peer.script(op, Fault("Server was unable to process request. ---> boom"))
    result = run(peer)
    assert result.outcome == "error"
    assert result.last_error == "Server was unable to process request. ---> boom"
    assert result.calls[-1] == op


@pytest.mark.parametrize(
    ("reply", "text"),
    [
        (Http(404), "HTTP 404"),
        (Http(502, b"<x>not soap</x>"), "HTTP 502"),
        (Http(200, b"<html>"), "unreadable reply"),
        ("fifty", "not a number"),
    ],
)
def test_http_errors_and_nonsense_are_errors(peer: Peer, reply: Reply, text: str) -> None:
    peer.script("receiveResponseXML", reply)
    result = run(peer)
    assert result.outcome == "error" and text in result.last_error
    assert result.calls[-1] == "receiveResponseXML"


def test_an_unreachable_server_is_an_error() -> None:
    result = WebConnector(
        "http://127.0.0.1:9/qbwc", "alice", "pw", ScriptedQuickBooks(), timeout=2
    ).run_session()
    assert result.outcome == "error" and "cannot connect" in result.last_error
    assert result.calls == ["serverVersion"]


def test_max_calls_stops_an_endless_noop(peer: Peer) -> None:
    peer.defaults["sendRequestXML"] = ""
    peer.defaults["getLastError"] = "NoOp"
    result = run(peer, max_calls=20)
    assert result.outcome == "error" and "20 calls" in result.last_error
    assert len(result.calls) == 20


def test_delay_is_spent_in_quickbooks(peer: Peer) -> None:
    pauses: list[float] = []
    WebConnector(
        peer.url,
        "alice",
        "pw",
        ScriptedQuickBooks(),
        sleep=pauses.append,
        faults=Faults(delay_seconds=1.5),
    ).run_session()
    assert pauses == [1.5]


def test_a_company_without_a_file_name_gets_the_default(peer: Peer) -> None:
    class Bare:
        def hcp_response(self) -> str:
            return "not qbXML"

        def process(self, request_xml: str) -> str:
            return RESPONSE

    result = WebConnector(peer.url, "alice", "pw", Bare(), sleep=lambda _s: None).run_session()
    assert result.outcome == "completed"
    params = peer.of("sendRequestXML")[0].params
    assert params["strCompanyFileName"] == DEFAULT_FILE
    assert (params["qbXMLMajorVers"], params["qbXMLMinorVers"]) == ("13", "0")


@pytest.mark.parametrize(
    ("versions", "expected"),
    [(["1.0", "13.0", "2.1"], (13, 0)), (["12.0", "8.0"], (12, 0)), ([], (13, 0))],
)
def test_highest_version(versions: list[str], expected: tuple[int, int]) -> None:
    supported = "".join(f"<SupportedQBXMLVersion>{v}</SupportedQBXMLVersion>" for v in versions)
    hcp = HCP.replace(
        HCP[HCP.index("<SupportedQBXMLVersion>") : HCP.index("</HostRet>")], supported
    )
    assert highest_version(hcp) == expected


@pytest.mark.parametrize(
    ("percent", "bar"),
    [(0, "[....]"), (50, "[##..]"), (100, "[####]"), (150, "[####]"), (-5, "[....]")],
)
def test_progress_bar(percent: int, bar: str) -> None:
    assert progress_bar(percent, width=4) == bar


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for a test cert")
def test_a_session_over_https(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))
    for peer in serve(Peer(), ssl_context=server_context):
        assert peer.url.startswith("https://")
        result = run(peer, ssl_context=client_context)
        assert result.outcome == "completed" and result.calls == peer.ops()
        untrusted = WebConnector(peer.url, "a", "b", ScriptedQuickBooks()).run_session()
        assert untrusted.outcome == "error" and "CERTIFICATE_VERIFY_FAILED" in untrusted.last_error
