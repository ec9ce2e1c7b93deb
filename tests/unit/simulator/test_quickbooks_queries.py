"""FakeQuickBooks queries: identity lists, filters, IncludeRetElement and iterators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from qbwc_server.simulator.quickbooks import FakeQuickBooks, generate_items
from tests.unit.simulator.test_quickbooks_support import add, code, demo, one, query, ret, text

JOB = "Nguyen, Anh:1042 - 18 Pine St"


def test_no_match_is_status_1_info() -> None:
    response = one(
        demo(), query("Customer", {"NameFilter": {"MatchCriterion": "StartsWith", "Name": "Zzz"}})
    )
    assert (code(response), response.get("statusSeverity")) == (1, "Info")
    assert (
        response.get("statusMessage")
        == "A query request did not find a matching object in QuickBooks"
    )
    assert len(response) == 0


@pytest.mark.parametrize("field", ["ListID", "FullName"])
def test_a_missing_name_in_a_list_of_several_is_500_with_the_others(field: str) -> None:
    qb = demo()
    (vendor,) = qb.find("Vendor", Name="Bayshore Lumber")
    wanted = vendor["ListID"] if field == "ListID" else "Bayshore Lumber"
    missing = "80000999-1767632400" if field == "ListID" else "Nobody Supply"
    response = one(qb, query("Vendor", {field: [wanted, missing]}))
    assert (code(response), response.get("statusSeverity")) == (500, "Warn")
    assert f'("{missing}")' in response.get("statusMessage", "")
    assert [text(r, "Name") for r in response] == ["Bayshore Lumber"]


def test_missing_txn_id_is_500() -> None:
    response = one(demo(), query("Invoice", {"TxnID": "FFF-1767632400"}))
    assert code(response) == 500 and len(response) == 0


def test_max_returned_and_name_order() -> None:
    response = one(demo(), query("Customer", {"MaxReturned": "2"}))
    assert [text(r, "FullName") for r in response] == [
        "Garcia, Luis",
        "Garcia, Luis:2001 - 5 Oak Ave",
    ]


def test_modified_date_filters() -> None:
    qb = demo()
    newest = ret(one(qb, add("Class", {"Name": "Late"})))
    stamp = text(newest, "TimeModified")
    found = one(qb, query("Class", {"FromModifiedDate": stamp}))
    assert [text(r, "Name") for r in found] == ["Late"]
    before = one(qb, query("Class", {"ToModifiedDate": "2026-01-05T09:00:00-08:00"}))
    assert code(before) == 1


@pytest.mark.parametrize(
    ("filters", "refs"),
    [
        ({"TxnDateRangeFilter": {"FromTxnDate": "2026-01-03"}}, ["1002"]),
        ({"TxnDateRangeFilter": {"ToTxnDate": "2026-01-02"}}, ["1001"]),
        ({"EntityFilter": {"FullName": JOB}}, ["1001"]),
        ({"EntityFilter": {"FullName": "Nguyen, Anh"}}, []),
        ({"EntityFilter": {"FullNameWithChildren": "Nguyen, Anh"}}, ["1001"]),
        ({"RefNumberFilter": {"MatchCriterion": "EndsWith", "RefNumber": "02"}}, ["1002"]),
        ({"RefNumberRangeFilter": {"FromRefNumber": "1000", "ToRefNumber": "1001"}}, ["1001"]),
        ({"RefNumber": ["1002"]}, ["1002"]),
        ({"PaidStatus": "PaidOnly"}, []),
        ({"PaidStatus": "NotPaidOnly"}, ["1001", "1002"]),
        ({"ModifiedDateRangeFilter": {"FromModifiedDate": "2026-01-05"}}, ["1001", "1002"]),
    ],
)
def test_transaction_filters(filters: dict[str, object], refs: list[str]) -> None:
    response = one(demo(), query("Invoice", filters))
    assert [text(r, "RefNumber") for r in response] == refs
    assert code(response) == (0 if refs else 1)


def test_line_items_only_when_asked_for() -> None:
    qb = demo()
    plain = one(qb, query("Invoice", {"RefNumber": "1001"}))
    assert ret(plain).find("InvoiceLineRet") is None
    full = one(qb, query("Invoice", {"RefNumber": "1001", "IncludeLineItems": "true"}))
    assert len(ret(full).findall("InvoiceLineRet")) == 3


def test_include_ret_element_keeps_only_those_elements_in_order() -> None:
    response = one(
        demo(),
        query(
            "Customer", {"FullName": "Garcia, Luis", "IncludeRetElement": ["FullName", "ListID"]}
        ),
    )
    assert [child.tag for child in ret(response)] == ["ListID", "FullName"]


def _items(count: int, clock: Callable[[], datetime] | None = None) -> FakeQuickBooks:
    qb = FakeQuickBooks(clock=clock)
    qb.seed({"Account": [{"Name": "Construction Income", "AccountType": "Income"}]})
    qb.seed(generate_items(count))
    return qb


def test_iterator_pages_through_25_items_10_at_a_time() -> None:
    qb = _items(25)
    first = one(qb, query("ItemService", {"MaxReturned": "10"}, iterator="Start"))
    iterator_id = first.get("iteratorID", "")
    assert iterator_id.startswith("{") and iterator_id.endswith("}")
    seen = [text(r, "Name") for r in first]
    remaining = [first.get("iteratorRemainingCount")]
    for _ in range(2):
        page = one(
            qb,
            query(
                "ItemService", {"MaxReturned": "10"}, iterator="Continue", iteratorID=iterator_id
            ),
        )
        assert code(page) == 0 and page.get("iteratorID") == iterator_id
        seen += [text(r, "Name") for r in page]
        remaining.append(page.get("iteratorRemainingCount"))
    assert remaining == ["15", "5", "0"]
    assert seen == [f"Service {n:04d}" for n in range(1, 26)]
    finished = one(
        qb, query("ItemService", {"MaxReturned": "10"}, iterator="Continue", iteratorID=iterator_id)
    )
    assert code(finished) == 3391


def test_unknown_iterator_is_3391() -> None:
    response = one(
        _items(1),
        query("ItemService", {"MaxReturned": "1"}, iterator="Continue", iteratorID="{nope}"),
    )
    assert (code(response), response.get("statusSeverity")) == (3391, "Error")
    assert response.get("statusMessage") == 'The iteratorID "{nope}" is not valid.'


def test_iterator_expires_after_its_time_to_live() -> None:
    qb = _items(5)
    start = one(qb, query("ItemService", {"MaxReturned": "2"}, iterator="Start"))
    iterator_id = start.get("iteratorID", "")
    qb.advance_clock(599)
    assert (
        code(
            one(
                qb,
                query(
                    "ItemService", {"MaxReturned": "2"}, iterator="Continue", iteratorID=iterator_id
                ),
            )
        )
        == 0
    )
    qb.advance_clock(601)
    expired = one(
        qb, query("ItemService", {"MaxReturned": "2"}, iterator="Continue", iteratorID=iterator_id)
    )
    assert code(expired) == 3391


def test_iterator_expiry_follows_a_supplied_clock() -> None:
    now = [datetime(2026, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=-8)))]
    qb = _items(3, clock=lambda: now[0])
    start = one(qb, query("ItemService", {"MaxReturned": "1"}, iterator="Start"))
    now[0] += timedelta(minutes=11)
    later = one(
        qb,
        query(
            "ItemService",
            {"MaxReturned": "1"},
            iterator="Continue",
            iteratorID=start.get("iteratorID", ""),
        ),
    )
    assert code(later) == 3391


def test_iterator_for_another_request_type_is_refused() -> None:
    qb = _items(3)
    start = one(qb, query("ItemService", {"MaxReturned": "1"}, iterator="Start"))
    other = one(
        qb,
        query(
            "Customer",
            {"MaxReturned": "1"},
            iterator="Continue",
            iteratorID=start.get("iteratorID", ""),
        ),
    )
    assert code(other) == 3391
