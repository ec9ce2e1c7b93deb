"""message_set: the request envelope, checked against Intuit's 13.0 and 12.0 schemas."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from lxml import etree

from qbxml.envelope import MAX_REQUEST_ID, check_request_id, message_set
from qbxml.errors import BuildError
from qbxml.xmlparse import parse_xml
from tests.support.schema import VERSIONS, assert_valid


def account_query(max_returned: int = 10) -> etree._Element:
    request = etree.Element("AccountQueryRq")
    etree.SubElement(request, "MaxReturned").text = str(max_returned)
    etree.SubElement(request, "ActiveStatus").text = "All"
    return request


def customer_query_since(when: datetime) -> etree._Element:
    request = etree.Element("CustomerQueryRq", iterator="Start")
    etree.SubElement(request, "MaxReturned").text = "100"
    etree.SubElement(request, "FromModifiedDate").text = when.isoformat()
    return request


def host_query() -> etree._Element:
    return etree.Element("HostQueryRq")


@pytest.mark.parametrize("version", VERSIONS)
def test_one_request_validates(version: str) -> None:
    text = message_set([("1", account_query())], version=version)
    assert_valid(text, version)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    assert f'<?qbxml version="{version}"?>' in text


@pytest.mark.parametrize("version", VERSIONS)
def test_several_requests_keep_their_order_and_ids(version: str) -> None:
    since = datetime(2025, 1, 31, 18, 0, tzinfo=timezone(timedelta(hours=-5)))
    text = message_set(
        [
            ("acct-1", account_query(5)),
            ("cust.iter:2", customer_query_since(since)),
            ("h_3", host_query()),
        ],
        version=version,
        on_error="stopOnError",
    )
    assert_valid(text, version)
    msgs = parse_xml(text).find("QBXMLMsgsRq")
    assert msgs is not None
    assert msgs.get("onError") == "stopOnError"
    assert [(c.tag, c.get("requestID")) for c in msgs] == [
        ("AccountQueryRq", "acct-1"),
        ("CustomerQueryRq", "cust.iter:2"),
        ("HostQueryRq", "h_3"),
    ]
    assert msgs[1].findtext("FromModifiedDate") == "2025-01-31T18:00:00-05:00"


def test_default_on_error_is_continue() -> None:
    msgs = parse_xml(message_set([("1", account_query())], version="13.0"))[0]
    assert msgs.get("onError") == "continueOnError"


@pytest.mark.parametrize("version", VERSIONS)
def test_message_set_ids_are_carried(version: str) -> None:
    new_id = "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}"
    text = message_set(
        [("1", account_query())],
        version=version,
        new_message_set_id=new_id,
        old_message_set_id="set-0041",
    )
    assert_valid(text, version)
    msgs = parse_xml(text)[0]
    assert (msgs.get("newMessageSetID"), msgs.get("oldMessageSetID")) == (new_id, "set-0041")


@pytest.mark.parametrize("version", VERSIONS)
def test_recovery_only_set_needs_no_request(version: str) -> None:
    text = message_set([], version=version, old_message_set_id="set-0041")
    assert_valid(text, version)
    assert len(parse_xml(text)[0]) == 0


def test_empty_set_without_recovery_is_refused() -> None:
    with pytest.raises(BuildError, match="at least one request"):
        message_set([], version="13.0")


@pytest.mark.parametrize("length", [1, MAX_REQUEST_ID])
def test_request_id_lengths_accepted(length: int) -> None:
    request_id = "r" * length
    assert check_request_id(request_id) == request_id
    assert_valid(message_set([(request_id, account_query())], version="13.0"), "13.0")


@pytest.mark.parametrize(
    "request_id",
    ["r" * (MAX_REQUEST_ID + 1), "", "has space", 'quote"', "<tag>", "ünïcode", "a\nb"],
)
def test_bad_request_ids_refused(request_id: str) -> None:
    with pytest.raises(BuildError, match="requestID"):
        message_set([(request_id, account_query())], version="13.0")


def test_duplicate_request_ids_refused() -> None:
    with pytest.raises(BuildError, match="appears twice"):
        message_set([("7", account_query()), ("7", host_query())], version="13.0")


@pytest.mark.parametrize("version", ["14.0", "11.0", "13", ""])
def test_versions_we_do_not_write_are_refused(version: str) -> None:
    with pytest.raises(BuildError, match="not one we write"):
        message_set([("1", account_query())], version=version)


@pytest.mark.parametrize("attr", ["new_message_set_id", "old_message_set_id"])
@pytest.mark.parametrize("value", ["", "has space", "x" * 65, "<>"])
def test_bad_message_set_ids_refused(attr: str, value: str) -> None:
    with pytest.raises(BuildError):
        message_set([("1", account_query())], version="13.0", **{attr: value})  # type: ignore[arg-type]
