"""Request bodies are read safely: JSON only, bounded, UTF-8, strict, shallow, objects."""

from __future__ import annotations

import logging

import pytest

from tests.integration.api.conftest import Api, Reply, error_of, fields_of

PATH = "/api/v1/companies"


def _send(api: Api, data: bytes, content_type: str = "application/json") -> Reply:
    response = api.client.post(
        PATH,
        data=data,
        headers={"Authorization": f"Bearer {api.admin}", "Content-Type": content_type},
    )
    assert isinstance(response, Reply)
    return response


def _nothing_created(api: Api) -> None:
    assert api.get(PATH).json["items"] == []


def test_the_content_type_must_be_json(api: Api) -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded", ""):
        error_of(_send(api, b"{}", content_type), 415, "unsupported_media_type")
    error_of(_send(api, b"{}", "application/json; charset=latin-1"), 415, "unsupported_media_type")
    response = _send(api, b'{"name": 1}', "application/json; charset=UTF-8")
    assert "name" in fields_of(response)
    _nothing_created(api)


def test_malformed_json(api: Api) -> None:
    for data in (b"", b"{", b'{"a": }', b"{'a': 1}", b'{"a": 1} x', b"\xef\xbb\xbf{}"):
        error = error_of(_send(api, data), 400, "invalid_json")
        assert "not valid JSON" in error["message"], data
    _nothing_created(api)


def test_bad_utf8(api: Api) -> None:
    error = error_of(_send(api, b'{"name": "caf\xe9"}'), 400, "invalid_json")
    assert "UTF-8" in error["message"]


def test_nan_infinity_huge_numbers_and_repeated_keys(api: Api) -> None:
    cases = {
        b'{"a": NaN}': "NaN",
        b'{"a": Infinity}': "Infinity",
        b'{"a": -Infinity}': "-Infinity",
        b'{"a": 1e999}': "too large",
        b'{"a": ' + b"9" * 5000 + b"}": "not acceptable JSON",
        b'{"a": 1, "a": 2}': "appears twice",
    }
    for data, words in cases.items():
        assert words in error_of(_send(api, data), 400, "invalid_json")["message"], data


def test_deep_nesting(api: Api) -> None:
    ok = b'{"a": ' + b"[" * 31 + b"]" * 31 + b"}"
    assert "a" in fields_of(_send(api, ok))  # 32 levels: parsed, then refused by the model
    for depth in (33, 5000, 100_000):
        data = b'{"a": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"
        error = error_of(_send(api, data), 400, "invalid_json")
        assert "32 levels" in error["message"]


def test_oversize(api: Api) -> None:
    big = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    error_of(_send(api, big), 413, "too_large")
    _nothing_created(api)


def test_the_body_must_be_an_object(api: Api) -> None:
    for data in (b"[]", b'"x"', b"1", b"null", b"true"):
        response = _send(api, data)
        assert fields_of(response) == ["body"], data
    assert fields_of(api.put(f"{PATH}/1/records/customer/c1", [])) == ["body"]
    assert fields_of(api.post(f"{PATH}/1/sync-jobs", ["p1"])) == ["body"]


def test_a_server_failure_is_a_json_500_logged_without_the_body(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def fail(payload: object) -> None:
        raise RuntimeError("the database is on fire")

    monkeypatch.setattr(api.client.application.api.ops.companies, "create_new", fail)  # type: ignore[attr-defined]
    with caplog.at_level(logging.ERROR, logger="qbwc_server.api"):
        response = _send(api, b'{"qbwc_password": "secret-body-value"}')
    error = error_of(response, 500, "internal")
    assert "fire" not in error["message"]
    assert "POST /api/v1/companies" in caplog.text and "secret-body-value" not in caplog.text
