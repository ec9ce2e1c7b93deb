"""The OpenAPI document covers every route (and only routes that exist); scoped tokens;
errors of unknown paths and methods; query parameters the document does not name."""

from __future__ import annotations

import json
import re
from typing import Any

from werkzeug.routing import Map, Rule

from qbwc_server.api import PUBLIC, ROUTES
from qbwc_server.api.openapi import OPERATIONS, build
from qbwc_server.secrets import ticket_hash
from tests.integration.api.conftest import PASSWORD, Api, error_of, fields_of

METHODS = ("get", "put", "post", "patch", "delete")


def _map() -> Map:
    return Map(
        [Rule(path, endpoint=(path, method), methods=[method]) for path, method, _ in ROUTES],
        merge_slashes=False,
    )


def _example(template: str, operation: dict[str, Any]) -> str:
    """A concrete path for a document path: each parameter filled with a value it allows."""
    values = {}
    for param in operation.get("parameters", []):
        if param["in"] == "path":
            schema = param["schema"]
            kind = schema.get("enum", [None])[0]
            values[param["name"]] = kind or ("7" if schema["type"] == "integer" else "x-1")
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def test_every_route_is_in_the_document_and_every_operation_is_a_route() -> None:
    document = build(ROUTES)
    adapter = _map().bind("localhost")
    served: set[tuple[str, str]] = set()
    for template, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                # raises NotFound / MethodNotAllowed for an operation no route serves
                rule, _ = adapter.match(_example(template, item[method]), method.upper())
                served.add(rule)
    routes = {(path, method) for path, method, _ in ROUTES}
    assert routes - served == set(), "routes missing from the OpenAPI document"
    assert served <= routes
    undocumented = [h.__qualname__ for _, _, h in ROUTES if h not in {*OPERATIONS, *PUBLIC}]
    assert undocumented == [], "add these handlers to OPERATIONS in qbwc_server/api/openapi.py"


def test_the_document_is_openapi_3_1_with_the_models_that_validate() -> None:
    document = build(ROUTES)
    assert document["openapi"] == "3.1.0"
    schemas = document["components"]["schemas"]
    assert set(schemas["CompanyCreate"]["required"]) >= {"name", "qbwc_username"}
    put = document["paths"]["/api/v1/companies/{cid}/records/invoice/{rid}"]["put"]
    body = put["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Invoice"}
    assert schemas["Invoice"]["properties"]["lines"]["minItems"] == 1
    # a partial update's optional key may not be null: the document must not offer null
    assert schemas["CompanyPatch"]["properties"]["enabled"] == {
        "title": "Enabled",
        "type": "boolean",
    }
    # every $ref points at a schema or a response that exists
    text = json.dumps(document)
    for ref in set(re.findall(r'"\$ref": "#/components/(\w+)/([\w-]+)"', text)):
        assert ref[1] in document["components"][ref[0]], ref


def test_the_document_is_served_without_a_token(api: Api) -> None:
    response = api.client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert json.loads(response.get_data(as_text=True)) == json.loads(json.dumps(build(ROUTES)))


def test_unknown_paths_and_methods_answer_in_the_error_shape(api: Api) -> None:
    error_of(api.get("/api/v1/nothing-here"), 404, "not_found")
    response = api.call("DELETE", "/api/v1/companies")
    error = error_of(response, 405, "method_not_allowed")
    assert error["details"]["allowed"] == ["GET", "HEAD", "POST"]
    assert response.headers["Allow"] == "GET, HEAD, POST"


def test_a_query_parameter_the_document_does_not_name_is_refused(api: Api) -> None:
    cid = api.company()["id"]
    assert fields_of(api.get("/api/v1/companies", colour="red")) == ["colour"]
    assert fields_of(api.get(f"/api/v1/companies/{cid}", limit="5")) == ["limit"]
    assert fields_of(api.post(f"/api/v1/companies/{cid}/syncs", {}, dry="1")) == ["dry"]


def test_unknown_kinds_in_filters_are_refused(api: Api) -> None:
    base = f"/api/v1/companies/{api.company()['id']}"
    assert fields_of(api.get(f"{base}/log", kind="widget")) == ["kind"]
    assert fields_of(api.get(f"{base}/links", kind="widget")) == ["kind"]
    assert api.get(f"{base}/log", kind="customer").status_code == 200


def test_a_scoped_token_reaches_its_company_only(api: Api) -> None:
    mine = api.company("ridgeline")["id"]
    other = api.company("harbor")["id"]
    with api.store.transaction() as tx:
        tx.tokens.create(
            name="ridgeline app", role="admin", token_hash=ticket_hash("scoped"), company_id=mine
        )
    for key in (mine, "ridgeline"):
        assert api.get(f"/api/v1/companies/{key}", token="scoped").status_code == 200
    assert api.get(f"/api/v1/companies/{mine}/requests", token="scoped").status_code == 200
    for path in (f"/api/v1/companies/{other}", "/api/v1/companies/harbor", "/api/v1/companies/99"):
        assert (
            "only company" in error_of(api.get(path, token="scoped"), 403, "forbidden")["message"]
        )
    body = {"enabled": False}
    error_of(api.patch(f"/api/v1/companies/{other}", body, token="scoped"), 403, "forbidden")
    assert api.get(f"/api/v1/companies/{other}").json["enabled"] is True
    error = error_of(api.get("/api/v1/companies", token="scoped"), 403, "forbidden")
    assert "cannot list or create companies" in error["message"]
    new = {"name": "X", "qbwc_username": "x", "qbwc_password": PASSWORD}
    error_of(api.post("/api/v1/companies", new, token="scoped"), 403, "forbidden")
    assert len(api.get("/api/v1/companies").json["items"]) == 2


def test_a_revoked_token_stops_working(api: Api) -> None:
    with api.store.transaction() as tx:
        row = tx.tokens.create(name="gone", role="staff", token_hash=ticket_hash("gone"))
    assert api.get("/api/v1/companies", token="gone").status_code == 200
    with api.store.transaction() as tx:
        tx.tokens.revoke(row.id)
    error_of(api.get("/api/v1/companies", token="gone"), 401, "unauthorized")


def test_a_company_created_without_a_password_gets_one_answered_once(api: Api) -> None:
    created = api.post("/api/v1/companies", {"name": "Harbor", "qbwc_username": "harbor"})
    assert created.status_code == 201, created.get_data(as_text=True)
    password = created.json["qbwc_password"]
    assert len(password) >= 32
    shown = api.get("/api/v1/companies/harbor").json
    assert "qbwc_password" not in shown and password not in json.dumps(shown)
    given = api.company("ridgeline")  # a password of one's own is never answered
    assert "qbwc_password" not in given
