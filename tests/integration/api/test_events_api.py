"""GET /api/v1/companies/{cid}/events: the feed in order from a cursor, and its errors."""

from __future__ import annotations

from tests.integration.api.conftest import Api, error_of, fields_of

EVENT_KEYS = {
    "seq",
    "at",
    "event",
    "record_kind",
    "record_id",
    "qb_id",
    "edit_sequence",
    "details",
}


def _company_with_events(api: Api, count: int) -> tuple[int, str]:
    cid = int(api.company()["id"])
    with api.store.transaction() as tx:
        for i in range(count):
            tx.events.emit(
                cid,
                "linked" if i % 2 == 0 else "failed",
                record_kind="invoice",
                record_id=f"i{i}",
                qb_id=f"1A-{i}" if i % 2 == 0 else None,
                edit_sequence=f"{1000 + i}" if i % 2 == 0 else None,
                details={"how": "added"} if i % 2 == 0 else {"reason": "QuickBooks said 3070"},
            )
    return cid, f"/api/v1/companies/{cid}/events"


def test_the_feed_pages_in_order_and_the_cursor_resumes_exactly(api: Api) -> None:
    _cid, path = _company_with_events(api, 7)
    first = api.get(path, role="staff", limit=3)
    assert first.status_code == 200
    body = first.json
    assert set(body) == {"items", "next_cursor"}
    assert [e["seq"] for e in body["items"]] == [1, 2, 3]
    assert all(set(e) == EVENT_KEYS for e in body["items"])
    linked, failed = body["items"][0], body["items"][1]
    assert linked == {
        "seq": 1,
        "at": linked["at"],
        "event": "linked",
        "record_kind": "invoice",
        "record_id": "i0",
        "qb_id": "1A-0",
        "edit_sequence": "1000",
        "details": {"how": "added"},
    }
    assert (failed["event"], failed["qb_id"], failed["edit_sequence"]) == ("failed", None, None)
    assert failed["details"] == {"reason": "QuickBooks said 3070"}
    assert body["next_cursor"] == "3"
    rest = api.get(path, after=body["next_cursor"]).json
    assert [e["record_id"] for e in rest["items"]] == ["i3", "i4", "i5", "i6"]
    # Caught up: nothing new, and the cursor stays where the reader is.
    assert api.get(path, after=rest["next_cursor"]).json == {"items": [], "next_cursor": "7"}


def test_a_company_without_events_answers_an_empty_feed(api: Api) -> None:
    cid = api.company()["id"]
    assert api.get(f"/api/v1/companies/{cid}/events").json == {"items": [], "next_cursor": "0"}


def test_bad_cursors_limits_and_parameters_are_400s_naming_the_field(api: Api) -> None:
    _cid, path = _company_with_events(api, 1)
    assert fields_of(api.get(path, after="-1")) == ["after"]
    assert fields_of(api.get(path, after="abc")) == ["after"]
    assert fields_of(api.get(path, after="9" * 30)) == ["after"]
    assert fields_of(api.get(path, limit="0")) == ["limit"]
    assert fields_of(api.get(path, limit="501")) == ["limit"]
    assert fields_of(api.get(path, since="1")) == ["since"]


def test_unknown_company_and_missing_token(api: Api) -> None:
    error_of(api.get("/api/v1/companies/999/events"), 404, "not_found")
    _cid, path = _company_with_events(api, 1)
    error_of(api.get(path, token=""), 401, "unauthorized")


def test_each_company_sees_only_its_own_events(api: Api) -> None:
    _a, path_a = _company_with_events(api, 2)
    b = int(api.company("other")["id"])
    with api.store.transaction() as tx:
        tx.events.emit(b, "imported", record_kind="vendor", record_id="qb-80000001")
    items = api.get(f"/api/v1/companies/{b}/events").json["items"]
    assert [(e["seq"], e["event"], e["record_id"]) for e in items] == [
        (1, "imported", "qb-80000001")
    ]
    assert len(api.get(path_a).json["items"]) == 2
