"""The import watermark and how QuickBooks' values are compared with the app's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from qbwc_server.sync.imports._base import WATERMARK_MARGIN, Tally, watermark_after
from qbwc_server.sync.imports._values import changes, merged, same

PST = timezone(timedelta(hours=-8))
SERVER_NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def test_the_watermark_is_the_newest_change_seen_plus_a_second() -> None:
    newest = datetime(2026, 1, 5, 9, 0, 30, tzinfo=PST)
    assert watermark_after(None, newest, SERVER_NOW) == newest + timedelta(seconds=1)


def test_the_watermark_never_passes_the_start_of_the_import_minus_the_margin() -> None:
    # QuickBooks changed something after the import began (its clock agrees with ours).
    newest = SERVER_NOW + timedelta(minutes=2)
    assert watermark_after(None, newest, SERVER_NOW) == SERVER_NOW - WATERMARK_MARGIN


def test_the_watermark_stays_when_nothing_came_back_and_never_moves_back() -> None:
    since = datetime(2026, 3, 1, tzinfo=UTC)
    assert watermark_after(since, None, SERVER_NOW) == since
    assert watermark_after(None, None, SERVER_NOW) is None
    early = SERVER_NOW - timedelta(days=10)  # a PC clock well ahead of ours: refetch, safely
    assert watermark_after(since, since + timedelta(hours=1), early) == since


def test_a_tally_adds_up_across_pages() -> None:
    first = Tally()
    first.count("added", 3)
    first.skip("their customer is not linked")
    first.saw(datetime(2026, 1, 5, 9, 0, tzinfo=PST))
    second = Tally()
    second.count("added", 2)
    second.count("conflicts")
    second.skip("their customer is not linked")
    total = second.merged({"tally": first.merged({}).as_params()})
    assert total.counts["added"] == 5 and total.newest == datetime(2026, 1, 5, 9, 0, tzinfo=PST)
    assert total.words() == (
        "5 added, 0 updated, 0 unchanged, 1 conflicts; 2 skipped: 2 their customer is not linked"
    )


def test_values_equal_but_for_case_spacing_or_decimals_are_the_apps() -> None:
    assert same("name", "Acme Tile", "ACME  TILE")
    assert same("rate", "85.00", "85")
    assert not same("name", "01", "1")  # names are not numbers
    assert same("address", {"line1": "9 Quarry Rd"}, {"line1": "9 QUARRY RD"})
    data = {"name": "Acme Tile", "phone": "555-0142", "email": "a@b.example"}
    after = merged(data, {"name": "ACME TILE", "phone": "555-0199", "email": None})
    assert after == {"name": "Acme Tile", "phone": "555-0199"}
    assert changes(data, after) == {
        "email": {"app": "a@b.example", "quickbooks": None},
        "phone": {"app": "555-0142", "quickbooks": "555-0199"},
    }
