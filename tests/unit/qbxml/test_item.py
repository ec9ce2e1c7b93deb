"""Service item builders, ItemQuery, and parsing of every item Ret kind."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from qbxml.builders.item import (
    ITEM_TYPES,
    ServiceItem,
    item_add,
    item_mod,
    item_query,
    parse_item_ret,
)
from qbxml.context import BuildContext, Identity, Ref
from qbxml.errors import BuildError, ResponseError
from qbxml.responses import RefValue, parse_response
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid

D = Decimal
ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT.parent / "shared" / "samples" / "qbxml"
FIXTURES = ROOT / "fixtures" / "qbxml" / "item"
LABOR_INCOME = Ref(list_id="80000009-1704215437")
IDENT = Identity("80000010-1704216001", "1739286197")


def xml(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode")


def sample(name: str) -> bytes:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"shared sample {path} is not there")
    return path.read_bytes()


def item(**changes: object) -> ServiceItem:
    fields: dict[str, object] = {
        "name": "Roof Install",
        "description": "Tear-off and install,\nper square",
        "price": D("425.5"),
        "income_account": LABOR_INCOME,
        "class_ref": Ref(full_name="Residential"),
        "parent": Ref(full_name="Labor"),
        "taxable": False,
    }
    fields.update(changes)
    return ServiceItem(**fields)  # type: ignore[arg-type]


# --- builders -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_item_add_is_exact_and_in_schema_order(version: str) -> None:
    ctx = BuildContext(version=version)
    el = item_add(item(), ctx)
    assert xml(el) == (
        "<ItemServiceAddRq><ItemServiceAdd><Name>Roof Install</Name>"
        "<ClassRef><FullName>Residential</FullName></ClassRef>"
        "<ParentRef><FullName>Labor</FullName></ParentRef>"
        "<SalesTaxCodeRef><FullName>Non</FullName></SalesTaxCodeRef>"
        "<SalesOrPurchase><Desc>Tear-off and install,\nper square</Desc><Price>425.5</Price>"
        "<AccountRef><ListID>80000009-1704215437</ListID></AccountRef></SalesOrPurchase>"
        "</ItemServiceAdd></ItemServiceAddRq>"
    )
    assert ctx.notes == []
    assert_request_valid(el, version)


@pytest.mark.parametrize("version", VERSIONS)
def test_item_mod_is_exact_and_valid(version: str) -> None:
    ctx = BuildContext(version=version)
    rec = item(taxable=True, class_ref=None, parent=None, is_active=False, price=D("-12.123456"))
    el = item_mod(rec, IDENT, ctx)
    assert xml(el) == (
        "<ItemServiceModRq><ItemServiceMod><ListID>80000010-1704216001</ListID>"
        "<EditSequence>1739286197</EditSequence><Name>Roof Install</Name>"
        "<IsActive>false</IsActive><SalesTaxCodeRef><FullName>Tax</FullName></SalesTaxCodeRef>"
        "<SalesOrPurchaseMod><Desc>Tear-off and install,\nper square</Desc>"
        "<Price>-12.12346</Price>"
        "<AccountRef><ListID>80000009-1704215437</ListID></AccountRef></SalesOrPurchaseMod>"
        "</ItemServiceMod></ItemServiceModRq>"
    )
    assert_request_valid(el, version)


def test_item_mod_with_nothing_to_sell_leaves_sales_out() -> None:
    el = item_mod(ServiceItem("Roof Install"), IDENT, BuildContext())
    assert el.find("ItemServiceMod/SalesOrPurchaseMod") is None
    assert_request_valid(el, "13.0")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"taxable": None}, None),
        ({"taxable": True}, "<FullName>Tax</FullName>"),
        ({"taxable": False}, "<FullName>Non</FullName>"),
        (
            {"taxable": True, "sales_tax_code": Ref(list_id="80000003-1704219000")},
            "<ListID>80000003-1704219000</ListID>",
        ),
    ],
)
def test_sales_tax_code_comes_from_taxable_unless_given(
    changes: dict[str, object], code: str | None
) -> None:
    el = item_add(item(**changes), BuildContext())
    found = el.find("ItemServiceAdd/SalesTaxCodeRef")
    if code is None:
        assert found is None
    else:
        assert found is not None and xml(found) == f"<SalesTaxCodeRef>{code}</SalesTaxCodeRef>"


def test_overlong_name_is_truncated_and_uppercase_capitalises() -> None:
    ctx = BuildContext(uppercase=True)
    el = item_add(item(name="Gutter guard installation, per linear foot"), ctx)
    assert el.findtext("ItemServiceAdd/Name") == "GUTTER GUARD INSTALLATION, PER"
    assert el.findtext("ItemServiceAdd/SalesOrPurchase/Desc") == (
        "TEAR-OFF AND INSTALL,\nPER SQUARE"
    )
    assert [(n.path, n.change) for n in ctx.notes] == [
        ("ItemServiceAddRq/ItemServiceAdd/Name", "truncated")
    ]


def test_emoji_in_description_is_replaced_with_a_note() -> None:
    ctx = BuildContext()
    el = item_add(item(description="Gutters 🌧️ cleaned"), ctx)
    assert el.findtext("ItemServiceAdd/SalesOrPurchase/Desc") == "Gutters ?? cleaned"
    assert [(n.path, n.change) for n in ctx.notes] == [
        ("ItemServiceAddRq/ItemServiceAdd/SalesOrPurchase/Desc", "replaced")
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "  "},
        {"income_account": None},
        {"price": D("NaN")},
        {"price": D("Infinity")},
        {"price": D("10000000000")},
        {"price": D("9999999999.999996")},
        {"class_ref": Ref(list_id="x" * 37)},
    ],
)
def test_item_add_refuses_unusable_records(changes: dict[str, object]) -> None:
    with pytest.raises(BuildError):
        item_add(item(**changes), BuildContext())


@pytest.mark.parametrize("version", VERSIONS)
def test_item_query_with_iterator(version: str) -> None:
    since = datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=-5)))
    start = item_query(
        BuildContext(version=version),
        max_returned=100,
        active_status="All",
        modified_from=since,
        iterator="Start",
    )
    assert xml(start) == (
        '<ItemQueryRq iterator="Start"><MaxReturned>100</MaxReturned>'
        "<ActiveStatus>All</ActiveStatus>"
        "<FromModifiedDate>2025-01-01T00:00:00-05:00</FromModifiedDate></ItemQueryRq>"
    )
    assert_request_valid(start, version)
    more = item_query(
        BuildContext(version=version),
        max_returned=100,
        iterator="Continue",
        iterator_id="{3f1d9c52-7a4e-4b0d-9c61-2e8f5a7b1c90}",
    )
    assert more.get("iteratorID") == "{3f1d9c52-7a4e-4b0d-9c61-2e8f5a7b1c90}"
    assert_request_valid(more, version)
    by_name = item_query(BuildContext(version=version), full_names=["Labor:Roof Install"])
    assert xml(by_name) == "<ItemQueryRq><FullName>Labor:Roof Install</FullName></ItemQueryRq>"
    assert_request_valid(by_name, version)


def test_item_query_continue_needs_an_iterator_id() -> None:
    with pytest.raises(BuildError, match="iteratorID"):
        item_query(BuildContext(), iterator="Continue")


# --- hostile records ------------------------------------------------------------------------

_CHARS = st.characters(exclude_categories=["Cs"])
hostile_text = st.one_of(
    st.text(_CHARS, max_size=40),
    st.text(_CHARS, min_size=1, max_size=12).map(lambda s: s * 400),
    st.sampled_from(["\u202eevil", "👷‍♀️ crew", "ﬁnish", "a\r\nb", "\x00", "ß" * 31]),
)
prices = st.one_of(
    st.none(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=D("-9999999999.99999"), max_value=D("9999999999.99999")),
    st.decimals(min_value=D("-1000"), max_value=D("1000"), places=7),
)


@st.composite
def refs(draw: st.DrawFn) -> Ref | None:
    good_id = st.from_regex(r"\A[0-9A-F]{8}-[0-9]{10}\Z")
    list_id = draw(st.one_of(st.none(), st.none(), good_id, good_id, st.text(_CHARS, max_size=40)))
    full_name = draw(st.one_of(st.none(), hostile_text))
    return Ref(list_id, full_name) if list_id or full_name else None


@settings(deadline=None, max_examples=100)
@given(
    rec=st.builds(
        ServiceItem,
        name=hostile_text,
        description=st.one_of(st.none(), hostile_text),
        price=prices,
        income_account=refs(),
        class_ref=refs(),
        parent=refs(),
        taxable=st.one_of(st.none(), st.booleans()),
        sales_tax_code=refs(),
        is_active=st.one_of(st.none(), st.booleans()),
    ),
    uppercase=st.booleans(),
    version=st.sampled_from(VERSIONS),
    mod=st.booleans(),
)
def test_hostile_items_validate_or_raise_build_error(
    rec: ServiceItem, uppercase: bool, version: str, mod: bool
) -> None:
    ctx = BuildContext(version=version, uppercase=uppercase)
    try:
        el = item_mod(rec, IDENT, ctx) if mod else item_add(rec, ctx)
    except BuildError:
        return
    assert_request_valid(el, version)


# --- parsing --------------------------------------------------------------------------------


def test_every_item_kind_is_read_from_the_fixture() -> None:
    result = parse_response((FIXTURES / "ItemQueryRs.all-types.xml").read_bytes()).results[0]
    assert result.iterator_id == "{3f1d9c52-7a4e-4b0d-9c61-2e8f5a7b1c90}"
    items = {ret.item_type: ret for ret in map(parse_item_ret, result.rets)}
    assert tuple(items) == ITEM_TYPES

    service = items["Service"]
    assert service.list_id == "80000010-1704216001"
    assert service.name == "Roof Install"
    assert service.full_name == "Labor:Roof Install"
    assert service.parent == RefValue("8000000F-1704215990", "Labor")
    assert service.sublevel == 1
    assert service.class_ref == RefValue("80000020-1704217000", "Residential")
    assert service.sales_tax_code == RefValue("80000002-1704214800", "Non")
    assert service.description == "Tear-off and install, per square"
    assert service.price == D("425.50")
    assert service.income_account == RefValue(
        "80000009-1704215437", "Construction Income:Labor Income"
    )
    assert service.time_modified == datetime(
        2025, 2, 11, 10, 3, 17, tzinfo=timezone(timedelta(hours=-5))
    )

    non_inv = items["NonInventory"]
    assert (non_inv.description, non_inv.price, non_inv.purchase_cost) == (
        "Architectural shingles, bundle",
        D("48.75"),
        D("36.10"),
    )
    assert non_inv.income_account == RefValue("80000008-1704215402", "Construction Income")
    assert non_inv.expense_account == RefValue("8000000A-1704215512", "Job Materials")
    assert items["OtherCharge"].price_percent == D("2.5")
    assert items["OtherCharge"].price is None
    inventory = items["Inventory"]
    assert (inventory.description, inventory.price, inventory.quantity_on_hand) == (
        "Aluminum drip edge, 10 ft",
        D("12.99"),
        D("143"),
    )
    assert inventory.expense_account == RefValue("8000000A-1704215512", "Job Materials")
    assert items["InventoryAssembly"].price == D("89.00")
    fixed = items["FixedAsset"]
    assert (fixed.full_name, fixed.description, fixed.price, fixed.purchase_cost) == (
        "2019 F-250",
        "Crew truck sold at auction",
        D("28000.00"),
        D("41500.00"),
    )
    assert items["Subtotal"].description == "Subtotal of labor and materials"
    discount = items["Discount"]
    assert (discount.price_percent, discount.income_account) == (
        D("10.0"),
        RefValue("80000008-1704215402", "Construction Income"),
    )
    assert items["Payment"].income_account is None
    assert items["SalesTax"].price_percent == D("7.25")
    assert items["SalesTaxGroup"].description == "State and county"
    assert items["Group"].is_active is False


def test_real_inventory_sample_is_read() -> None:
    result = parse_response(sample("ItemInventoryQueryRs.ok.flowlink-2014.xml")).results[0]
    rets = [parse_item_ret(el) for el in result.rets]
    assert len(rets) == 16
    assert {r.item_type for r in rets} == {"Inventory"}
    shirt = next(r for r in rets if r.name == "Haskell T-Shirt")
    assert shirt.list_id == "80000004-1415047582"
    assert shirt.edit_sequence == "1415668976"
    assert shirt.description == "WOW"
    assert shirt.price == D("55.00")
    assert shirt.purchase_cost == D("4.00")
    assert shirt.quantity_on_hand == D("300")
    assert shirt.income_account == RefValue("8000001B-1415022649", "Cost of Goods Sold")
    assert shirt.time_created == datetime(
        2014, 11, 3, 17, 46, 22, tzinfo=timezone(timedelta(hours=-3))
    )


def test_real_service_sample_is_read() -> None:
    result = parse_response(sample("ItemQueryRs.ItemServiceRet.intuit-sample-comment.xml"))
    ret = parse_item_ret(result.results[0].rets[0])
    assert ret.item_type == "Service"
    assert (ret.list_id, ret.name, ret.full_name) == (
        "20000-933272655",
        "Installation",
        "Installation",
    )
    assert ret.is_active is True
    assert ret.sales_tax_code == RefValue("20000-999022286", "Non")
    assert (ret.description, ret.price) == ("Installation labor", D("35.00"))
    assert ret.income_account == RefValue("190000-933270541", "Construction Income:Labor Income")


def test_price_percent_with_a_percent_sign_is_read_leniently() -> None:
    # The qbxml-gem sample writes PricePercent "18.0%", which PERCENTTYPE does not allow.
    # The meaning is unambiguous, so we read 18.0 rather than lose the item on import.
    result = parse_response(sample("ItemQueryRs.ItemServiceRet.qbxml-gem.xml")).results[0]
    assert result.iterator_id == "{10c05cbd-b25b-4a85-8aa0-8bce89e6e900}"
    ret = parse_item_ret(result.rets[0])
    assert ret.price_percent == D("18.0")
    assert ret.price is None
    assert ret.name == "let's get intuit"
    assert ret.income_account == RefValue("80000015-1457547358", "Repairs and Maintenance")


@pytest.mark.parametrize("text", ["18%%", "%", "eighteen%", "1 8%"])
def test_other_bad_percentages_still_raise(text: str) -> None:
    el = parse_xml(
        "<ItemServiceRet><SalesOrPurchase>"
        f"<PricePercent>{text}</PricePercent></SalesOrPurchase></ItemServiceRet>"
    )
    with pytest.raises(ResponseError, match="PricePercent"):
        parse_item_ret(el)


def test_item_add_error_sample_has_no_ret_to_parse() -> None:
    result = parse_response(sample("ItemServiceAddRs.3100.consolibyte-2010.xml")).results[0]
    assert result.status_code == 3100 and result.rets == ()


@pytest.mark.parametrize("tag", ["ItemRet", "ClassRet", "ItemServiceAdd", "ItemFooRet"])
def test_non_item_elements_are_refused(tag: str) -> None:
    with pytest.raises(ResponseError, match=tag):
        parse_item_ret(parse_xml(f"<{tag}/>"))
