"""The poll_seconds setting: validated, and the .qwc's RunEveryNSeconds when it is set."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from qbwc_server.errors import UsageError
from qbwc_server.models import RecordInvalid, default_settings, merge_settings
from qbwc_server.polls import backoff_seconds, idle_answer, refused_ticket, refused_words
from qbwc_server.qwc import render_qwc
from qbxml.xmlparse import parse_xml
from tests.unit.server.test_qwc import COMPANY, SETTINGS


def _scheduler(settings: dict[str, Any], **kwargs: Any) -> list[tuple[str, str | None]]:
    text = render_qwc(replace(COMPANY, settings=settings), SETTINGS, **kwargs)
    scheduler = parse_xml(text).find("Scheduler")
    assert scheduler is not None
    return [(child.tag, child.text) for child in scheduler]


def test_poll_seconds_makes_the_qwc_real_time_and_wins_over_minutes() -> None:
    assert _scheduler({}) == [("RunEveryNMinutes", "15")]
    assert _scheduler({"poll_seconds": None}, run_every_minutes=5) == [("RunEveryNMinutes", "5")]
    assert _scheduler({"poll_seconds": 30}) == [("RunEveryNSeconds", "30")]
    assert _scheduler({"poll_seconds": 30}, run_every_minutes=5) == [("RunEveryNSeconds", "30")]


@pytest.mark.parametrize("bad", ["30", 0, -5, True, 2.5])
def test_a_stored_poll_seconds_that_is_not_a_count_is_refused(bad: object) -> None:
    with pytest.raises(UsageError, match="poll_seconds"):
        render_qwc(replace(COMPANY, settings={"poll_seconds": bad}), SETTINGS)


def test_the_setting_is_validated_and_can_be_cleared() -> None:
    assert default_settings()["poll_seconds"] is None
    assert merge_settings(default_settings(), {"poll_seconds": 30})["poll_seconds"] == 30
    current = merge_settings(default_settings(), {"poll_seconds": 30})
    assert merge_settings(current, {"poll_seconds": None})["poll_seconds"] is None
    assert merge_settings(current, {"uppercase": True})["poll_seconds"] == 30
    for bad, code in [
        (9, "invalid"),
        (3601, "invalid"),
        ("30", "wrong_type"),
        (True, "wrong_type"),
    ]:
        with pytest.raises(RecordInvalid) as caught:
            merge_settings(default_settings(), {"poll_seconds": bad})
        (error,) = caught.value.errors
        assert (error.field, error.code) == ("settings.poll_seconds", code), error


def test_back_off_grows_from_the_second_failure_and_is_capped() -> None:
    assert [backoff_seconds(n) for n in range(10)] == [
        0, 0, 60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]  # fmt: skip
    assert backoff_seconds(10_000) == 3600


def test_idle_answers_carry_their_words_in_the_ticket() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 3, 2, tzinfo=UTC)
    paused = idle_answer(enabled=False, backoff_until=None, has_work=True, now=now)
    later = idle_answer(
        enabled=True, backoff_until=now + timedelta(seconds=90.2), has_work=True, now=now
    )
    idle = idle_answer(enabled=True, backoff_until=now, has_work=False, now=now)
    assert idle_answer(enabled=True, backoff_until=None, has_work=True, now=now) is None
    assert paused is not None and paused[1:] == ["none", "300"]
    assert later is not None and later[1:] == ["none", "91"]
    assert idle is not None and idle[1:] == ["none"]
    assert refused_words(paused[0]) and refused_words(later[0]) and refused_words(idle[0])
    assert refused_words(refused_ticket("none")) == "Nothing to sync."
    assert refused_words("no-dot-in-a-session-ticket") is None
    assert refused_words("other.reason") is None
