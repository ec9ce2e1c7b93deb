"""A zeep client built from Intuit's own WSDLs runs whole sessions against ``qbwc serve``
(gunicorn, 2 workers) on SQLite and PostgreSQL."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import SHARED
from tests.support import canned
from tests.support.live import LiveServer, live_server

WSDL = SHARED / "reference" / "wsdl"
PASSWORD = "s3cret-web-connector"


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(database_url, tmp_path, workers=2) as live:
        live.qbwc(
            "company",
            "create",
            "--name",
            "Ridgeline Remodeling",
            "--username",
            "ridgeline",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        yield live


def _zeep_service(wsdl_file: str, binding: str, url: str):  # type: ignore[no-untyped-def]
    zeep = pytest.importorskip("zeep")
    path = WSDL / wsdl_file
    if not path.is_file():
        pytest.skip(f"Intuit's WSDL is not at {path}")
    client = zeep.Client(str(path))
    return client.create_service(f"{{http://developer.intuit.com/}}{binding}", url)


def _request_ids(qbxml: str) -> list[str]:
    root = etree.fromstring(qbxml.split("?>", 2)[-1].encode())
    return [el.get("requestID") for el in root.find("QBXMLMsgsRq")]


def test_zeep_from_intuits_wsdl_imports_accounts(server: LiveServer) -> None:
    server.qbwc("import", "ridgeline", "accounts")
    hosted = _zeep_service(
        "TroubleshootWebServiceFS.intuit-hosted.wsdl",
        "TroubleshootWebServiceFSSoap",
        server.soap_url,
    )
    original = _zeep_service(
        "QBWebConnectorSvc.intuit-original.wsdl", "QBWebConnectorSvcSoap", server.soap_url
    )
    assert hosted.serverVersion().startswith("qbwc-server")
    assert hosted.clientVersion("2.3.0.215") in ("", None)
    auth = original.authenticate("ridgeline", PASSWORD)
    ticket, company_file = auth[0], auth[1]
    assert company_file in ("", None)
    qbxml = original.sendRequestXML(ticket, canned.hcp(), r"C:\QB\Ridgeline.QBW", "US", 13, 0)
    (qb_id,) = _request_ids(qbxml)
    assert original.receiveResponseXML(ticket, canned.account_query_rs(qb_id), "", "") == 100
    assert original.closeConnection(ticket) == "Synced 1, 0 failed"
    shown = server.qbwc("company", "show", "ridgeline")
    assert r"C:\QB\Ridgeline.QBW" in shown and "13.0" in shown
    assert "Imported accounts" in server.qbwc("log", "ridgeline")
    assert PASSWORD not in server.server_log() and ticket not in server.server_log()


def test_zeep_sees_nvu_none_and_the_qwc(server: LiveServer) -> None:
    original = _zeep_service(
        "QBWebConnectorSvc.intuit-original.wsdl", "QBWebConnectorSvcSoap", server.soap_url
    )
    assert original.authenticate("ridgeline", "wrong")[1] == "nvu"
    ticket, answer = original.authenticate("ridgeline", PASSWORD)[:2]
    assert answer == "none"
    assert original.closeConnection(ticket) == "Nothing to sync."
    qwc = server.qbwc("qwc", "ridgeline")
    assert f"<AppURL>{server.soap_url}</AppURL>" in qwc
    with urllib.request.urlopen(server.soap_url + "/support") as page:
        assert page.status == 200
    with urllib.request.urlopen(server.soap_url + "?wsdl") as wsdl:
        assert server.soap_url.encode() in wsdl.read()
