"""``qbwc simulate``'s engine: concurrent sessions, progress lines, the summary, exit codes."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from qbwc_server.simulator.runner import SimulatedCompany, simulate, summary
from qbwc_server.simulator.webconnector import Faults, SessionResult
from tests.support.wc_peer import Peer, ScriptedQuickBooks, serve


@pytest.fixture
def peer() -> Iterator[Peer]:
    yield from serve(Peer())


def _run(peer: Peer, sessions: list[SimulatedCompany], **kw: object) -> tuple[int, str]:
    out = io.StringIO()
    code = simulate(peer.url, sessions, out=out, sleep=lambda _s: None, **kw)  # type: ignore[arg-type]
    assert peer.problems == []
    return code, out.getvalue()


def _company(user: str) -> SimulatedCompany:
    return SimulatedCompany(user, "pw", ScriptedQuickBooks())


def test_several_sessions_run_and_all_complete(peer: Peer) -> None:
    peer.defaults["closeConnection"] = "Synced 1, 0 failed"
    sessions = [_company(f"user{i}") for i in range(4)]
    code, text = _run(peer, sessions)
    assert code == 0, text
    lines = text.splitlines()
    for i in range(4):
        assert f"[user{i}] Sending request 1 ..." in lines
        assert f"[user{i}] Update completed: Synced 1, 0 failed" in lines
        row = next(line for line in lines if line.startswith(f"user{i} "))
        assert row.split()[:4] == [f"user{i}", "completed", "1", "6"]
        assert row.endswith("Synced 1, 0 failed")
    assert any("[####################] 100% done" in line for line in lines)
    assert lines[-1] == "4 of 4 sessions ended well"
    assert peer.ops().count("serverVersion") == 4
    assert all(s.company.handed for s in sessions)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("auth", "outcome", "code"),
    [("none", "no_work", 0), ("nvu", "invalid_user", 1), ("busy", "busy", 1)],
)
def test_the_exit_code_follows_the_worst_session(
    peer: Peer, auth: str, outcome: str, code: int
) -> None:
    peer.by_user["bob"] = ["T-bob", auth]
    got, text = _run(peer, [_company("alice"), _company("bob")])
    assert got == code, text
    row = next(line for line in text.splitlines() if line.startswith("bob "))
    assert row.split()[1] == outcome


def test_a_broken_company_is_an_error_and_does_not_stop_the_others(peer: Peer) -> None:
    class Broken(ScriptedQuickBooks):
        def hcp_response(self) -> str:
            raise RuntimeError("QuickBooks crashed")

    code, text = _run(peer, [SimulatedCompany("bad", "pw", Broken()), _company("good")])
    assert code == 1
    assert "[bad] Error: QuickBooks crashed" in text
    rows = {line.split()[0]: line.split()[1] for line in text.splitlines()[-3:-1]}
    assert rows == {"bad": "error", "good": "completed"}


def test_faults_and_pauses_reach_every_session(peer: Peer) -> None:
    peer.script("sendRequestXML", "")
    peer.script("getLastError", "NoOp")
    pauses: list[float] = []
    out = io.StringIO()
    code = simulate(
        peer.url,
        [_company("alice")],
        out=out,
        faults=Faults(drop_response_after=1),
        noop_pause=2.5,
        sleep=pauses.append,
    )
    assert code == 1
    assert pauses == [2.5]
    assert "[alice] Waiting 2.5 s (NoOp)" in out.getvalue()
    assert "died" in out.getvalue().splitlines()[-2]


def test_no_sessions_is_success() -> None:
    out = io.StringIO()
    assert simulate("http://127.0.0.1:9/", [], out=out) == 0
    assert out.getvalue().splitlines()[-1] == "0 of 0 sessions ended well"


def test_summary_shows_the_error_for_failed_sessions() -> None:
    lines = summary(
        [_company("a"), _company("b")],
        [
            SessionResult(outcome="completed", close_message="OK", requests_sent=3),
            SessionResult(outcome="error", close_message="Bye", last_error="QBWC1042: boom"),
        ],
    )
    assert lines[1].split() == ["USER", "OUTCOME", "SETS", "CALLS", "RESULT"]
    assert lines[2].split() == ["a", "completed", "3", "0", "OK"]
    assert lines[3].split()[:4] == ["b", "error", "0", "0"] and lines[3].endswith("QBWC1042: boom")
    assert lines[4] == "1 of 2 sessions ended well"
