"""``qbwc import COMPANY bills --project P``, ``qbwc bill-candidates`` and ``qbwc bill-import``
in-process (the Web Connector session between them run by the harness)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from qbwc_server.cli import main
from qbwc_server.config import Settings
from tests.conftest import Clock
from tests.support.bills import project_with_quickbooks_bills
from tests.support.inprocess import Harness


@pytest.fixture
def harness(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    # The CLI queues on the wall clock: the harness runs on it too, so that work is due.
    h = project_with_quickbooks_bills(settings, Clock(datetime.now(UTC)))
    monkeypatch.setenv("QBWC_DATABASE_URL", settings.database_url)
    yield h
    h.close()


def _qbwc(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


def test_the_bill_candidate_commands(harness: Harness, capsys: pytest.CaptureFixture[str]) -> None:
    code, said = _qbwc("import", "ridgeline", "bills", "--project", "p1")
    assert code == 0 and said.startswith("Queued request ")
    assert said.rstrip().endswith(": import bills for project p1")
    harness.clock.now = datetime.now(UTC)
    assert harness.session().outcome == "completed"

    code, said = _qbwc("bill-candidates", "ridgeline", "p1")
    (qb_bill,) = harness.qb.find("Bill", RefNumber="BL-7781")
    (line,) = said.splitlines()
    assert code == 0 and line.split() == [
        qb_bill["TxnID"],
        qb_bill["TxnDate"],
        "Bayshore",
        "Lumber",
        "BL-7781",
        "375.00",
    ]
    code, said = _qbwc("bill-candidates", "ridgeline", "p1", "--json")
    assert [c["txn_id"] for c in json.loads(said)] == [qb_bill["TxnID"]]

    code, said = _qbwc("bill-import", "ridgeline", "p1", qb_bill["TxnID"])
    assert (code, said) == (0, f"bill qb-{qb_bill['TxnID']}: imported into project p1\n")
    code, said = _qbwc("bill-import", "ridgeline", "p1", qb_bill["TxnID"], "--json")  # again
    (bill,) = json.loads(said)["imported"]
    assert code == 0 and (bill["kind"], bill["record_id"]) == ("bill", f"qb-{qb_bill['TxnID']}")
    assert bill["data"]["project_id"] == "p1"
    code, said = _qbwc("bill-candidates", "ridgeline", "p1")
    assert said.startswith("No bill candidates for project p1")

    code, said = _qbwc("events", "ridgeline")
    assert code == 0
    assert said.splitlines()[-1].split()[3:6] == ["imported", "bill", f"qb-{qb_bill['TxnID']}"]
    capsys.readouterr()


def test_bad_bill_commands_are_one_line_and_non_zero(
    harness: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    for args, message in (
        (("import", "ridgeline", "accounts", "--project", "p1"), "only a bills import"),
        (("bill-candidates", "ridgeline", "p404"), "no project 'p404'"),
        (("bill-import", "ridgeline", "p1", "T-404"), "T-404"),
        (("events", "ridgeline", "--after", "-1"), "--after takes a seq of 0 or more"),
        (("events", "ridgeline", "--interval", "0"), "--interval takes a number"),
    ):
        code, said = _qbwc(*args)
        err = capsys.readouterr().err.splitlines()
        assert (code, said) == (2, ""), args
        assert len(err) == 1 and err[0].startswith("qbwc: error: ") and message in err[0], err
