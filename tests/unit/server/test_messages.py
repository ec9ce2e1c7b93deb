"""The one table of errors in a bookkeeper's words, and finding a code inside a message."""

from __future__ import annotations

import pytest

from qbwc_server.messages import (
    HRESULTS,
    SESSION_WORDS,
    STATUS_CODES,
    explain,
    explain_text,
    with_advice,
)

AUTO_LOGIN = (
    "In QuickBooks: Edit > Preferences > Integrated Applications, allow this application "
    "to log in automatically"
)


@pytest.mark.parametrize("key", ["0x8004041D", "0x8004041d", " 0X8004041D "])
def test_hresults_in_any_case(key: str) -> None:
    assert explain(key, "?") == AUTO_LOGIN


@pytest.mark.parametrize("key", [3180, "3180"])
def test_status_codes_as_numbers_or_text(key: int | str) -> None:
    assert explain(key, "?").startswith("The list is locked in QuickBooks")


def test_session_words_and_fallbacks() -> None:
    assert explain("paused", "?") == "Syncing is paused for this company in qbwc-server."
    assert explain("NVU", "?") == SESSION_WORDS["nvu"]
    for unknown in ("0x80049999", 9999, "spaceship", None, ""):
        assert explain(unknown, "as QuickBooks said it") == "as QuickBooks said it"


def test_the_table_covers_what_the_pages_meet() -> None:
    assert {"0x80040408", "0x80040410", "0x8004041D"} <= set(HRESULTS)
    assert {3100, 3140, 3180, 3200} <= set(STATUS_CODES)
    assert {"nvu", "busy", "paused", "none"} <= set(SESSION_WORDS)
    for words in [*HRESULTS.values(), *STATUS_CODES.values(), *SESSION_WORDS.values()]:
        assert "\n" not in words and 10 < len(words) < 400


def test_codes_are_found_inside_stored_messages() -> None:
    said = "QuickBooks could not open the company file (0x80040408: Could not start QuickBooks.)"
    assert explain_text(said) == HRESULTS["0x80040408"]
    assert explain_text("QuickBooks status 3200 (Error): out-of-date") == STATUS_CODES[3200]
    assert explain_text("anything", status_code=3100) == STATUS_CODES[3100]
    assert explain_text("QuickBooks status 1 (Info): fine") is None
    assert explain_text("Synced 4, 0 failed") is None and explain_text(None) is None


def test_the_service_takes_its_session_words_from_the_table() -> None:
    from qbwc_server import polls, service, soap

    assert SESSION_WORDS["nvu"] == service.MSG_NVU
    assert SESSION_WORDS["busy"] == service.MSG_BUSY
    assert SESSION_WORDS["none"] == polls.MSG_NONE
    assert SESSION_WORDS["later"] == polls.MSG_BACKOFF
    assert SESSION_WORDS["database"] == soap.MSG_DATABASE


def test_with_advice_adds_what_to_do_for_a_known_hresult_only() -> None:

    said = "QuickBooks could not run the request (0x8004041D: not allowed)"
    assert with_advice(said, "0x8004041d") == f"{said}. {HRESULTS['0x8004041D']}"
    assert with_advice(said, "0x80049999") == said
