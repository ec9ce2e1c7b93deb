"""The .qwc file: every value escaped, the elements the Web Connector needs, URL rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from qbwc_server.config import Settings
from qbwc_server.errors import UsageError
from qbwc_server.qwc import check_url, render_qwc
from qbxml.xmlparse import parse_xml
from request_queue.rows import CompanyRow
from tests.conftest import SHARED

COMPANY = CompanyRow(
    id=7,
    name='Smith & Sons <"Roofing">',
    qbwc_username="smith&sons",
    password_hash="x",
    enabled=True,
    settings={},
    owner_id="{5D1A7C1E-7B0F-4A53-9D0C-2F4BB1E0C9A1}",
    file_id="{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}",
    company_file=None,
    host_info=None,
    qbxml_version=None,
    last_session_at=None,
    last_session_result=None,
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)
SETTINGS = Settings(public_url="https://sync.example.com/qbwc")
REQUIRED = (
    "AppName",
    "AppID",
    "AppURL",
    "AppDescription",
    "AppSupport",
    "UserName",
    "OwnerID",
    "FileID",
    "QBType",
)


def test_qwc_has_every_element_and_escapes_values() -> None:
    text = render_qwc(COMPANY, SETTINGS)
    root = parse_xml(text)
    assert root.tag == "QBWCXML"
    values = {child.tag: (child.text or "") for child in root}
    for tag in (
        *REQUIRED,
        "AppDisplayName",
        "AppUniqueName",
        "Scheduler",
        "IsReadOnly",
        "PersonalDataPref",
        "UnattendedModePref",
    ):
        assert tag in values, tag
    assert values["AppURL"] == "https://sync.example.com/qbwc"
    assert values["AppSupport"] == "https://sync.example.com/qbwc/support"
    assert values["UserName"] == "smith&sons"
    assert 'Smith & Sons <"Roofing">' in values["AppName"]
    assert values["OwnerID"] == COMPANY.owner_id and values["FileID"] == COMPANY.file_id
    assert values["QBType"] == "QBFS"
    assert len(values["AppDescription"]) <= 80
    assert root.findtext("Scheduler/RunEveryNMinutes") == "15"
    assert "&amp;" in text and "&lt;" in text


def test_qwc_is_stable_for_a_company() -> None:
    assert render_qwc(COMPANY, SETTINGS) == render_qwc(COMPANY, SETTINGS)


def test_qwc_has_the_elements_of_intuits_own_files() -> None:
    sample = SHARED / "samples" / "qwc" / "intuit-proguide-listing-4-1.qwc"
    if not sample.is_file():
        pytest.skip(f"Intuit's sample .qwc is not at {sample}")
    theirs = {child.tag for child in parse_xml(sample.read_bytes())}
    ours = {child.tag for child in parse_xml(render_qwc(COMPANY, SETTINGS))}
    assert theirs <= ours


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://sync.example.com/qbwc", True),
        ("http://localhost:8000/qbwc", True),
        ("http://127.0.0.1:8000/qbwc", True),
        ("http://sync.example.com/qbwc", False),
        ("ftp://sync.example.com/qbwc", False),
        ("sync.example.com/qbwc", False),
    ],
)
def test_urls_the_web_connector_would_refuse_are_refused(url: str, ok: bool) -> None:
    if ok:
        check_url(url, "AppURL")
    else:
        with pytest.raises(UsageError):
            check_url(url, "AppURL")


def test_minutes_are_checked() -> None:
    with pytest.raises(UsageError):
        render_qwc(COMPANY, SETTINGS, run_every_minutes=0)
    assert "<RunEveryNMinutes>60<" in render_qwc(replace(COMPANY), SETTINGS, run_every_minutes=60)
