"""Class builders and ClassRet parsing, plus the list-query helpers every list builder shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from qbxml.builders._list import Iterator, check_id, list_query
from qbxml.builders.class_ import Class, class_add, class_mod, class_query, parse_class_ret
from qbxml.context import BuildContext, Identity, Ref
from qbxml.errors import BuildError, ResponseError
from qbxml.fields import FieldNote
from qbxml.responses import RefValue, parse_response
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "fixtures" / "qbxml" / "class"
IDENT = Identity("80000021-1704217060", "1745341551")


def xml(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode")


# --- builders -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_class_add_is_exact_and_valid(version: str) -> None:
    ctx = BuildContext(version=version)
    rec = Class("Storm Repair", parent=Ref(full_name="Residential"), is_active=True)
    el = class_add(rec, ctx)
    assert xml(el) == (
        "<ClassAddRq><ClassAdd><Name>Storm Repair</Name><IsActive>true</IsActive>"
        "<ParentRef><FullName>Residential</FullName></ParentRef></ClassAdd></ClassAddRq>"
    )
    assert ctx.notes == []
    assert_request_valid(el, version)


@pytest.mark.parametrize("version", VERSIONS)
def test_class_mod_names_the_object_and_prefers_list_id(version: str) -> None:
    ctx = BuildContext(version=version)
    parent = Ref(list_id="80000020-1704217000", full_name="Residential")
    el = class_mod(Class("Storm Repair", parent=parent), IDENT, ctx)
    assert xml(el) == (
        "<ClassModRq><ClassMod><ListID>80000021-1704217060</ListID>"
        "<EditSequence>1745341551</EditSequence><Name>Storm Repair</Name>"
        "<ParentRef><ListID>80000020-1704217000</ListID></ParentRef></ClassMod></ClassModRq>"
    )
    assert_request_valid(el, version)


def test_overlong_name_is_truncated_with_a_note() -> None:
    ctx = BuildContext()
    el = class_add(Class("Residential Roofing and Gutter Replacement"), ctx)
    assert el.findtext("ClassAdd/Name") == "Residential Roofing and Gutter"
    assert ctx.notes == [
        FieldNote(
            "ClassAddRq/ClassAdd/Name",
            "truncated",
            "Residential Roofing and Gutter Replacement",
            "Residential Roofing and Gutter",
        )
    ]


def test_emoji_is_replaced_with_a_note_and_uppercase_capitalises() -> None:
    ctx = BuildContext(uppercase=True)
    el = class_add(Class("Café 🏠 jobs"), ctx)
    assert el.findtext("ClassAdd/Name") == "CAFÉ ? JOBS"
    assert [(n.path, n.change) for n in ctx.notes] == [("ClassAddRq/ClassAdd/Name", "replaced")]


@pytest.mark.parametrize("name", ["", "   ", "\x00\x01", "\r\n\t"])
def test_class_without_a_usable_name_is_refused(name: str) -> None:
    with pytest.raises(BuildError, match="Name"):
        class_add(Class(name), BuildContext())


@pytest.mark.parametrize(
    "ident",
    [
        Identity("", "1"),
        Identity("8000-1", ""),
        Identity("x" * 37, "1"),
        Identity("a b", "1"),
        Identity("8000-1", "1" * 17),
    ],
)
def test_mod_refuses_a_bad_identity(ident: Identity) -> None:
    with pytest.raises(BuildError):
        class_mod(Class("Roofing"), ident, BuildContext())


def test_ref_full_name_is_cleaned_and_an_unusable_one_refused() -> None:
    ctx = BuildContext()
    el = class_add(Class("Sub", parent=Ref(full_name="Res\tidential ")), ctx)
    assert el.findtext("ClassAdd/ParentRef/FullName") == "Res idential"
    with pytest.raises(BuildError, match="ParentRef"):
        class_add(Class("Sub", parent=Ref(full_name="\x07")), BuildContext())
    with pytest.raises(BuildError, match="ListID"):
        class_add(Class("Sub", parent=Ref(list_id="bad id")), BuildContext())


# --- queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_class_query_by_filters_in_schema_order(version: str) -> None:
    since = datetime(2025, 1, 31, 8, 0, 0, 123456, tzinfo=timezone(timedelta(hours=-5)))
    el = class_query(
        BuildContext(version=version),
        max_returned=500,
        active_status="All",
        modified_from=since,
        modified_to=datetime(2025, 2, 1, tzinfo=UTC),
        include_ret_elements=["ListID", "FullName"],
    )
    assert xml(el) == (
        "<ClassQueryRq><MaxReturned>500</MaxReturned><ActiveStatus>All</ActiveStatus>"
        "<FromModifiedDate>2025-01-31T08:00:00-05:00</FromModifiedDate>"
        "<ToModifiedDate>2025-02-01T00:00:00+00:00</ToModifiedDate>"
        "<IncludeRetElement>ListID</IncludeRetElement>"
        "<IncludeRetElement>FullName</IncludeRetElement></ClassQueryRq>"
    )
    assert_request_valid(el, version)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "<ClassQueryRq/>"),
        ({"list_ids": ["1-1", "2-2"]}, "<ClassQueryRq><ListID>1-1</ListID><ListID>2-2</ListID>"),
        (
            {"full_names": ["Residential:Storm Repair"]},
            "<ClassQueryRq><FullName>Residential:Storm Repair</FullName>",
        ),
    ],
)
def test_class_query_by_ids_or_names(
    version: str, kwargs: dict[str, object], expected: str
) -> None:
    el = class_query(BuildContext(version=version), **kwargs)  # type: ignore[arg-type]
    assert xml(el).startswith(expected)
    assert_request_valid(el, version)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"list_ids": ["1-1"], "full_names": ["A"]},
        {"list_ids": ["1-1"], "max_returned": 5},
        {"full_names": ["A"], "active_status": "All"},
        {"max_returned": 0},
        {"active_status": "Active"},
        {"list_ids": "80000001-1704214832"},
        {"full_names": "Residential"},
        {"list_ids": [""]},
        {"full_names": ["\x01"]},
        {"include_ret_elements": ["Not an element"]},
        {"include_ret_elements": ["A" * 51]},
    ],
)
def test_class_query_refuses_what_the_schema_would(kwargs: dict[str, object]) -> None:
    with pytest.raises(BuildError):
        class_query(BuildContext(), **kwargs)  # type: ignore[arg-type]


def test_class_query_has_no_iterator_because_the_schema_has_none() -> None:
    with pytest.raises(TypeError):
        class_query(BuildContext(), iterator="Start")  # type: ignore[call-arg]
    with pytest.raises(BuildError, match="no iterator"):
        list_query(BuildContext(), "ClassQueryRq", full_name_max=159, iterator="Start")


@pytest.mark.parametrize(
    ("iterator", "iterator_id", "attrs"),
    [
        ("Start", None, {"iterator": "Start"}),
        (
            "Continue",
            "{3f1d9c52-7a4e-4b0d-9c61-2e8f5a7b1c90}",
            {"iterator": "Continue", "iteratorID": "{3f1d9c52-7a4e-4b0d-9c61-2e8f5a7b1c90}"},
        ),
    ],
)
def test_list_query_iterator_attributes(
    iterator: Iterator, iterator_id: str | None, attrs: dict[str, str]
) -> None:
    el = list_query(
        BuildContext(),
        "ItemQueryRq",
        full_name_max=159,
        max_returned=100,
        iterator=iterator,
        iterator_id=iterator_id,
        allow_iterator=True,
    )
    assert {str(k): str(v) for k, v in el.attrib.items()} == attrs
    assert el.findtext("MaxReturned") == "100"


@pytest.mark.parametrize(
    ("iterator", "iterator_id"),
    [("Continue", None), ("Start", "{x}"), (None, "{x}"), ("Stop", None), ("Continue", "a b")],
)
def test_list_query_refuses_inconsistent_iterators(
    iterator: str | None, iterator_id: str | None
) -> None:
    with pytest.raises(BuildError):
        list_query(
            BuildContext(),
            "ItemQueryRq",
            full_name_max=159,
            iterator=iterator,  # type: ignore[arg-type]
            iterator_id=iterator_id,
            allow_iterator=True,
        )


@pytest.mark.parametrize("value", ["", " ", "x" * 37, "é", "a\x00"])
def test_check_id_refuses_non_ids(value: str) -> None:
    with pytest.raises(BuildError):
        check_id(value, "ListID")


# --- hostile records ------------------------------------------------------------------------

_CHARS = st.characters(exclude_categories=["Cs"])
hostile_text = st.one_of(
    st.text(_CHARS, max_size=40),
    st.text(_CHARS, min_size=1, max_size=8).map(lambda s: s * 50),
    st.sampled_from(["\u202eevil", "👷‍♀️ crew", "ﬁnish", "a\r\nb", "\x00", "ß" * 31]),
)


@st.composite
def refs(draw: st.DrawFn) -> Ref | None:
    good_id = st.from_regex(r"\A[0-9A-F]{8}-[0-9]{10}\Z")
    list_id = draw(st.one_of(st.none(), st.none(), good_id, good_id, st.text(_CHARS, max_size=40)))
    full_name = draw(st.one_of(st.none(), hostile_text))
    return Ref(list_id, full_name) if list_id or full_name else None


@settings(deadline=None, max_examples=75)
@given(
    name=hostile_text,
    parent=refs(),
    is_active=st.one_of(st.none(), st.booleans()),
    uppercase=st.booleans(),
    version=st.sampled_from(VERSIONS),
    mod=st.booleans(),
)
def test_hostile_classes_validate_or_raise_build_error(
    name: str,
    parent: Ref | None,
    is_active: bool | None,
    uppercase: bool,
    version: str,
    mod: bool,
) -> None:
    ctx = BuildContext(version=version, uppercase=uppercase)
    rec = Class(name, parent=parent, is_active=is_active)
    try:
        el = class_mod(rec, IDENT, ctx) if mod else class_add(rec, ctx)
    except BuildError:
        return
    assert_request_valid(el, version)


@settings(deadline=None, max_examples=50)
@given(names=st.lists(hostile_text, max_size=5), version=st.sampled_from(VERSIONS))
def test_hostile_class_queries_validate_or_raise_build_error(
    names: list[str], version: str
) -> None:
    try:
        el = class_query(BuildContext(version=version), full_names=names)
    except BuildError:
        return
    assert_request_valid(el, version)


# --- parsing --------------------------------------------------------------------------------


def test_parse_class_query_fixture() -> None:
    result = parse_response((FIXTURES / "ClassQueryRs.tree.xml").read_bytes()).results[0]
    parent, child = (parse_class_ret(el) for el in result.rets)
    assert parent.list_id == "80000020-1704217000"
    assert parent.full_name == "Residential"
    assert parent.is_active is True
    assert parent.parent is None
    assert parent.sublevel == 0
    assert child.name == "Storm Repair"
    assert child.full_name == "Residential:Storm Repair"
    assert child.is_active is False
    assert child.parent == RefValue("80000020-1704217000", "Residential")
    assert child.sublevel == 1
    assert child.edit_sequence == "1745341551"
    assert child.time_modified == datetime(
        2025, 4, 22, 13, 5, 51, tzinfo=timezone(timedelta(hours=-4))
    )


def test_parse_class_ret_trimmed_by_include_ret_element() -> None:
    ret = parse_class_ret(parse_xml("<ClassRet><FullName>Residential</FullName></ClassRet>"))
    assert ret.full_name == "Residential"
    assert ret.list_id is None and ret.time_created is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("<IsActive>maybe</IsActive>", "ClassRet/IsActive"),
        ("<Sublevel>one</Sublevel>", "ClassRet/Sublevel"),
        ("<TimeCreated>yesterday</TimeCreated>", "ClassRet/TimeCreated"),
        ("<ParentRef></ParentRef>", "ClassRet/ParentRef"),
    ],
)
def test_parse_class_ret_names_the_bad_field(body: str, field: str) -> None:
    with pytest.raises(ResponseError, match=field):
        parse_class_ret(parse_xml(f"<ClassRet>{body}</ClassRet>"))
