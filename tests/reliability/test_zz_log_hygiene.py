"""Every line the suite's servers wrote, read last (this file runs after the others): no
password, API token, ticket or password hash in any of them."""

from __future__ import annotations

from pathlib import Path

from tests.reliability.support import LOGS, SECRETS, Company, drain, running


def test_no_secret_in_any_server_log_line(sqlite_url: str, tmp_path: Path) -> None:
    # A session of its own first (wrong and right passwords, a full sync), so the check reads
    # real lines even when this file runs alone.
    with running(sqlite_url, tmp_path, init=False) as server:
        company = Company(sqlite_url, "hygiene")
        company.add_project()
        wrong = company.connector(server.soap_url)
        wrong.password = "Wrong-Password-42"
        SECRETS.add(wrong.password)
        assert wrong.run_session().outcome == "invalid_user"
        drain(company, server.soap_url, busy_seconds=1)
        company.close()
    secrets = {s for s in SECRETS if len(s) >= 8}
    assert len(LOGS) >= 1 and len(secrets) >= 4
    lines = 0
    for path in LOGS:
        for number, line in enumerate(path.read_text("utf-8", errors="replace").splitlines()):
            lines += 1
            found = [s[:6] + "..." for s in secrets if s in line]
            assert not found, f"{path.name}:{number + 1} holds a secret ({found})"
    assert lines > 20
