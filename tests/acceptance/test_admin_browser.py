"""The admin pages in a real headless Chromium (selenium) against a live ``qbwc serve``: sign
in, change a setting, download the .qwc, press Sync Job, run a simulated Web Connector
session, then see the queue done and the project's log.

Uses Debian's chromium and chromium-driver (``.ci/run`` installs them). Under CI=true the
test must run; elsewhere it skips, saying why, when either is missing.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from qbwc_server.simulator.quickbooks import FakeQuickBooks
from qbwc_server.simulator.webconnector import WebConnector
from tests.support.live import LiveServer, live_server

pytestmark = pytest.mark.slow

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
PASSWORD = "s3cret-web-connector"
ADMIN_PASSWORD = "correct horse battery"
WAIT = 30.0
RECORDS = [
    {"kind": "customer", "id": "C-100", "data": {"first_name": "Dana", "last_name": "Whitfield"}},
    {
        "kind": "project",
        "id": "P-1001",
        "data": {
            "number": "1001",
            "customer_id": "C-100",
            "address": {"line1": "48 Alder Lane", "city": "Bend", "state": "OR"},
        },
    },
]


def _need_chromium() -> None:
    """Skip (fail under CI=true) when the browser, its driver or selenium is missing."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if not missing:
        return
    why = f"{', '.join(missing)} missing (apt-get install chromium chromium-driver)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {why}: the browser test must run in CI")
    pytest.skip(why)


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    path = tmp_path / "downloads"
    path.mkdir()
    return path


@pytest.fixture
def driver(tmp_path: Path, downloads: Path) -> Iterator[Any]:
    _need_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    service = Service(
        executable_path=str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log")
    )
    browser = webdriver.Chrome(service=service, options=options)
    try:
        browser.execute_cdp_cmd(
            "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(database_url, tmp_path, workers=2) as live:
        live.qbwc(
            "company",
            "create",
            "--name",
            "Demo Contracting",
            "--username",
            "demo",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        live.qbwc("admin", "create", "--username", "boss", "--password-stdin", stdin=ADMIN_PASSWORD)
        records = tmp_path / "records.json"
        records.write_text(json.dumps(RECORDS))
        live.qbwc("put", "demo", "--file", str(records))
        yield live


def _wait_for(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def _click(driver: Any, css: str) -> None:
    """Click ``css`` and wait for the page it leads to."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    element = _wait_for(driver, css)
    element.click()

    def gone(_driver: Any) -> bool:
        # While the old page is torn down, chromedriver may answer "stale element" or, a
        # moment earlier, "Node ... does not belong to the document": both mean it left.
        try:
            return bool(ec.staleness_of(element)(_driver))
        except WebDriverException:
            return True

    WebDriverWait(driver, WAIT).until(gone)


def _downloaded(folder: Path) -> Path:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if not p.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing was downloaded into {folder}")


def test_admin_signs_in_configures_syncs_and_reads_the_log(
    driver: Any, server: LiveServer, downloads: Path
) -> None:
    from selenium.webdriver.common.by import By

    # Sign in: any page leads to the sign-in form, and back to that page afterwards.
    driver.get(server.base_url + "/admin/")
    _wait_for(driver, "#username").send_keys("boss")
    driver.find_element(By.ID, "password").send_keys(ADMIN_PASSWORD)
    _click(driver, "#signin")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Companies"
    assert "Signed in as boss" in driver.page_source
    _click(driver, "table a")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Demo Contracting")

    # Change a setting: a bad value is refused beside its field, then a good one is saved.
    field = driver.find_element(By.ID, "customer_name_format")
    field.clear()
    field.send_keys("{nickname}")
    _click(driver, "#save-settings")
    error = driver.find_element(By.ID, "error-customer_name_format").text
    assert "unknown placeholder" in error
    field = driver.find_element(By.ID, "customer_name_format")
    field.clear()
    field.send_keys("{first_name} {last_name}")
    _click(driver, "#save-settings")
    assert driver.find_element(By.ID, "notice").text == "Settings saved."
    saved = json.loads(server.qbwc("company", "show", "demo", "--json"))["settings"]
    assert saved["customer_name_format"] == "{first_name} {last_name}"

    # Download the .qwc and check it is this company's.
    driver.find_element(By.ID, "download-qwc").click()
    qwc = _downloaded(downloads)
    assert qwc.name == "demo.qwc"
    root = etree.fromstring(qwc.read_bytes())
    assert root.findtext("AppURL") == server.soap_url
    assert root.findtext("UserName") == "demo"

    # Sync Job for the project, then one simulated Web Connector session.
    _click(driver, "nav.tabs a[href$='/projects']")
    row = driver.find_element(By.CSS_SELECTOR, "tr[data-project='P-1001']")
    assert "Not in QuickBooks yet" in row.text
    _click(driver, "tr[data-project='P-1001'] button.sync-job")
    notice = driver.find_element(By.ID, "notice").text
    assert notice.startswith("Sync Job for project P-1001: 4 request(s) queued")
    session = WebConnector(
        server.soap_url, "demo", PASSWORD, FakeQuickBooks(), sleep=lambda _s: None
    ).run_session()
    assert session.outcome == "completed", session

    # The queue is done, the project is linked under the new name, and its log says so.
    _click(driver, "nav.tabs a[href$='/queue']")
    states = [
        r.get_attribute("data-state") for r in driver.find_elements(By.CSS_SELECTOR, "#queue tr")
    ]
    assert states[1:] == ["done"] * 4  # the first row is the heading
    _click(driver, "nav.tabs a[href$='/projects']")
    row = driver.find_element(By.CSS_SELECTOR, "tr[data-project='P-1001'] td.link-state")
    assert row.text.startswith("Linked as Dana Whitfield:1001 - 48 Alder Lane")
    _click(driver, "tr[data-project='P-1001'] a")
    assert driver.find_element(By.TAG_NAME, "h2").text == "Log of project P-1001"
    log = driver.find_element(By.ID, "log").text
    assert "Added to QuickBooks as Customer:Job" in log
    assert "project created in qbwc-server" in log
