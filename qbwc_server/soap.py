"""The SOAP adapter for the Web Connector: the only module that imports spyne.

It decodes each call, hands plain str/int values to a QbwcHandler and encodes what it returns.
Around spyne it fixes what spyne's defaults get wrong for QBWC (../shared/reference/SPYNE_NOTES.md):
the body limit, huge text nodes, DTDs refused (whatever the encoding) before spyne parses,
Faults instead of HTML, results never dropped, no request bodies in logs, and a WSDL equivalent
to Intuit's (ArrayOfString, xs:int with minOccurs=1, soapAction, names, the configured public
address). It also tells authenticate the client's address (for sign-in throttling).
"""

from __future__ import annotations

import codecs
import functools
import io
import ipaddress
import logging
import re
import time
import traceback
from collections.abc import Callable, Iterable
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree
from spyne import Application, Array, Fault, Integer32, ServiceBase, Unicode, rpc
from spyne import const as spyne_const
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

from qbwc_server import metrics, soap_fast
from qbwc_server.logs import DATABASE
from qbwc_server.messages import SESSION_WORDS
from qbwc_server.protocol import QbwcHandler
from qbxml.errors import XmlParseError
from qbxml.xmlparse import parse_xml
from request_queue.errors import DatabaseUnavailable

log = logging.getLogger("qbwc_server.soap")

NS = "http://developer.intuit.com/"
SERVICE = "QBWebConnectorSvc"
PORT = "QBWebConnectorSvcSoap"
_W = "{http://schemas.xmlsoap.org/wsdl/}"
_WSOAP = "{http://schemas.xmlsoap.org/wsdl/soap/}"
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START = re.compile(r"<[^?!]")
_DECLARED = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")
_DECLARATION = re.compile(r"""^(<\?xml[^>]*?\sencoding\s*=\s*)(["'])([^"']*)\2""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
# Byte order marks, longest first (a UTF-32 LE BOM starts with the UTF-16 LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Python's codec names of the encodings accepted; anything else (UTF-7, UTF-32, EBCDIC) is refused.
_ACCEPTED = {
    codecs.lookup(name).name
    for name in [
        "utf-8",
        "utf-8-sig",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "ascii",
        "latin-1",
        "cp1252",
    ]
}
_GZIP_MAGIC = b"\x1f\x8b"
_CLIENT_ADDRESS = "qbwc.client_address"  # the WSGI environ key the authenticate call reads
_WSDL_QUERY = re.compile(r"^(wsdl|singlewsdl)$", re.IGNORECASE)
_INT32 = range(-(2**31), 2**31)
_CHUNK = 1 << 20
# Calls that never touch the database: their success says nothing about it.
_NO_DATABASE = frozenset(
    {
        "serverVersion",
        "clientVersion",
        "getInteractiveURL",
        "interactiveDone",
        "interactiveRejected",
    }
)
MSG_DATABASE = SESSION_WORDS["database"]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# Intuit's WSDL: strings minOccurs=0 and not nillable; ints minOccurs=1; <string> items nillable.
_Str = Unicode(min_occurs=0, nillable=False)
_Int = Integer32(min_occurs=1, nillable=False)
_ArrayOfString = Array(Unicode(nillable=True), type_name="ArrayOfString").customize(
    min_occurs=0, nillable=False
)


def _s(value: object) -> str:
    return "" if value is None else str(value)


def _i(name: str, value: int | None) -> int:
    if value is not None and value not in _INT32:
        raise Fault(faultcode="Client", faultstring=f"{name} is not an xs:int")
    return value or 0


def _call(op: str, fn: Callable[[], Any], *secrets: str | None) -> Any:
    """Run one handler call, timed (qbwc_soap_call_seconds); an exception becomes a Fault.

    An unreachable database is one Fault in words and at most one log line a minute
    (logs.DATABASE); anything else is logged with its frames, and with its message unless
    that quotes the password or ticket.
    """
    started = time.perf_counter()
    try:
        result = fn()
    except DatabaseUnavailable as exc:
        DATABASE.failed(exc.message)
        raise Fault(faultcode="Server", faultstring=MSG_DATABASE) from None
    except Exception as exc:
        # The handler answers protocol errors itself; this is the last line of defence.
        # Secrets are not replaced in the text (which characters vanished would tell a short
        # one): a message that quotes one is left out, and the frames are code, not values.
        words = "".join(traceback.format_exception_only(exc)).strip()
        if any(secret and secret in words for secret in secrets):
            words = f"{type(exc).__name__} (its message quoted a secret and is left out)"
        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.error("%s raised in the handler: %s\n%s", op, words, frames)
        raise Fault(faultcode="Server", faultstring="Internal error") from None
    else:
        if op not in _NO_DATABASE:
            DATABASE.answered()
        return result
    finally:
        metrics.observe_call(op, time.perf_counter() - started)


def _service(h: QbwcHandler) -> type[ServiceBase]:
    """The spyne service class, bound to the handler ``h`` by closure."""

    class QBWebConnectorSvc(ServiceBase):
        @rpc(_returns=_Str)
        def serverVersion(ctx: Any) -> str:
            return _s(_call("serverVersion", h.server_version))

        @rpc(_Str, _returns=_Str)
        def clientVersion(ctx: Any, strVersion: str | None) -> str:
            return _s(_call("clientVersion", lambda: h.client_version(_s(strVersion))))

        @rpc(_Str, _Str, _returns=_ArrayOfString)
        def authenticate(ctx: Any, strUserName: str | None, strPassword: str | None) -> list[str]:
            args = (_s(strUserName), _s(strPassword))
            address = _s(getattr(ctx.transport, "req_env", {}).get(_CLIENT_ADDRESS))
            fn = lambda: [_s(v) for v in h.authenticate(*args, client_address=address)]  # noqa: E731
            return list(_call("authenticate", fn, strPassword))

        @rpc(_Str, _Str, _Str, _Str, _Int, _Int, _returns=_Str)
        def sendRequestXML(
            ctx: Any,
            ticket: str | None,
            strHCPResponse: str | None,
            strCompanyFileName: str | None,
            qbXMLCountry: str | None,
            qbXMLMajorVers: int | None,
            qbXMLMinorVers: int | None,
        ) -> str:
            args = (_s(ticket), _s(strHCPResponse), _s(strCompanyFileName), _s(qbXMLCountry))
            ints = (_i("qbXMLMajorVers", qbXMLMajorVers), _i("qbXMLMinorVers", qbXMLMinorVers))
            return _s(_call("sendRequestXML", lambda: h.send_request_xml(*args, *ints), ticket))

        @rpc(_Str, _Str, _Str, _Str, _returns=_Int)
        def receiveResponseXML(
            ctx: Any,
            ticket: str | None,
            response: str | None,
            hresult: str | None,
            message: str | None,
        ) -> int:
            args = (_s(ticket), _s(response), _s(hresult), _s(message))
            return int(
                _call("receiveResponseXML", lambda: int(h.receive_response_xml(*args)), ticket)
            )

        @rpc(_Str, _Str, _Str, _returns=_Str)
        def connectionError(
            ctx: Any, ticket: str | None, hresult: str | None, message: str | None
        ) -> str:
            args = (_s(ticket), _s(hresult), _s(message))
            return _s(_call("connectionError", lambda: h.connection_error(*args), ticket))

        @rpc(_Str, _returns=_Str)
        def getLastError(ctx: Any, ticket: str | None) -> str:
            return _s(_call("getLastError", lambda: h.get_last_error(_s(ticket)), ticket))

        @rpc(_Str, _returns=_Str)
        def closeConnection(ctx: Any, ticket: str | None) -> str:
            return _s(_call("closeConnection", lambda: h.close_connection(_s(ticket)), ticket))

        @rpc(_Str, _Str, _returns=_Str)
        def getInteractiveURL(ctx: Any, wcTicket: str | None, sessionID: str | None) -> str:
            fn = lambda: h.get_interactive_url(_s(wcTicket), _s(sessionID))  # noqa: E731
            return _s(_call("getInteractiveURL", fn, wcTicket))

        @rpc(_Str, _returns=_Str)
        def interactiveDone(ctx: Any, wcTicket: str | None) -> str:
            return _s(_call("interactiveDone", lambda: h.interactive_done(_s(wcTicket)), wcTicket))

        @rpc(_Str, _Str, _returns=_Str)
        def interactiveRejected(ctx: Any, wcTicket: str | None, reason: str | None) -> str:
            fn = lambda: h.interactive_rejected(_s(wcTicket), _s(reason))  # noqa: E731
            return _s(_call("interactiveRejected", fn, wcTicket))

    return QBWebConnectorSvc


def fault_body(code: str, message: str) -> bytes:
    """A SOAP 1.1 Fault envelope (``code`` is Client or Server)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f"<soap:Fault><faultcode>soap:{code}</faultcode>"
        f"<faultstring>{escape(message)}</faultstring></soap:Fault>"
        "</soap:Body></soap:Envelope>"
    ).encode()


def _answer(
    start_response: StartResponse,
    status: str,
    body: bytes,
    content_type: str = "text/xml; charset=utf-8",
    extra: tuple[tuple[str, str], ...] = (),
) -> list[bytes]:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), *extra]
    start_response(status, headers)
    return [body]


def _fault(start_response: StartResponse, code: str, message: str) -> list[bytes]:
    # Always 500: SOAP 1.1 says so, and .NET's SoapHttpClientProtocol (QBWC) reads a Fault body
    # only on 500 or 400; on any other status (413 too) it shows just "HTTP status 413".
    return _answer(start_response, "500 Internal Server Error", fault_body(code, message))


def _wsdl(spyne_app: WsgiApplication, public_url: str) -> bytes:
    """spyne's WSDL, reshaped to Intuit's: soapAction, names, messages and the public address."""
    spyne_app.doc.wsdl11.build_interface_document(public_url)
    root = parse_xml(spyne_app.doc.wsdl11.get_interface_document(), what="our WSDL")
    renamed: dict[str, str] = {}
    for message in root.findall(f"{_W}message"):
        old = message.get("name") or ""
        new = old.removesuffix("Response") + ("SoapOut" if old.endswith("Response") else "SoapIn")
        renamed[f"tns:{old}"] = f"tns:{new}"
        message.set("name", new)
        for part in message.findall(f"{_W}part"):
            part.set("name", "parameters")
    for element in root.iter(f"{_W}input", f"{_W}output", f"{_W}operation"):
        if element.get("message") in renamed:
            element.set("message", renamed[element.get("message") or ""])
        if "parameterOrder" in element.attrib:
            del element.attrib["parameterOrder"]
    for op in root.iter(f"{_WSOAP}operation"):
        parent = op.getparent()
        if parent is not None:
            op.set("soapAction", f"{NS}{parent.get('name')}")
    for element in root.iter(f"{_W}binding", f"{_W}portType", f"{_W}port"):
        element.set("name", PORT)
        for attr in ("type", "binding"):
            if element.get(attr):
                element.set(attr, f"tns:{PORT}")
    for service in root.iter(f"{_W}service"):
        service.set("name", SERVICE)
    for address in root.iter(f"{_WSOAP}address"):
        address.set("location", public_url)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def _silence_spyne_logs() -> None:
    """spyne logs whole request bodies on errors ("... in string '<soap:Envelope ...'"): they
    carry passwords and tickets, so spyne's loggers emit nothing (not even to pytest's caplog,
    which also listens on non-propagating loggers); this module logs what matters itself."""
    logging.getLogger("spyne").setLevel(logging.CRITICAL + 1)


def _read_body(environ: dict[str, Any], limit: int) -> bytes | None:
    """The request body, or None when it is longer than ``limit``."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        length = -1
    if length < 0 and not environ.get("wsgi.input_terminated"):
        length = 0  # WSGI: no length and no terminated stream means no body
    if length > limit:
        return None
    want = length if length >= 0 else limit + 1
    stream, chunks, got = environ["wsgi.input"], [], 0
    while got < want:
        chunk = stream.read(min(_CHUNK, want - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return None if got > limit else b"".join(chunks)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(setting: str) -> tuple[Network, ...]:
    """QBWC_TRUSTED_PROXIES parsed: "10.0.0.1, 10.1.0.0/16, ::1" -> networks."""
    networks = []
    for part in setting.replace(" ", ",").split(","):
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(
                    f"QBWC_TRUSTED_PROXIES: {part!r} is not an IP address or network"
                ) from None
    return tuple(networks)


@functools.lru_cache(maxsize=4096)  # every call reads the peer's address: parse each once
def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().removeprefix("[").removesuffix("]"))
    except ValueError:
        return None


def client_address(environ: dict[str, Any], proxies: tuple[Network, ...]) -> str:
    """The client's address: REMOTE_ADDR, or, when that peer is a trusted proxy, the nearest
    X-Forwarded-For entry that is not itself a trusted proxy (a client can write any entries
    to the left of the ones its proxies add, so the list is read from the right)."""
    peer = str(environ.get("REMOTE_ADDR") or "")
    address = _ip(peer)
    if address is None:
        return peer[:64]
    forwarded = str(environ.get("HTTP_X_FORWARDED_FOR") or "")
    while forwarded and any(address in net for net in proxies):
        forwarded, _, last = forwarded.rpartition(",")
        hop = _ip(last)
        if hop is None:
            break  # garbage in the header: the last proxy that vouched for something wins
        address = hop
    return str(address)


class _Refused(Exception):
    """The body must not reach spyne: the message is the Fault's faultstring."""


def _encoding(body: bytes, content_type: str) -> str:
    """The body's encoding as a Python codec name: a byte order mark, else a UTF-16/32 pattern
    in the first bytes, else the Content-Type charset, else the XML declaration, else UTF-8."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    head = body[:4]
    if len(head) == 4:
        if head[:3] == b"\0\0\0" or head[1:] == b"\0\0\0":
            return "utf-32"
        if head[0] != 0 and head[1] == 0 and head[3] == 0:
            return "utf-16-le"
        if head[0] == 0 and head[1] != 0 and head[2] == 0:
            return "utf-16-be"
    charset = _CHARSET.search(content_type)
    declared = _DECLARED.match(body[:1024])
    if charset:
        label = charset.group(1)
    elif declared:
        label = declared.group(1).decode("ascii", "replace")
    else:
        label = "utf-8"
    codec = _codec(label)
    if codec is None:
        raise _Refused(f"The request body's encoding ({label[:40]}) is unknown; send UTF-8")
    return codec


def _codec(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _checked_body(body: bytes, environ: dict[str, Any]) -> tuple[bytes, etree._Element]:
    """The body as UTF-8 bytes declared UTF-8, and its root, once the hardened parser has read
    it without finding a DTD or an entity; raises _Refused (with the Fault's words) otherwise.

    spyne is handed exactly the bytes checked here, so no other reading of the encoding (a
    charset, a BOM, a declaration) can show its parser a document this check did not see.
    """
    coding = (environ.get("HTTP_CONTENT_ENCODING") or "identity").strip().lower()
    if coding != "identity" or body.startswith(_GZIP_MAGIC):
        raise _Refused("Compressed request bodies are not accepted; send the envelope uncompressed")
    encoding = _encoding(body, environ.get("CONTENT_TYPE") or "")
    if encoding not in _ACCEPTED:
        raise _Refused(f"The request body's encoding ({encoding}) is not supported; send UTF-8")
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        label = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        raise _Refused(f"The request body is not valid {label}") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise _Refused("The request body is empty")
    root = _ROOT_START.search(text)
    if _DTD.search(text[: root.start() if root else len(text)]):
        raise _Refused("DTDs and entities are not allowed")
    declared = _DECLARATION.match(text)
    if encoding == "utf-8" and (declared is None or _codec(declared.group(3)) == "utf-8"):
        utf8 = body  # already what spyne is told it is: the common case, no copy
    else:
        utf8 = _DECLARATION.sub(r"\1\2utf-8\2", text, count=1).encode("utf-8")
    try:
        tree = parse_xml(utf8, what="The request body")
    except XmlParseError as exc:
        if "DOCTYPE" in str(exc) or "entit" in str(exc).lower():
            raise _Refused("DTDs and entities are not allowed") from None
        raise _Refused("The request body is not well-formed XML") from None
    return utf8, tree


def make_soap_app(
    handler: QbwcHandler,
    *,
    public_url: str,
    max_body_bytes: int,
    trusted_proxies: str = "",
    fast_calls: bool = True,
) -> WsgiApp:
    """The WSGI app for the Web Connector endpoint (mounted at /qbwc or at the root).

    ``trusted_proxies`` (QBWC_TRUSTED_PROXIES) lists the addresses or networks, comma
    separated, whose X-Forwarded-For header names the client; from any other peer it is ignored.
    With ``fast_calls`` a plain authenticate or closeConnection is answered without spyne
    (soap_fast.py); the answer is the same.
    """
    _silence_spyne_logs()
    # spyne runs a full gc.collect() at the end of a call at most once a second (spyne/
    # context.py, MethodContext.close, "to have file descriptors returned in a timely
    # manner"): several ms of a busy worker's time spent for nothing, since this adapter
    # reads bodies into memory and spyne opens no files. Python's own collector still runs.
    spyne_const.MIN_GC_INTERVAL = float("inf")
    proxies = trusted_networks(trusted_proxies)
    application = Application(
        [_service(handler)],
        tns=NS,
        name=SERVICE,
        in_protocol=Soap11(validator=None, huge_tree=True),
        out_protocol=Soap11(),
    )
    spyne_app = WsgiApplication(application, max_content_length=max_body_bytes)
    wsdl = _wsdl(spyne_app, public_url)
    info = (
        f"qbwc-server: this is a QuickBooks Web Connector endpoint (SOAP, POST only).\n"
        f"The WSDL is at {public_url}?wsdl\n"
    ).encode()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method in ("GET", "HEAD"):
            if _WSDL_QUERY.match(environ.get("QUERY_STRING", "").split("&")[0].split("=")[0]):
                return _answer(start_response, "200 OK", wsdl)
            return _answer(start_response, "200 OK", info, "text/plain; charset=utf-8")
        if method != "POST":
            body = fault_body("Client", "Use POST for SOAP calls and GET ?wsdl for the WSDL")
            allow = (("Allow", "GET, HEAD, POST"),)
            return _answer(start_response, "405 Method Not Allowed", body, extra=allow)
        data = _read_body(environ, max_body_bytes)
        if data is None:
            return _fault(start_response, "Client", f"The body is over {max_body_bytes} bytes")
        try:
            data, root = _checked_body(data, environ)
        except _Refused as refusal:
            log.info("refused a request before parsing: %s", refusal)
            return _fault(start_response, "Client", str(refusal))
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
        environ["CONTENT_TYPE"] = "text/xml; charset=utf-8"
        environ.pop("HTTP_CONTENT_ENCODING", None)
        environ[_CLIENT_ADDRESS] = client_address(environ, proxies)
        call = soap_fast.plain_call(root) if fast_calls else None
        if call is not None:
            return _fast_answer(handler, call, environ[_CLIENT_ADDRESS], start_response)
        return _spyne_or_fault(spyne_app, environ, start_response)

    return app


def _fast_answer(
    h: QbwcHandler,
    call: tuple[str, dict[str, str]],
    address: str,
    start_response: StartResponse,
) -> list[bytes]:
    """authenticate or closeConnection without spyne (soap_fast.py): the handler is called
    through _call as spyne's methods call it, and a Fault is written as spyne writes it."""
    op, values = call
    try:
        if op == "authenticate":
            user, password = values["strUserName"], values["strPassword"]
            fn = lambda: [_s(v) for v in h.authenticate(user, password, client_address=address)]  # noqa: E731
            result: str | list[str] = list(_call(op, fn, password))
        else:
            ticket = values["ticket"]
            result = _s(_call(op, lambda: h.close_connection(ticket), ticket))
        body = soap_fast.answer(op, result)
    except Fault as exc:
        log.info("answered a SOAP Fault (soap11env:%s)", exc.faultcode)
        body = soap_fast.fault(exc.faultcode, exc.faultstring)
        return _answer(start_response, "500 Internal Server Error", body)
    except ValueError:  # a control character in the answer: XML cannot carry it
        log.error("%s: the handler's answer holds characters XML cannot carry", op)
        body = soap_fast.fault("Server", "Internal error")
        return _answer(start_response, "500 Internal Server Error", body)
    return _answer(start_response, "200 OK", body)


def _spyne_or_fault(
    spyne_app: WsgiApplication, environ: dict[str, Any], start_response: StartResponse
) -> Iterable[bytes]:
    """Run spyne; whatever it does, the client gets XML (a Fault at worst), never HTML."""
    captured: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, headers
        return lambda _data: None

    try:
        body = b"".join(spyne_app(environ, capture))
    except Exception as exc:
        # The frames only: an exception's message may quote the request.
        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.error("the SOAP layer failed with %s\n%s", type(exc).__name__, frames)
        return _fault(start_response, "Server", "Internal error")
    status = captured.get("status", "500 Internal Server Error")
    headers = {k.lower(): v for k, v in captured.get("headers", [])}
    if "xml" not in headers.get("content-type", "") or not body.lstrip().startswith(b"<"):
        log.warning("spyne answered %s without XML; replaced by a Fault", status)
        return _fault(start_response, "Client", "The request is not a SOAP call this service knows")
    if not status.startswith("200"):
        code = re.search(rb"<faultcode>([^<]{0,80})</faultcode>", body)
        log.info("answered a SOAP Fault (%s)", code.group(1).decode() if code else status)
    return _answer(start_response, status, body, "text/xml; charset=utf-8")
