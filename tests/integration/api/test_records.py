"""Records over the API: upsert, read one, page through a kind; validation; links."""

from __future__ import annotations

from typing import Any

from tests.integration.api.conftest import Api, error_of, fields_of

ADA = {"first_name": "Ada", "last_name": "Lovelace"}


def _records(api: Api) -> str:
    return f"/api/v1/companies/{api.company()['id']}/records"


def test_put_creates_then_changes_a_record(api: Api) -> None:
    base = _records(api)
    created = api.put(f"{base}/customer/c1", ADA, role="staff")
    assert created.status_code == 201
    body: dict[str, Any] = created.json
    assert set(body) == {"kind", "id", "origin", "data", "updated_at", "links"}
    assert body["kind"] == "customer" and body["id"] == "c1" and body["origin"] == "app"
    assert body["data"] == ADA and body["links"] == [] and body["updated_at"]
    changed = api.put(f"{base}/customer/c1", {**ADA, "email": "ada@example.com"})
    assert changed.status_code == 200 and changed.json["data"]["email"] == "ada@example.com"
    same = api.put(f"{base}/customer/c1", {**ADA, "email": "ada@example.com"})
    assert same.status_code == 200
    assert api.get(f"{base}/customer/c1", role="staff").json == same.json


def test_ids_may_hold_slashes_and_spaces(api: Api) -> None:
    base = _records(api)
    assert api.put(f"{base}/customer/a/b%20c", ADA).status_code == 201
    shown = api.get(f"{base}/customer/a/b%20c")
    assert shown.status_code == 200 and shown.json["id"] == "a/b c"


def test_a_bad_record_names_each_field_and_stores_nothing(api: Api) -> None:
    base = _records(api)
    bad = {"first_name": "", "last_name": 7, "colour": "red", "billing_address": {"zip": 1}}
    response = api.put(f"{base}/customer/c1", bad)
    assert sorted(fields_of(response)) == [
        "billing_address.zip",
        "colour",
        "first_name",
        "last_name",
    ]
    error = error_of(response, 400, "invalid")
    assert all(set(f) == {"field", "message", "code"} for f in error["details"]["fields"])
    error_of(api.get(f"{base}/customer/c1"), 404, "not_found")
    assert api.get(f"{base}/customer").json == {"items": [], "next_cursor": None}
    log = api.get(base.removesuffix("/records") + "/log").json["items"]
    assert [entry["event"] for entry in log] == ["company_created"]


def test_kind_id_and_body_errors(api: Api) -> None:
    base = _records(api)
    assert fields_of(api.put(f"{base}/widget/w1", ADA)) == ["kind"]
    assert fields_of(api.put(f"{base}/account/a1", {"name": "x"})) == ["kind"]
    assert fields_of(api.put(f"{base}/customer/{'x' * 201}", ADA)) == ["id"]
    assert fields_of(api.put(f"{base}/customer/c1", [ADA])) == ["body"]
    assert fields_of(api.get(f"{base}/widget")) == ["kind"]
    error_of(api.get(f"{base}/account/a1"), 404, "not_found")
    error_of(api.put("/api/v1/companies/99/records/customer/c1", ADA), 404, "not_found")


def test_pagination_walks_every_record_once(api: Api) -> None:
    base = _records(api)
    ids = sorted(f"c{n:02d}" for n in range(23))
    for record_id in reversed(ids):
        assert api.put(f"{base}/customer/{record_id}", ADA).status_code == 201
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        query = {"limit": 5} if cursor is None else {"limit": 5, "after": cursor}
        page = api.get(f"{base}/customer", **query)
        assert page.status_code == 200
        seen += [item["id"] for item in page.json["items"]]
        pages += 1
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
    assert seen == ids and pages == 5
    assert len(api.get(f"{base}/customer").json["items"]) == 23  # default limit 100


def test_bad_limits_and_unknown_parameters(api: Api) -> None:
    base = _records(api)
    for limit in ("0", "501", "-1", "ten", "1.5", "", "²"):
        assert fields_of(api.get(f"{base}/customer", limit=limit)) == ["limit"]
    assert api.get(f"{base}/customer", limit="500").status_code == 200
    assert fields_of(api.get(f"{base}/customer", page="2")) == ["page"]
    assert fields_of(api.get(f"{base}/customer/c1", limit="2")) == ["limit"]


def test_links_show_on_records_and_page_with_an_opaque_cursor(api: Api) -> None:
    base = _records(api)
    cid = int(base.split("/")[4])
    for n in range(7):
        api.put(f"{base}/customer/c{n}", ADA)
    with api.store.transaction() as tx:
        for n in range(7):
            tx.records.link(
                cid,
                "customer",
                f"c{n}",
                qb_id=f"80000{n}-1",
                edit_sequence="1",
                full_name=f"Lovelace, Ada {n}",
                qb_time_modified=None,
            )
    record = api.get(f"{base}/customer/c3").json
    assert [link["qb_id"] for link in record["links"]] == ["800003-1"]
    assert set(record["links"][0]) == {
        "role",
        "qb_id",
        "edit_sequence",
        "full_name",
        "qb_time_modified",
        "last_synced_at",
        "content_hash",
    }
    links = base.removesuffix("/records") + "/links"
    seen: list[str] = []
    cursor = None
    while True:
        query: dict[str, Any] = {"limit": 3, "kind": "customer"}
        if cursor:
            query["after"] = cursor
        page = api.get(links, role="staff", **query).json
        seen += [item["id"] for item in page["items"]]
        assert all(item["kind"] == "customer" for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"c{n}" for n in range(7)]
    assert api.get(links, kind="vendor").json == {"items": [], "next_cursor": None}
    for bad in ("nonsense!", "W10", "eyJhIjogMX0"):
        assert fields_of(api.get(links, after=bad)) == ["after"]
