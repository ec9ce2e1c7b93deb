"""The SOAP adapter for the Web Connector: the only module that imports spyne.

It decodes each call, hands plain str/int values to a QbwcHandler and encodes what it returns.
Around spyne it fixes what spyne's defaults get wrong for QBWC (../shared/reference/SPYNE_NOTES.md):
the body limit, huge text nodes, DTDs refused before parsing, Faults instead of HTML, results
never dropped, and a WSDL equivalent to Intuit's (ArrayOfString, xs:int, soapAction, names,
the configured public address).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree
from spyne import Application, Array, Fault, Integer32, ServiceBase, Unicode, rpc
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

from qbwc_server.protocol import QbwcHandler

log = logging.getLogger("qbwc_server.soap")

NS = "http://developer.intuit.com/"
SERVICE = "QBWebConnectorSvc"
PORT = "QBWebConnectorSvcSoap"
_WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
_SOAP_BINDING_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_WSDL_QUERY = re.compile(r"^(wsdl|singlewsdl)$", re.IGNORECASE)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

ArrayOfString = Array(Unicode, type_name="ArrayOfString")


def _s(value: str | None) -> str:
    return "" if value is None else value


def _service(handler: QbwcHandler) -> type[ServiceBase]:
    """The spyne service class, bound to ``handler`` by closure."""

    def call(op: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except Exception:
            # The handler answers protocol errors itself; this is the last line of defence.
            # Parameters are never logged: they carry passwords, tickets and company data.
            log.exception("%s failed", op)
            raise Fault(faultcode="Server", faultstring="Internal error") from None

    class QBWebConnectorSvc(ServiceBase):
        @rpc(_returns=Unicode, _body_style="wrapped")
        def serverVersion(ctx: Any) -> str:
            return _s(call("serverVersion", handler.server_version))

        @rpc(Unicode, _returns=Unicode)
        def clientVersion(ctx: Any, strVersion: str | None) -> str:
            return _s(call("clientVersion", lambda: handler.client_version(_s(strVersion))))

        @rpc(Unicode, Unicode, _returns=ArrayOfString)
        def authenticate(ctx: Any, strUserName: str | None, strPassword: str | None) -> list[str]:
            result = call(
                "authenticate", lambda: handler.authenticate(_s(strUserName), _s(strPassword))
            )
            return [_s(v) for v in result]

        @rpc(Unicode, Unicode, Unicode, Unicode, Integer32, Integer32, _returns=Unicode)
        def sendRequestXML(
            ctx: Any,
            ticket: str | None,
            strHCPResponse: str | None,
            strCompanyFileName: str | None,
            qbXMLCountry: str | None,
            qbXMLMajorVers: int | None,
            qbXMLMinorVers: int | None,
        ) -> str:
            return _s(
                call(
                    "sendRequestXML",
                    lambda: handler.send_request_xml(
                        _s(ticket),
                        _s(strHCPResponse),
                        _s(strCompanyFileName),
                        _s(qbXMLCountry),
                        qbXMLMajorVers or 0,
                        qbXMLMinorVers or 0,
                    ),
                )
            )

        @rpc(Unicode, Unicode, Unicode, Unicode, _returns=Integer32)
        def receiveResponseXML(
            ctx: Any,
            ticket: str | None,
            response: str | None,
            hresult: str | None,
            message: str | None,
        ) -> int:
            return int(
                call(
                    "receiveResponseXML",
                    lambda: handler.receive_response_xml(
                        _s(ticket), _s(response), _s(hresult), _s(message)
                    ),
                )
            )

        @rpc(Unicode, Unicode, Unicode, _returns=Unicode)
        def connectionError(
            ctx: Any, ticket: str | None, hresult: str | None, message: str | None
        ) -> str:
            return _s(
                call(
                    "connectionError",
                    lambda: handler.connection_error(_s(ticket), _s(hresult), _s(message)),
                )
            )

        @rpc(Unicode, _returns=Unicode)
        def getLastError(ctx: Any, ticket: str | None) -> str:
            return _s(call("getLastError", lambda: handler.get_last_error(_s(ticket))))

        @rpc(Unicode, _returns=Unicode)
        def closeConnection(ctx: Any, ticket: str | None) -> str:
            return _s(call("closeConnection", lambda: handler.close_connection(_s(ticket))))

        @rpc(Unicode, Unicode, _returns=Unicode)
        def getInteractiveURL(ctx: Any, wcTicket: str | None, sessionID: str | None) -> str:
            return _s(
                call(
                    "getInteractiveURL",
                    lambda: handler.get_interactive_url(_s(wcTicket), _s(sessionID)),
                )
            )

        @rpc(Unicode, _returns=Unicode)
        def interactiveDone(ctx: Any, wcTicket: str | None) -> str:
            return _s(call("interactiveDone", lambda: handler.interactive_done(_s(wcTicket))))

        @rpc(Unicode, Unicode, _returns=Unicode)
        def interactiveRejected(ctx: Any, wcTicket: str | None, reason: str | None) -> str:
            return _s(
                call(
                    "interactiveRejected",
                    lambda: handler.interactive_rejected(_s(wcTicket), _s(reason)),
                )
            )

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
) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def _wsdl(spyne_app: WsgiApplication, public_url: str) -> bytes:
    """spyne's WSDL, corrected to match Intuit's: soapAction, names and the public address."""
    spyne_app.doc.wsdl11.build_interface_document(public_url)
    root = etree.fromstring(spyne_app.doc.wsdl11.get_interface_document())  # our own bytes
    for op in root.iter(f"{{{_SOAP_BINDING_NS}}}operation"):
        parent = op.getparent()
        if parent is not None:
            op.set("soapAction", f"{NS}{parent.get('name')}")
    for binding in root.iter(f"{{{_WSDL_NS}}}binding"):
        binding.set("name", PORT)
        binding.set("type", f"tns:{PORT}")
    for port_type in root.iter(f"{{{_WSDL_NS}}}portType"):
        port_type.set("name", PORT)
    for service in root.iter(f"{{{_WSDL_NS}}}service"):
        service.set("name", SERVICE)
        for port in service.iter(f"{{{_WSDL_NS}}}port"):
            port.set("name", PORT)
            port.set("binding", f"tns:{PORT}")
    for address in root.iter(f"{{{_SOAP_BINDING_NS}}}address"):
        address.set("location", public_url)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def _silence_spyne_logs() -> None:
    """spyne logs whole request bodies on errors ("... in string '<soap:Envelope ...'"): they
    carry passwords and tickets, so its log lines never reach the application's handlers."""
    spyne_log = logging.getLogger("spyne")
    spyne_log.propagate = False
    if not any(isinstance(h, logging.NullHandler) for h in spyne_log.handlers):
        spyne_log.addHandler(logging.NullHandler())


def make_soap_app(handler: QbwcHandler, *, public_url: str, max_body_bytes: int) -> WsgiApp:
    """The WSGI app for the Web Connector endpoint (mounted at /qbwc or at the root)."""
    _silence_spyne_logs()
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
        f"qbwc-server: this is a QuickBooks Web Connector endpoint. The WSDL is at "
        f"{public_url}?wsdl\n"
    ).encode()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method in ("GET", "HEAD"):
            if _WSDL_QUERY.match(environ.get("QUERY_STRING", "").split("&")[0].split("=")[0]):
                return _answer(start_response, "200 OK", wsdl)
            return _answer(start_response, "200 OK", info, "text/plain; charset=utf-8")
        if method != "POST":
            return _answer(
                start_response,
                "405 Method Not Allowed",
                fault_body("Client", "Use POST for SOAP calls, GET ?wsdl for the WSDL"),
            )
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if length > max_body_bytes:
            return _answer(
                start_response,
                "413 Request Entity Too Large",
                fault_body("Client", f"The body is larger than {max_body_bytes} bytes"),
            )
        body = environ["wsgi.input"].read(length if length >= 0 else max_body_bytes + 1)
        if len(body) > max_body_bytes:
            return _answer(
                start_response,
                "413 Request Entity Too Large",
                fault_body("Client", f"The body is larger than {max_body_bytes} bytes"),
            )
        if not body.strip():
            return _answer(
                start_response,
                "500 Internal Server Error",
                fault_body("Client", "The request body is empty"),
            )
        if _DTD.search(body):
            return _answer(
                start_response,
                "500 Internal Server Error",
                fault_body("Client", "DTDs and entities are not allowed"),
            )
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        if not environ.get("CONTENT_TYPE"):
            environ["CONTENT_TYPE"] = "text/xml; charset=utf-8"
        return _spyne_or_fault(spyne_app, environ, start_response)

    return app


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
    except Exception:
        log.exception("the SOAP layer failed")
        return _answer(
            start_response, "500 Internal Server Error", fault_body("Server", "Internal error")
        )
    status = captured.get("status", "500 Internal Server Error")
    content_type = dict((k.lower(), v) for k, v in captured.get("headers", [])).get(
        "content-type", ""
    )
    if "xml" not in content_type or not body.lstrip().startswith(b"<"):
        log.warning("spyne answered %s with %r; replaced by a Fault", status, content_type)
        return _answer(
            start_response,
            "500 Internal Server Error",
            fault_body("Client", "The request is not a SOAP call this service knows"),
        )
    if not status.startswith("200"):
        code = re.search(rb"<faultcode>([^<]{0,80})</faultcode>", body)
        log.info("answered a SOAP Fault (%s)", code.group(1).decode() if code else status)
    return _answer(start_response, status, body)
