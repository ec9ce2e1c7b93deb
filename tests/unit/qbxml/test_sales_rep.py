"""Sales reps: initials, the entity reference, both schemas."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qbxml.builders.sales_rep import (
    SalesRep,
    initials,
    parse_sales_rep_ret,
    sales_rep_add,
    sales_rep_mod,
    sales_rep_query,
)
from qbxml.context import BuildContext, Identity, Ref
from qbxml.errors import BuildError
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_request_valid


@pytest.mark.parametrize(
    ("given_", "first", "last", "expected"),
    [
        (None, "Maria", "Santos", "MS"),
        ("mjs", "Maria", "Santos", "MJS"),
        (None, "Émile", "Ångström", "EA"),
        ("ABCDEFG", None, None, "ABCDE"),
        (None, None, None, ""),
        ("m.j-s", None, None, "MJS"),
    ],
)
def test_initials(given_: str | None, first: str | None, last: str | None, expected: str) -> None:
    assert initials(given_, first, last) == expected


@pytest.mark.parametrize("version", VERSIONS)
def test_sales_rep_requests_validate(version: str) -> None:
    ctx = BuildContext(version=version)
    rep = SalesRep("MS", Ref(list_id="80000004-1767632401"))
    add = sales_rep_add(rep, ctx)
    body = add.find("SalesRepAdd")
    assert body is not None and [c.tag for c in body] == ["Initial", "SalesRepEntityRef"]
    assert_request_valid(add, version)
    assert_request_valid(sales_rep_mod(rep, Identity("80000006-1", "1"), ctx), version)
    assert_request_valid(sales_rep_query(ctx, full_names=["MS"]), version)


def test_a_sales_rep_needs_initials() -> None:
    with pytest.raises(BuildError):
        sales_rep_add(SalesRep("", Ref(full_name="Maria Santos")), BuildContext())


@settings(max_examples=50, deadline=None)
@given(
    initial=st.text(max_size=12),
    name=st.text(min_size=1, max_size=250),
    version=st.sampled_from(VERSIONS),
)
def test_hostile_sales_reps_validate_or_raise(initial: str, name: str, version: str) -> None:
    try:
        rq = sales_rep_add(SalesRep(initial, Ref(full_name=name)), BuildContext(version=version))
    except BuildError:
        return
    assert_request_valid(rq, version)


def test_parse_sales_rep_ret() -> None:
    ret = parse_sales_rep_ret(
        parse_xml(
            "<SalesRepRet><ListID>80000006-1767632401</ListID><EditSequence>1767632406"
            "</EditSequence><Initial>MS</Initial><IsActive>true</IsActive><SalesRepEntityRef>"
            "<ListID>80000004-1767632401</ListID><FullName>Maria Santos</FullName>"
            "</SalesRepEntityRef></SalesRepRet>"
        )
    )
    assert ret.initial == "MS" and ret.entity is not None
    assert ret.entity.full_name == "Maria Santos"
