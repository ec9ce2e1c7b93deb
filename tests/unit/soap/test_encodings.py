"""DTDs and entities are refused whatever the encoding; bodies that cannot be read get a Fault.

The check reads the body the way an XML parser would (byte order mark, UTF-16 byte pattern,
Content-Type charset, XML declaration), decodes it, parses it with the hardened parser and
hands spyne exactly the UTF-8 bytes it checked.
"""

from __future__ import annotations

import gzip
import logging

import pytest
from werkzeug.test import Client, TestResponse

from qbxml.xmlparse import parse_xml
from tests.unit.soap.conftest import ENV, NS, QBWC_HEADERS, RecordingHandler, envelope, result_of

OPEN = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
CLOSE = "</soap:Body></soap:Envelope>"


def _call(ticket: str) -> str:
    return f'{OPEN}<getLastError xmlns="{NS}"><ticket>{ticket}</ticket></getLastError>{CLOSE}'


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)).replace(
        "&lol0;", "&lol;"
    )
    + "]>"
    + _call("&lol9;")
)
ATTACKS = {
    "billion-laughs": (LAUGHS, "DTDs and entities are not allowed"),
    "xxe": (
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + _call("&e;"),
        "DTDs and entities are not allowed",
    ),
    "external-dtd": (
        '<!DOCTYPE soap:Envelope SYSTEM "http://127.0.0.1:9/evil.dtd">' + _call("t"),
        "DTDs and entities are not allowed",
    ),
    "parameter-entity": (
        '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>' + _call("t"),
        "DTDs and entities are not allowed",
    ),
    "deep-nesting": (_call("<a>" * 10_000 + "</a>" * 10_000), "not well-formed"),
}

# name -> (Python codec, declared encoding or None, Content-Type)
ENCODINGS = {
    "utf-8": ("utf-8", "utf-8", "text/xml; charset=utf-8"),
    "utf-8-no-declaration": ("utf-8", None, "text/xml"),
    "utf-8-bom": ("utf-8-sig", "utf-8", "text/xml"),
    "utf-16-bom": ("utf-16", "utf-16", "text/xml; charset=utf-16"),
    "utf-16-bom-charset-utf-8": ("utf-16", "utf-16", "text/xml; charset=utf-8"),
    "utf-16le-no-bom": ("utf-16-le", "utf-16", "text/xml"),
    "utf-16le-no-bom-charset-utf-8": ("utf-16-le", None, "text/xml; charset=utf-8"),
    "utf-16be-no-bom": ("utf-16-be", "utf-16", "text/xml"),
    "latin-1-declared": ("latin-1", "iso-8859-1", "text/xml"),
}


def _encode(text: str, encoding: str) -> bytes:
    codec, declared, _ = ENCODINGS[encoding]
    declaration = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    return (declaration + text).encode(codec)


def _post(client: Client, body: bytes, content_type: str, **headers: str) -> TestResponse:
    all_headers = {**QBWC_HEADERS, "Content-Type": content_type, **headers}
    return client.post("/", data=body, headers=all_headers)


def _fault(response: TestResponse) -> str:
    """The faultstring of a Client Fault answered as text/xml; fails on anything else."""
    assert response.status_code == 500, response.data[:300]
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert b"Traceback" not in response.data and b"<html" not in response.data.lower()
    fault = parse_xml(response.data).find(f"{{{ENV}}}Body/{{{ENV}}}Fault")
    assert fault is not None, response.data
    assert fault.findtext("faultcode") == "soap:Client"
    return fault.findtext("faultstring") or ""


def _no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert all(r.exc_info is None for r in caplog.records)
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attacks_are_refused_in_every_encoding(
    client: Client,
    handler: RecordingHandler,
    caplog: pytest.LogCaptureFixture,
    attack: str,
    encoding: str,
) -> None:
    text, says = ATTACKS[attack]
    with caplog.at_level(logging.DEBUG):
        faultstring = _fault(_post(client, _encode(text, encoding), ENCODINGS[encoding][2]))
    assert says in faultstring
    assert handler.calls == []
    _no_traceback(caplog)


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_a_clean_envelope_is_read_in_every_encoding(
    client: Client, handler: RecordingHandler, encoding: str
) -> None:
    ticket = "Müller & Söhne"
    body = _encode(_call(ticket.replace("&", "&amp;")), encoding)
    result_of(_post(client, body, ENCODINGS[encoding][2]), "getLastError")
    assert handler.calls == [("get_last_error", (ticket,))]


def test_a_doctype_hidden_in_utf_7_is_refused(client: Client, handler: RecordingHandler) -> None:
    # UTF-7 writes "<" as "+ADw-": a byte-level search for "<!DOCTYPE" never sees it.
    body = b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-' + _call("t").encode()
    assert "UTF-8" in _fault(_post(client, body, "text/xml"))
    assert handler.calls == []


@pytest.mark.parametrize(
    ("content_type", "body", "says"),
    [
        ("text/xml", _encode(_call("t"), "utf-8").replace(b"utf-8", b"UTF-32"), "utf-32"),
        ("text/xml; charset=no-such-thing", _call("t").encode(), "unknown"),
        ("text/xml", _call("t").encode("utf-32"), "utf-32"),
    ],
)
def test_unsupported_encodings_are_refused(
    client: Client, handler: RecordingHandler, content_type: str, body: bytes, says: str
) -> None:
    assert says in _fault(_post(client, body, content_type))
    assert handler.calls == []


@pytest.mark.parametrize(
    "body",
    [
        envelope("getLastError", "<ticket>t</ticket>").replace(b">t<", b">t\xff<"),
        envelope("getLastError", "<ticket>t</ticket>").replace(b">t<", b">\xc3\x28<"),
        envelope("getLastError", "<ticket>t</ticket>").replace(b">t<", b">\xed\xa0\x80<"),
        b"\xef\xbb\xbf" + envelope("getLastError", "<ticket>t</ticket>").replace(b">t<", b">\xe9<"),
    ],
    ids=["ff", "bad-continuation", "surrogate", "bom-then-latin-1"],
)
def test_invalid_utf_8_is_a_client_fault_without_a_traceback(
    client: Client, handler: RecordingHandler, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    with caplog.at_level(logging.DEBUG):
        assert _fault(_post(client, body, "text/xml; charset=utf-8")) == (
            "The request body is not valid UTF-8"
        )
    assert handler.calls == []
    _no_traceback(caplog)


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"Content-Encoding": "gzip"}, gzip.compress(envelope("serverVersion"))),
        ({}, gzip.compress(envelope("serverVersion"))),  # gzip magic, no header
        ({"Content-Encoding": "deflate"}, envelope("serverVersion")),
    ],
    ids=["gzip-header", "gzip-magic", "deflate-header"],
)
def test_compressed_bodies_are_a_client_fault_without_a_traceback(
    client: Client,
    handler: RecordingHandler,
    caplog: pytest.LogCaptureFixture,
    headers: dict[str, str],
    body: bytes,
) -> None:
    with caplog.at_level(logging.DEBUG):
        faultstring = _fault(_post(client, body, "text/xml; charset=utf-8", **headers))
    assert "Compressed request bodies are not accepted" in faultstring
    assert handler.calls == []
    _no_traceback(caplog)
