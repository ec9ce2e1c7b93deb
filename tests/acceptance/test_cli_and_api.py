"""The command line and the HTTP API against a live server: .qwc download, errors, simulate."""

from __future__ import annotations

import http.client
import json
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.live import BIN, LiveServer, live_server

PASSWORD = "s3cret-web-connector"


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(database_url, tmp_path, workers=2) as live:
        live.qbwc(
            "company",
            "create",
            "--name",
            "Ridgeline & Sons",
            "--username",
            "ridgeline",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        yield live


def _get(url: str, token: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_the_qwc_from_the_api_needs_an_admin_token(server: LiveServer) -> None:
    admin = server.qbwc("token", "create", "--name", "ops", "--role", "admin").strip()
    staff = server.qbwc("token", "create", "--name", "app", "--role", "staff").strip()
    url = f"{server.base_url}/api/v1/companies/1/qwc"
    status, headers, body = _get(url, admin)
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    assert 'filename="ridgeline.qwc"' in headers["Content-Disposition"]
    assert body.decode() == server.qbwc("qwc", "ridgeline")
    assert b"Ridgeline &amp; Sons" in body
    for token, expected in ((staff, 403), (None, 401), ("not-a-token", 401)):
        status, _, body = _get(url, token)
        assert status == expected
        error = json.loads(body)["error"]
        assert set(error) == {"code", "message", "details"}
    status, _, body = _get(f"{server.base_url}/api/v1/companies/99/qwc", admin)
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"
    assert _get(f"{server.base_url}/healthz")[0] == 200
    assert admin not in server.server_log()


def test_cli_errors_are_one_clear_line_and_non_zero(server: LiveServer) -> None:
    cases = [
        (["qwc", "nobody"], "no company with id or user name 'nobody'"),
        (["import", "ridgeline", "widgets"], "unknown import kind 'widgets'"),
        (
            [
                "company",
                "create",
                "--name",
                "X",
                "--username",
                "ridgeline",
                "--password",
                "long-enough",
            ],
            "already in use",
        ),
        (
            ["company", "create", "--name", "X", "--username", "y", "--password", "short"],
            "at least 8 characters",
        ),
    ]
    for args, message in cases:
        result = subprocess.run(
            [str(BIN / "qbwc"), *args], env=server.env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode != 0, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], (args, result.stderr)
    env = {**server.env, "QBWC_WORKERS": "many"}
    result = subprocess.run(
        [str(BIN / "qbwc"), "company", "list"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "QBWC_WORKERS must be a whole number" in result.stderr


def test_company_list_and_show(server: LiveServer) -> None:
    assert "ridgeline" in server.qbwc("company", "list")
    shown = json.loads(server.qbwc("company", "show", "1", "--json"))
    assert shown["qbwc_username"] == "ridgeline" and shown["enabled"] is True
    assert shown["owner_id"].startswith("{") and shown["file_id"].startswith("{")
    assert "password" not in json.dumps(shown).replace("password_hash_iterations", "")


def test_qbwc_simulate_exit_codes(server: LiveServer) -> None:
    server.qbwc("import", "ridgeline", "accounts")
    ok = subprocess.run(
        [
            str(BIN / "qbwc"),
            "simulate",
            "--url",
            server.soap_url,
            "--username",
            "ridgeline",
            "--password",
            PASSWORD,
        ],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Synced 1, 0 failed" in ok.stdout and "100% done" in ok.stdout
    bad = subprocess.run(
        [
            str(BIN / "qbwc"),
            "simulate",
            "--url",
            server.soap_url,
            "--username",
            "ridgeline",
            "--password",
            "wrong-password",
        ],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1 and "invalid_user" in bad.stdout


def test_a_big_answer_passes_through_gunicorn(server: LiveServer) -> None:
    """A 24 MB receiveResponseXML (one text node over 10 MB) is read, not refused."""
    big = "&lt;QBXML&gt;" + "x" * (24 * 1024 * 1024) + "&lt;/QBXML&gt;"
    body = (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        '<receiveResponseXML xmlns="http://developer.intuit.com/"><ticket>unknown</ticket>'
        f"<response>{big}</response><hresult /><message /></receiveResponseXML>"
        "</soap:Body></soap:Envelope>"
    ).encode()
    parts = urlsplit(server.soap_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=120)
    conn.request(
        "POST",
        parts.path,
        body,
        {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": '"http://developer.intuit.com/receiveResponseXML"',
        },
    )
    response = conn.getresponse()
    data = response.read()
    conn.close()
    assert response.status == 200, data[:500]
    assert b"<tns:receiveResponseXMLResult>-1</tns:receiveResponseXMLResult>" in data
