"""Children: a Ret's children by name in one pass (qbxml/children.py)."""

from __future__ import annotations

from lxml import etree

from qbxml.builders.account import parse_account_ret
from qbxml.children import Children
from qbxml.responses import text_of

RET = (
    b'<AccountRet a="1"><!-- c --><ListID>80000001-1</ListID><Name>First</Name>'
    b"<Name>Second</Name><TaxLineInfoRet><TaxLineID>7</TaxLineID></TaxLineInfoRet>"
    b"</AccountRet>"
)


def test_the_first_child_of_a_name_is_found_as_lxml_finds_it() -> None:
    element = etree.fromstring(RET)
    children = Children(element)
    for path in ("ListID", "Name", "TaxLineInfoRet/TaxLineID", "Desc", "TaxLineInfoRet/Nope"):
        assert children.find(path) is element.find(path), path
    assert text_of(children, "Name") == "First"


def test_it_keeps_the_tag_the_attributes_and_every_child_in_order() -> None:
    element = etree.fromstring(RET)
    children = Children(element)
    assert children.tag == "AccountRet"
    assert children.get("a") == "1" and children.get("b") is None
    assert list(children) == list(element)


def test_a_ret_reader_gives_the_same_values_through_it() -> None:
    ret = parse_account_ret(etree.fromstring(RET))
    assert (ret.list_id, ret.name, ret.tax_line_id) == ("80000001-1", "First", 7)
