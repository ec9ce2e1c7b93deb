"""Every bad input to ``qbwc`` gets one clear line on stderr and a non-zero exit, never a
traceback; a closed pipe ends quietly; a cut list says how to get the next page."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.databases import postgres_server_url
from tests.support.live import BIN

PASSWORD = "s3cret-web-connector"


def _env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QBWC_")}
    return {**env, "QBWC_DATABASE_URL": url, "QBWC_PASSWORD_HASH_ITERATIONS": "1000", **extra}


def _qbwc(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "qbwc"), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A SQLite database with one company, ``ridgeline``, 400 customers (c0000...) and one
    queued request."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'qbwc.db'}"
    env = _env(url)
    customers = [
        {"kind": "customer", "id": f"c{i:04}", "data": {"first_name": "A", "last_name": "B"}}
        for i in range(400)
    ]
    for args, stdin in (
        (["init"], ""),
        (["company", "create", "--name", "Ridgeline", "--username", "ridgeline",
          "--password-stdin"], PASSWORD + "\n"),
        (["import", "ridgeline", "accounts"], ""),
        (["put", "ridgeline", "--file", "-"], json.dumps(customers)),
    ):  # fmt: skip
        assert _qbwc(env, *args, stdin=stdin).returncode == 0
    return env


def _one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    lines = result.stderr.splitlines()
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr + result.stdout
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("qbwc: error: "), lines
    assert expected in lines[0], lines[0]


BAD_INPUT = [
    (["company", "create", "--name", "", "--username", "x"], "--name: must not be empty"),
    (["company", "create", "--name", "X", "--username", " "], "--username: must not be empty"),
    (["company", "create", "--name", "A\x07B", "--username", "x"], "control characters"),
    (["company", "create", "--name", "X", "--username", "a\nb"], "control characters"),
    (["company", "set", "ridgeline", "--name", ""], "--name: must not be empty"),
    (["company", "set", "ridgeline"], "nothing to change"),
    (["company", "set", "ridgeline", "--setting", "uppercase"], "--setting takes KEY=VALUE"),
    (["company", "set", "ridgeline", "--setting", "colour=red"], "settings.colour"),
    (["company", "set", "nobody", "--enable"], "no company with id or user name 'nobody'"),
    (["queue", "ridgeline", "--status", "lost"], "invalid choice: 'lost'"),
    (["queue", "ridgeline", "--limit", "-5"], "--limit: must be at least 1, not -5"),
    (["queue", "ridgeline", "retry"], "give the request's id"),
    (["queue", "ridgeline", "retry", "999"], "no request 999"),
    (["queue", "ridgeline", "cancel", "x"], "RID: must be a whole number, not 'x'"),
    (["log", "ridgeline", "--limit", "-1"], "--limit: must be at least 1"),
    (["log", "ridgeline", "--record", "widget:w1"], "'widget' is not a record kind"),
    (["log", "ridgeline", "--record", "nocolon"], "--record takes KIND:ID"),
    (["records", "ridgeline", "widget"], "'widget' is not a record kind"),
    (["records", "ridgeline", "customer", "--limit", "0"], "--limit: must be at least 1"),
    (["import", "ridgeline", "widgets"], "unknown import kind 'widgets'"),
    (["sync", "ridgeline", "widget", "w1"], "'widget' is not an app record kind"),
    (["qwc", "ridgeline", "--minutes", "-15"], "--minutes: must be at least 1"),
    (["qwc", ""], "no company with id or user name ''"),
    (["token", "create", "--name", ""], "--name: must not be empty"),
    (["token", "create", "--name", "app", "--company", "nobody"], "'nobody'"),
    (["token", "revoke", "999"], "no token 999"),
    (["token", "revoke", "-1"], "must be at least 1"),
    (["unlock", ""], "must not be empty"),
    (["unlock", "a\tb"], "control characters"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
]


@pytest.mark.parametrize(("args", "expected"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_and_non_zero(
    env: dict[str, str], args: list[str], expected: str
) -> None:
    _one_line_error(_qbwc(env, *args), expected)


def test_before_init_it_says_run_init_and_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    for args in (["company", "list"], ["queue", "x"], ["serve"]):
        _one_line_error(_qbwc(_env(f"sqlite:///{path}"), *args), "run `qbwc init` first")
    assert not path.exists()


def test_a_bad_database_url_is_one_line(tmp_path: Path) -> None:
    cases = [
        ("nonsense", "the database URL is not one qbwc-server can use"),
        ("mysql://u:hunter2@db/x", "the database URL is not one qbwc-server can use"),
        ("postgresql://nobody:hunter2@127.0.0.1:1/x", "cannot use the database"),
        (f"sqlite:///{tmp_path}/no/such/dir/q.db", "run `qbwc init` first"),
    ]
    for url, expected in cases:
        for args in (["init"], ["company", "list"]):
            if args == ["init"] and "no/such/dir" in url:
                expected_here = "cannot use the database"
            else:
                expected_here = expected
            result = _qbwc(_env(url), *args)
            _one_line_error(result, expected_here)
            assert "hunter2" not in result.stderr


def test_an_unknown_setting_is_one_line(env: dict[str, str]) -> None:
    _one_line_error(_qbwc({**env, "QBWC_COLOUR": "red"}, "company", "list"), "QBWC_COLOUR")


def test_an_empty_postgresql_database_says_run_init() -> None:
    server = postgres_server_url()
    _one_line_error(_qbwc(_env(server), "company", "list"), "run `qbwc init`")


def test_a_closed_pipe_ends_quietly(env: dict[str, str]) -> None:
    with subprocess.Popen(
        [str(BIN / "qbwc"), "log", "ridgeline", "--json", "--limit", "500"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()  # ``| head -1``: more than a pipe buffer is still to come
        proc.stdout.close()
        assert proc.wait(timeout=60) == 141
        assert proc.stderr.read() == b""


def test_a_cut_list_says_so_and_the_cursor_pages_on(env: dict[str, str]) -> None:
    for _ in range(2):
        assert _qbwc(env, "import", "ridgeline", "account").returncode == 0
    first = _qbwc(env, "queue", "ridgeline", "--limit", "2", "--json")
    ids = [r["id"] for r in json.loads(first.stdout)]
    assert len(ids) == 2 and first.returncode == 0
    assert first.stderr == f"qbwc: showing 2 of more; --before {ids[-1]} for the next page\n"
    rest = _qbwc(env, "queue", "ridgeline", "--before", str(ids[-1]), "--json")
    assert [r["id"] for r in json.loads(rest.stdout)] == list(range(ids[-1] - 1, 0, -1))
    assert rest.stderr == ""
    page = _qbwc(env, "records", "ridgeline", "customers", "--limit", "3")
    assert [line.split()[0] for line in page.stdout.splitlines()] == ["c0000", "c0001", "c0002"]
    assert page.stderr == "qbwc: showing 3 of more; --after c0002 for the next page\n"
    after = _qbwc(env, "records", "ridgeline", "customer", "--after", "c0397")
    assert [line.split()[0] for line in after.stdout.splitlines()] == ["c0398", "c0399"]
    assert after.stderr == ""
