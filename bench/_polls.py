"""Idle polls through the WSGI app in-process, and the CPU they cost (the server's too).

A poll is what QBWC does when there is nothing to do: authenticate (answered "none") and
closeConnection, with QBWC's own envelopes, handed to the app as gunicorn would hand them.
CPU is this process's (time.process_time) plus, on PostgreSQL, the database's client backends
(from /proc; autovacuum and other background workers are not counted).
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench import _db
from qbwc_server.config import Settings
from qbwc_server.operations import Operations
from qbwc_server.simulator.soapwire import NS, Param, envelope, result
from qbwc_server.wsgi import create_app
from request_queue.store import Store


def backend_cpu(url: str) -> Callable[[], float]:
    """CPU seconds used so far by the client backends of ``url``'s database (0 on SQLite,
    which runs in this process)."""
    if not url.startswith("postgresql"):
        return lambda: 0.0
    engine = _db.engine_for(url)
    tick = os.sysconf("SC_CLK_TCK")
    query = text(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    )

    def used() -> float:
        total = 0
        with engine.connect() as conn:
            for pid in conn.execute(query).scalars():
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    return used


class IdlePoller:
    """Companies with nothing to do, and their idle polls."""

    def __init__(self, url: str) -> None:
        self.settings = Settings(
            database_url=url, password_hash_iterations=1000, public_url="http://localhost/qbwc"
        )
        self.app = create_app(self.settings)
        self.store = Store(url)
        self.ops = Operations(self.store, self.settings)
        self.passwords: dict[str, str] = {}
        self.backend = backend_cpu(url)

    def add(self, username: str) -> int:
        """A company (with a generated password where the server makes them); its id."""
        new = getattr(self.ops.companies, "create_new", None)
        if new is not None:
            made = new({"name": username, "qbwc_username": username})
            self.passwords[username] = made.password or ""
            return int(made.company.id)
        password = "bench password 1"
        body = {"name": username, "qbwc_username": username, "qbwc_password": password}
        self.passwords[username] = password
        return int(self.ops.companies.create(body)[0].id)

    def call(self, op: str, params: list[Param]) -> Any:
        body = envelope(op, params)
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/qbwc",
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "text/xml; charset=utf-8",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_SOAPACTION": f'"{NS}{op}"',
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
        }
        return result(op, b"".join(self.app(environ, lambda *_args: None)))

    def poll(self, username: str) -> None:
        credentials: list[Param] = [
            ("strUserName", username),
            ("strPassword", self.passwords[username]),
        ]
        answer = self.call("authenticate", credentials)
        assert answer[1] == "none", f"the poll was not idle: {answer[1:]}"
        self.call("closeConnection", [("ticket", answer[0])])

    def cpu_per_poll(self, username: str, polls: int) -> float:
        """CPU ms of one idle poll of ``username``, over ``polls`` after a short warm-up."""
        for _ in range(10):
            self.poll(username)
        cpu, db = time.process_time(), self.backend()
        for _ in range(polls):
            self.poll(username)
        return (time.process_time() - cpu + self.backend() - db) / polls * 1000

    def close(self) -> None:
        self.store.dispose()
