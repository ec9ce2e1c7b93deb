"""Sync Jobs, single syncs and imports over the API; the queue, retry, cancel; the log."""

from __future__ import annotations

from typing import Any

from tests.integration.api.conftest import Api, error_of, fields_of

REQUEST_KEYS = {
    "id",
    "entity",
    "action",
    "record_kind",
    "record_id",
    "state",
    "attempts",
    "error",
    "status_code",
    "created_at",
    "updated_at",
}


def _company(api: Api, **settings: Any) -> str:
    base = f"/api/v1/companies/{api.company(settings=settings)['id']}"
    customer = {"first_name": "Ada", "last_name": "Lovelace"}
    assert api.put(f"{base}/records/customer/c1", customer).status_code == 201
    project = {"number": "1001", "customer_id": "c1", "contract_date": "2024-06-01"}
    assert api.put(f"{base}/records/project/p1", project).status_code == 201
    return base


def test_a_sync_job_queues_the_customer_and_the_job_once(api: Api) -> None:
    base = _company(api)
    first = api.post(f"{base}/sync-jobs", {"project_id": "p1"}, role="staff")
    assert first.status_code == 202
    plan = first.json
    assert set(plan) == {"queued", "reused", "unchanged", "skipped"}
    assert all(set(r) == REQUEST_KEYS for r in plan["queued"])
    assert {(r["entity"], r["action"]) for r in plan["queued"]} == {
        ("customer", "lookup"),
        ("job", "lookup"),
        ("customer", "export"),
        ("job", "export"),
    }
    assert all(r["state"] == "queued" for r in plan["queued"])
    second = api.post(f"{base}/sync-jobs", {"project_id": "p1"}).json
    assert second["queued"] == []
    exports = [r["id"] for r in plan["queued"] if r["action"] == "export"]
    assert sorted(second["reused"]) == sorted(exports)
    assert len(api.get(f"{base}/requests").json["items"]) == 4


def test_a_project_contracted_too_early_is_refused_saying_why(api: Api) -> None:
    base = _company(api, sync_contracts_after="2025-01-01")
    error = error_of(api.post(f"{base}/sync-jobs", {"project_id": "p1"}), 409, "refused")
    assert "contract date 2024-06-01" in error["message"]
    assert "sync_contracts_after (2025-01-01)" in error["message"]
    error_of(api.post(f"{base}/syncs", {"kind": "project", "id": "p1"}), 409, "refused")
    assert api.get(f"{base}/requests").json["items"] == []


def test_sync_job_errors(api: Api) -> None:
    base = _company(api)
    path = f"{base}/sync-jobs"
    assert "'p9'" in error_of(api.post(path, {"project_id": "p9"}), 404, "not_found")["message"]
    assert fields_of(api.post(path, {})) == ["project_id"]
    assert fields_of(api.post(path, {"project_id": 1})) == ["project_id"]
    assert sorted(fields_of(api.post(path, {"project": "p1"}))) == ["project", "project_id"]
    error_of(api.post("/api/v1/companies/99/sync-jobs", {"project_id": "p1"}), 404, "not_found")


def test_sync_one_record(api: Api) -> None:
    base = _company(api)
    response = api.post(f"{base}/syncs", {"kind": "customer", "id": "c1"}, role="staff")
    assert response.status_code == 202
    assert [(r["entity"], r["action"]) for r in response.json["queued"]] == [
        ("customer", "lookup"),
        ("customer", "export"),
    ]
    assert fields_of(api.post(f"{base}/syncs", {"kind": "widget", "id": "w1"})) == ["kind"]
    assert fields_of(api.post(f"{base}/syncs", {"kind": "customer"})) == ["id"]
    error_of(api.post(f"{base}/syncs", {"kind": "customer", "id": "c9"}), 404, "not_found")


def test_imports(api: Api) -> None:
    base = _company(api)
    response = api.post(f"{base}/imports", {"kind": "accounts"}, role="staff")
    assert response.status_code == 202
    [queued] = response.json["queued"]
    assert set(queued) == REQUEST_KEYS and queued["state"] == "queued"
    assert fields_of(api.post(f"{base}/imports", {"kind": "widgets"})) == ["kind"]
    assert fields_of(api.post(f"{base}/imports", {"kind": "accounts", "x": 1})) == ["x"]


def test_the_queue_pages_newest_first_and_filters(api: Api) -> None:
    base = _company(api)
    for _ in range(5):
        api.post(f"{base}/imports", {"kind": "accounts"})
    seen: list[int] = []
    query: dict[str, Any] = {"limit": 2}
    while True:
        page = api.get(f"{base}/requests", role="staff", **query).json
        seen += [r["id"] for r in page["items"]]
        if page["next_cursor"] is None:
            break
        query["before"] = page["next_cursor"]
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)
    first = seen[-1]
    api.post(f"{base}/requests/{first}/cancel")
    cancelled = api.get(f"{base}/requests", status="cancelled").json["items"]
    assert [r["id"] for r in cancelled] == [first]
    error = error_of(api.get(f"{base}/requests", status="lost"), 400, "usage_error")
    assert "'lost'" in error["message"]
    for bad in ("0", "x", "-3", "9" * 30):
        assert fields_of(api.get(f"{base}/requests", before=bad)) == ["before"]
    assert fields_of(api.get(f"{base}/requests", state="queued")) == ["state"]


def test_retry_and_cancel(api: Api) -> None:
    base = _company(api)
    rid = api.post(f"{base}/imports", {"kind": "accounts"}).json["queued"][0]["id"]
    error = error_of(api.post(f"{base}/requests/{rid}/retry"), 409, "refused")
    assert "only failed or cancelled" in error["message"]
    cancelled = api.post(f"{base}/requests/{rid}/cancel", role="staff")
    assert cancelled.status_code == 200 and cancelled.json["state"] == "cancelled"
    error_of(api.post(f"{base}/requests/{rid}/cancel"), 409, "refused")
    retried = api.post(f"{base}/requests/{rid}/retry", role="staff")
    assert retried.status_code == 200 and retried.json["state"] == "queued"
    assert retried.json["attempts"] == 0 and retried.json["error"] is None
    for missing in (rid + 100, 2**70):
        error_of(api.post(f"{base}/requests/{missing}/retry"), 404, "not_found")
    error_of(api.post(f"{base}/requests/abc/retry"), 404, "not_found")
    other = f"/api/v1/companies/{api.company('other')['id']}"
    error_of(api.post(f"{other}/requests/{rid}/cancel"), 404, "not_found")
    error_of(api.get(f"{base}/requests/{rid}/retry"), 405, "method_not_allowed")


def test_the_log_newest_first_by_record(api: Api) -> None:
    base = _company(api)
    api.put(f"{base}/records/customer/c1", {"first_name": "Ada", "last_name": "King"})
    entries = api.get(f"{base}/log", role="staff").json["items"]
    assert [e["event"] for e in entries] == [
        "record_saved",
        "record_saved",
        "record_saved",
        "company_created",
    ]
    assert entries[0]["id"] > entries[-1]["id"] and entries[0]["at"]
    mine = api.get(f"{base}/log", kind="customer", id="c1").json
    assert [e["message"] for e in mine["items"]] == [
        "customer changed in qbwc-server",
        "customer created in qbwc-server",
    ]
    first = api.get(f"{base}/log", limit=3).json
    rest = api.get(f"{base}/log", limit=3, before=first["next_cursor"]).json
    assert [e["id"] for e in first["items"] + rest["items"]] == [e["id"] for e in entries]
    assert rest["next_cursor"] is None
    assert fields_of(api.get(f"{base}/log", record_id="c1")) == ["record_id"]
