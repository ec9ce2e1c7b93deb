"""What an idle poll costs: authenticate answered "none", then closeConnection, against the
floor measured in the same run, on SQLite and PostgreSQL.

The poll goes in-process through the whole WSGI application (qbwc_server.wsgi.create_app) with
the Web Connector's own envelopes (fixtures/soap/qbwc/authenticate.xml and closeConnection.xml,
with this run's user name, password and ticket put in). The floor is what no server can avoid:
lxml parsing the same two envelopes plus one committed INSERT on the same database, through
the DBAPI driver itself (sqlite3 / psycopg). CPU is time.process_time (this process only:
PostgreSQL's own work is not counted, for the poll or for the floor). Rounds alternate floor
and poll, and each figure is the median of its rounds, because the machine is shared.

Usage: .venv/bin/python bench/idle_poll.py [--polls 2000] [--rounds 5] [--postgres URL]
(PostgreSQL: QBWC_TEST_DATABASE_URL or --postgres, a server whose user may create databases;
skipped, saying so, when none answers.)
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from qbwc_server.config import Settings  # noqa: E402
from qbwc_server.operations import Operations  # noqa: E402
from qbwc_server.polls import refused_ticket  # noqa: E402
from qbwc_server.soap import make_soap_app  # noqa: E402
from qbwc_server.wsgi import Application, create_app  # noqa: E402
from request_queue.migrate import upgrade  # noqa: E402
from request_queue.store import Store  # noqa: E402

FIXTURES = ROOT / "fixtures" / "soap" / "qbwc"
AUTH = (FIXTURES / "authenticate.xml").read_bytes()
CLOSE = (FIXTURES / "closeConnection.xml").read_bytes()
FIXTURE_TICKET = b"{5b0e2f7a-91c3-4d6e-8a42-0c1f9e3b7d15}"
_ANSWER = re.compile(rb"<tns:string>([^<]*)</tns:string><tns:string>([^<]*)</tns:string>")
_CLOSED = re.compile(rb"<tns:closeConnectionResult>([^<]*)<")


def envelope(user: str, password: str) -> bytes:
    """authenticate.xml with this run's credentials (XML-escaped as QBWC sends them)."""
    body = re.sub(rb"<strUserName>[^<]*<", f"<strUserName>{escape(user)}<".encode(), AUTH)
    return re.sub(rb"<strPassword>[^<]*<", f"<strPassword>{escape(password)}<".encode(), body)


def post(app: Any, body: bytes) -> bytes:
    """One POST /qbwc through the WSGI app, as gunicorn would hand it over."""
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
        "HTTP_SOAPACTION": '"http://developer.intuit.com/authenticate"',
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
    }
    return b"".join(app(environ, lambda status, headers, exc_info=None: None))


def idle_poll(app: Any, auth: bytes) -> None:
    """authenticate ("none") then closeConnection with the ticket it gave."""
    found = _ANSWER.search(post(app, auth))
    assert found is not None and found.group(2) == b"none", "the poll was not idle"
    closed = _CLOSED.search(post(app, CLOSE.replace(FIXTURE_TICKET, found.group(1))))
    assert closed is not None and closed.group(1) == b"Nothing to sync.", closed


def per_call(fn: Callable[[], None], n: int) -> float:
    """CPU seconds of one ``fn()``, over ``n`` calls."""
    started = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - started) / n


def databases(postgres: str | None) -> Iterator[tuple[str, str]]:
    """(backend, migrated database URL), fresh: a SQLite file, then a PostgreSQL database."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        yield "SQLite", url
    if not postgres:
        print("PostgreSQL: no server URL given (QBWC_TEST_DATABASE_URL or --postgres); skipped")
        return
    server = postgres.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"qbwc_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # a bench says why and goes on
        print(f"PostgreSQL at {postgres}: {type(exc).__name__}; skipped")
        admin.dispose()
        return
    url = server.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield "PostgreSQL", url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def floor_of(store: Store) -> Callable[[], None]:
    """lxml parses both envelopes, and the driver commits one INSERT (no SQLAlchemy)."""
    engine = store.db.engine
    sqlite = engine.dialect.name == "sqlite"
    key = "INTEGER PRIMARY KEY" if sqlite else "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE bench_floor (id {key}, v VARCHAR(40))"))
    raw = engine.raw_connection()
    driver: Any = raw.driver_connection
    insert = f"INSERT INTO bench_floor (v) VALUES ({'?' if sqlite else '%s'})"
    auth, close = envelope("ridgeline", "x" * 32), CLOSE

    def floor() -> None:
        etree.fromstring(auth)
        etree.fromstring(close)
        if sqlite:
            driver.execute("BEGIN IMMEDIATE")
            driver.execute(insert, ("idle",))
            driver.execute("COMMIT")
        else:
            driver.execute(insert, ("idle",))
            driver.commit()

    return floor


def measure(url: str, polls: int, rounds: int) -> list[tuple[str, float, float]]:
    """(case, poll CPU, floor CPU) per case, each the median of ``rounds`` rounds."""
    settings = Settings(database_url=url, log_level="WARNING")
    store = Store(url)
    ops = Operations(store, settings)
    generated = ops.companies.create_new({"name": "Generated", "qbwc_username": "gen"}).password
    assert generated is not None
    chosen = "s3cret&Pa<ss-chosen"  # kept as a PBKDF2 hash at the default 600,000 iterations
    ops.companies.create({"name": "Chosen", "qbwc_username": "chosen", "qbwc_password": chosen})
    app = create_app(settings, store)
    spyne_app = Application(settings, store)
    spyne_app.soap = make_soap_app(
        spyne_app.service, public_url=settings.public_url, max_body_bytes=1 << 20, fast_calls=False
    )
    layers = Application(settings, store)  # its service answers at once: no database, no hash
    layers.service.authenticate = lambda *a, **k: [refused_ticket("none"), "none"]  # type: ignore[method-assign]
    cases: list[tuple[str, Any, bytes]] = [
        ("generated password (fast hash)", app, envelope("gen", generated)),
        ("chosen password (PBKDF2, remembered)", app, envelope("chosen", chosen)),
        ("generated password, spyne for both calls", spyne_app, envelope("gen", generated)),
        ("HTTP/SOAP layers only (a handler that answers at once)", layers, b""),
    ]
    floor = floor_of(store)
    results = []
    for case, wsgi, auth in cases:
        auth = auth or envelope("gen", generated)
        idle_poll(wsgi, auth)  # the first poll of a chosen password pays PBKDF2 once
        poll_times, floor_times = [], []
        for _ in range(rounds):
            floor_times.append(per_call(floor, polls))
            poll_times.append(per_call(lambda w=wsgi, a=auth: idle_poll(w, a), polls))
        results.append((case, statistics.median(poll_times), statistics.median(floor_times)))
    store.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--polls", type=int, default=2000, help="idle polls per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (the median is shown)")
    parser.add_argument("--postgres", default=os.environ.get("QBWC_TEST_DATABASE_URL", ""))
    args = parser.parse_args(argv)
    rows = []
    for backend, url in databases(args.postgres or None):
        for case, poll, floor in measure(url, args.polls, args.rounds):
            rows.append((backend, case, poll, floor))
    print(f"\nIdle poll: {args.polls} polls x {args.rounds} rounds per case (median round)\n")
    print("| database | case | idle poll CPU | floor CPU | ratio |")
    print("|---|---|---|---|---|")
    for backend, case, poll, floor in rows:
        print(
            f"| {backend} | {case} | {poll * 1e6:.0f} µs | {floor * 1e6:.0f} µs | "
            f"{poll / floor:.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
