"""A scripted SOAP peer (a stand-in server) and a scripted QuickBooks, for testing the
fake Web Connector's side of the wire."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from werkzeug.serving import make_server

from qbwc_server.simulator.soapwire import ENV, NS, USER_AGENT
from qbxml.xmlparse import parse_xml

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
PARAMS = {  # QBWC_FACTS section 1: each operation's children, in order
    "serverVersion": [],
    "clientVersion": ["strVersion"],
    "authenticate": ["strUserName", "strPassword"],
    "sendRequestXML": [
        "ticket",
        "strHCPResponse",
        "strCompanyFileName",
        "qbXMLCountry",
        "qbXMLMajorVers",
        "qbXMLMinorVers",
    ],
    "receiveResponseXML": ["ticket", "response", "hresult", "message"],
    "connectionError": ["ticket", "hresult", "message"],
    "getLastError": ["ticket"],
    "closeConnection": ["ticket"],
}
HCP = (
    '<?xml version="1.0" ?>\n<QBXML><QBXMLMsgsRs><HostQueryRs requestID="0" statusCode="0" '
    'statusSeverity="Info" statusMessage="Status OK"><HostRet><ProductName>QuickBooks Pro 2012'
    "</ProductName><MajorVersion>22</MajorVersion><MinorVersion>0</MinorVersion><Country>US"
    "</Country><SupportedQBXMLVersion>2.1</SupportedQBXMLVersion><SupportedQBXMLVersion>12.0"
    "</SupportedQBXMLVersion><SupportedQBXMLVersion>8.0</SupportedQBXMLVersion>"
    "</HostRet></HostQueryRs></QBXMLMsgsRs></QBXML>"
)
REQUEST = '<?xml version="1.0"?><?qbxml version="12.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"><AccountQueryRq requestID="1"/></QBXMLMsgsRq></QBXML>'  # noqa: E501
RESPONSE = '<?xml version="1.0" ?>\n<QBXML><QBXMLMsgsRs><AccountQueryRs requestID="1" statusCode="1" statusSeverity="Info" statusMessage="A query request did not find a matching object in QuickBooks" /></QBXMLMsgsRs></QBXML>'  # noqa: E501
START = ["serverVersion", "clientVersion", "authenticate"]


@dataclass(frozen=True)
class Fault:
    """Answer with a SOAP Fault (HTTP 500)."""

    text: str
    code: str = "soap:Server"


@dataclass(frozen=True)
class Http:
    """Answer with a bare HTTP status and body."""

    status: int
    body: bytes = b"<html>nope</html>"


Reply = str | int | list[str] | Fault | Http


@dataclass(frozen=True)
class Seen:
    """One request as the peer received it."""

    op: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    complete: bool


@dataclass
class Peer:
    """A scripted QBWC web service: queued replies per operation, then a default."""

    url: str = ""
    queues: dict[str, list[Reply]] = field(default_factory=dict)
    defaults: dict[str, Reply] = field(
        default_factory=lambda: {
            "serverVersion": "1.0",
            "clientVersion": "",
            "authenticate": ["TICKET-1", ""],
            "sendRequestXML": REQUEST,
            "receiveResponseXML": 100,
            "getLastError": "",
            "connectionError": "done",
            "closeConnection": "OK",
        }
    )
    by_user: dict[str, list[str]] = field(default_factory=dict)  # authenticate, per user
    seen: list[Seen] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, op: str, *replies: Reply) -> None:
        self.queues.setdefault(op, []).extend(replies)

    def ops(self) -> list[str]:
        return [s.op for s in self.seen if s.complete]

    def of(self, op: str) -> list[Seen]:
        return [s for s in self.seen if s.op == op]

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        headers["Content-Type"] = environ.get("CONTENT_TYPE", "")
        action = headers.get("Soapaction", "")
        op = action.strip('"').removeprefix(NS)
        if len(body) < length:
            with self.lock:
                self.seen.append(Seen(op, {}, headers, body, False))
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"cut"]
        params = self._check(op, action, headers, body)
        with self.lock:
            self.seen.append(Seen(op, params, headers, body, True))
            queue = self.queues.get(op)
            reply = queue.pop(0) if queue else self.defaults[op]
            reply = self.by_user.get(params.get("strUserName", ""), reply)
        return _answer(op, reply, start_response)

    def _check(self, op: str, action: str, headers: dict[str, str], body: bytes) -> dict[str, str]:
        problems = []
        if action != f'"{NS}{op}"':
            problems.append(f"SOAPAction {action!r}")
        if headers.get("Content-Type") != "text/xml; charset=utf-8":
            problems.append(f"Content-Type {headers.get('Content-Type')!r}")
        if headers.get("User-Agent") != USER_AGENT:
            problems.append(f"User-Agent {headers.get('User-Agent')!r}")
        if headers.get("Expect") != "100-continue":
            problems.append(f"Expect {headers.get('Expect')!r}")
        if not body.startswith(b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope '):
            problems.append("declaration")
        root = parse_xml(body, what="request")
        if root.tag != f"{{{ENV}}}Envelope" or dict(root.nsmap) != {
            "soap": ENV,
            "xsi": XSI,
            "xsd": XSD,
        }:
            problems.append(f"envelope {root.tag} {root.nsmap}")
        (soap_body,) = root
        (wrapper,) = soap_body
        if soap_body.tag != f"{{{ENV}}}Body" or wrapper.tag != f"{{{NS}}}{op}":
            problems.append(f"body {soap_body.tag} {wrapper.tag}")
        if wrapper.prefix is not None or wrapper.nsmap.get(None) != NS:
            problems.append("the wrapper must carry the default namespace")
        names = [child.tag for child in wrapper]
        if names != [f"{{{NS}}}{name}" for name in PARAMS.get(op, ["?"])]:
            problems.append(f"{op} children {names}")
        with self.lock:
            self.problems.extend(f"{op}: {p}" for p in problems)
        return {child.tag.split("}")[1]: child.text or "" for child in wrapper}


def _answer(op: str, reply: Reply, start_response: Any) -> list[bytes]:
    if isinstance(reply, Http):
        start_response(f"{reply.status} Oops", [("Content-Type", "text/html")])
        return [reply.body]
    if isinstance(reply, Fault):
        inner = (
            f"<soap:Fault><faultcode>{reply.code}</faultcode>"
            f"<faultstring>{escape(reply.text)}</faultstring></soap:Fault>"
        )
        status = "500 Internal Server Error"
    else:
        if isinstance(reply, list):
            value = "".join(f"<string>{escape(v)}</string>" for v in reply)
        else:
            value = escape(str(reply))
        inner = f'<{op}Response xmlns="{NS}"><{op}Result>{value}</{op}Result></{op}Response>'
        status = "200 OK"
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{ENV}" '
        f'xmlns:xsi="{XSI}" xmlns:xsd="{XSD}"><soap:Body>{inner}</soap:Body></soap:Envelope>'
    ).encode()
    start_response(status, [("Content-Type", "text/xml; charset=utf-8")])
    return [body]


@dataclass
class QbError(Exception):
    """What QuickBooks' request processor raises."""

    hresult: str
    message: str


@dataclass
class ScriptedQuickBooks:
    """A QuickBooks that records each request and answers from a script (or raises)."""

    answers: list[str | QbError] = field(default_factory=list)
    handed: list[str] = field(default_factory=list)
    company_file: str = "C:\\Company Files\\Scripted & Sons.QBW"

    def hcp_response(self) -> str:
        return HCP

    def process(self, request_xml: str) -> str:
        self.handed.append(request_xml)
        answer = self.answers.pop(0) if self.answers else RESPONSE
        if isinstance(answer, QbError):
            raise answer
        return answer


def serve(peer: Peer, ssl_context: Any = None) -> Iterator[Peer]:
    """Run ``peer`` on a free port in a thread for the duration of a test."""
    server = make_server("127.0.0.1", 0, peer, threaded=True, ssl_context=ssl_context)
    scheme = "https" if ssl_context else "http"
    peer.url = f"{scheme}://127.0.0.1:{server.server_port}/qbwc"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
