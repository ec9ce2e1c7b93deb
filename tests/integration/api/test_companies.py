"""Companies over the API: create, list, show, change; roles; the .qwc download."""

from __future__ import annotations

from tests.integration.api.conftest import PASSWORD, Api, error_of, fields_of

BASE = "/api/v1/companies"


def test_create_then_list_and_show(api: Api) -> None:
    created = api.company(settings={"uppercase": True})
    assert set(created) == {
        "id",
        "name",
        "qbwc_username",
        "enabled",
        "settings",
        "company_file",
        "qbxml_version",
        "quickbooks",
        "last_session_at",
        "last_session_result",
    }
    assert created["enabled"] is True and created["settings"]["uppercase"] is True
    assert created["settings"]["invoice_export"] is True  # every setting, defaults filled in
    assert created["quickbooks"] is None and created["last_session_at"] is None
    cid = created["id"]
    listed = api.get(BASE, role="staff")
    assert listed.status_code == 200 and listed.json["items"] == [created]
    for key in (cid, "ridgeline"):
        shown = api.get(f"{BASE}/{key}", role="staff")
        assert shown.status_code == 200 and shown.json == created
    assert "password" not in api.get(f"{BASE}/{cid}").get_data(as_text=True)


def test_create_errors(api: Api) -> None:
    api.company()
    again = {"name": "X", "qbwc_username": "ridgeline", "qbwc_password": PASSWORD}
    assert "already in use" in error_of(api.post(BASE, again), 409, "conflict")["message"]
    bad = api.post(BASE, {"name": "", "qbwc_password": "short", "colour": "red"})
    assert sorted(fields_of(bad)) == ["colour", "name", "qbwc_password", "qbwc_username"]
    bad = api.post(BASE, {**again, "qbwc_username": "other", "settings": {"sync_type": "x"}})
    assert fields_of(bad) == ["settings.sync_type"]
    assert len(api.get(BASE).json["items"]) == 1


def test_patch_changes_settings_and_pauses(api: Api) -> None:
    cid = api.company()["id"]
    body = {"enabled": False, "settings": {"sync_contracts_after": "2025-01-01"}}
    changed = api.patch(f"{BASE}/{cid}", body)
    assert changed.status_code == 200
    assert changed.json["enabled"] is False
    assert changed.json["settings"]["sync_contracts_after"] == "2025-01-01"
    assert api.get(f"{BASE}/{cid}").json == changed.json


def test_a_bad_setting_is_named_and_changes_nothing(api: Api) -> None:
    before = api.company()
    path = f"{BASE}/{before['id']}"
    body = {"name": "New", "settings": {"uppercase": True, "customer_name_format": "{nope}"}}
    assert fields_of(api.patch(path, body)) == ["settings.customer_name_format"]
    assert fields_of(api.patch(path, {"settings": {"colour": "red"}})) == ["settings.colour"]
    assert fields_of(api.patch(path, {"enabled": None})) == ["enabled"]
    assert api.get(path).json == before


def test_unknown_company(api: Api) -> None:
    for key in ("99", "nobody", "99999999999999999999999", "9" * 5000, "²"):
        assert error_of(api.get(f"{BASE}/{key}"), 404, "not_found")["message"]
    error_of(api.patch(f"{BASE}/99", {"enabled": False}), 404, "not_found")


def test_staff_may_not_create_or_change_companies_or_download_the_qwc(api: Api) -> None:
    cid = api.company()["id"]
    body = {"name": "X", "qbwc_username": "x", "qbwc_password": PASSWORD}
    error_of(api.post(BASE, body, role="staff"), 403, "forbidden")
    error_of(api.patch(f"{BASE}/{cid}", {"enabled": False}, role="staff"), 403, "forbidden")
    error_of(api.get(f"{BASE}/{cid}/qwc", role="staff"), 403, "forbidden")
    assert len(api.get(BASE).json["items"]) == 1
    assert api.get(f"{BASE}/{cid}").json["enabled"] is True


def test_the_qwc_download(api: Api) -> None:
    cid = api.company()["id"]
    response = api.get(f"{BASE}/{cid}/qwc")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert 'filename="ridgeline.qwc"' in response.headers["Content-Disposition"]
    assert b"<UserName>ridgeline</UserName>" in response.data
    error_of(api.get(f"{BASE}/99/qwc"), 404, "not_found")


def test_tokens_routes_and_methods(api: Api) -> None:
    error_of(api.get(BASE, token=""), 401, "unauthorized")
    error = error_of(api.get(BASE, token="not-a-token"), 401, "unauthorized")
    assert "not-a-token" not in error["message"]
    assert api.get(BASE, token="").headers["WWW-Authenticate"].startswith("Bearer")
    error_of(api.get("/api/v1/nothing"), 404, "not_found")
    error_of(api.get(f"{BASE}/1/records"), 404, "not_found")
    error = error_of(api.call("DELETE", f"{BASE}/1"), 405, "method_not_allowed")
    assert error["details"]["allowed"] == ["GET", "HEAD", "PATCH"]
    error = error_of(api.call("PUT", BASE, {}), 405, "method_not_allowed")
    assert error["details"]["allowed"] == ["GET", "HEAD", "POST"]


def test_a_revoked_token_is_refused(api: Api) -> None:
    from qbwc_server.secrets import ticket_hash
    from request_queue.models import ApiToken

    with api.store.db.transaction() as session:
        row = session.query(ApiToken).filter_by(token_hash=ticket_hash(api.staff)).one()
        row.revoked = True
    error_of(api.get(BASE, role="staff"), 401, "unauthorized")
