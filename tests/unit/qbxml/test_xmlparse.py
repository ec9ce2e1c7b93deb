"""qbxml.xmlparse.parse_xml: the one hardened parser."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qbxml.errors import XmlParseError
from qbxml.xmlparse import parse_xml


@pytest.mark.parametrize(
    "data",
    [
        "<QBXML/>",
        b"<QBXML/>",
        '<?xml version="1.0" ?>\n<QBXML/>',
        '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML/>',
        b'<?xml version="1.0" encoding="windows-1252"?><QBXML/>',
        b"\xef\xbb\xbf<QBXML/>",  # UTF-8 byte-order mark
        "<QBXML><!-- comment --></QBXML>",
    ],
)
def test_well_formed(data: str | bytes) -> None:
    assert parse_xml(data).tag == "QBXML"


def test_text_is_decoded_by_declaration_for_bytes() -> None:
    data = '<?xml version="1.0" encoding="windows-1252"?><N>Café</N>'.encode("cp1252")
    assert parse_xml(data).text == "Café"
    assert parse_xml("<N>Café &amp; Co &#233;</N>").text == "Café & Co é"


@pytest.mark.parametrize("encoding", ["windows-1252", "utf-16"])
def test_str_with_other_encoding_declaration(encoding: str) -> None:
    assert parse_xml(f'<?xml version="1.0" encoding="{encoding}"?><N>Café</N>').text == "Café"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ("", "empty"),
        (b"  \n\t", "empty"),
        ("<QBXML>", "not well-formed"),
        ("<a></b>", "not well-formed"),
        ("text", "not well-formed"),
        ("<a>\x00</a>", None),
        ('<!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>', None),
        ('<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>', "DOCTYPE"),
        ("<!DOCTYPE a><a/>", "DOCTYPE"),
        ('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', None),
        ("<a>&undefined;</a>", None),
        ("<a/><b/>", "not well-formed"),
    ],
)
def test_refused(data: str | bytes, match: str | None) -> None:
    with pytest.raises(XmlParseError, match=match):
        parse_xml(data)


def test_billion_laughs_is_refused_without_expansion() -> None:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        "<lolz>&lol3;</lolz>"
    )
    with pytest.raises(XmlParseError):
        parse_xml(lol)


def test_what_names_the_document() -> None:
    with pytest.raises(XmlParseError, match=r"^strHCPResponse is empty$"):
        parse_xml("", what="strHCPResponse")


def test_text_nodes_over_10_mb_are_accepted() -> None:
    big = "x" * (11 * 1024 * 1024)
    assert len(parse_xml(f"<Memo>{big}</Memo>").text or "") == len(big)


@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_only_xml_parse_error(data: bytes | str) -> None:
    with contextlib.suppress(XmlParseError):
        parse_xml(data)
