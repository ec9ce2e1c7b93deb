"""What a Web Connector sign-in needs to know, read in one statement built and compiled once.

An idle poll (authenticate answered "none", then closeConnection) is most of what a server
serving thousands of companies does, so its one read skips the ORM and SQLAlchemy's execution
machinery: the Core statement below is compiled once per dialect and run on a pooled DBAPI
connection (autocommit: a single SELECT needs no transaction). Values are bound and read with
the columns' own type processors, so datetimes compare exactly as the ORM stores them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Engine,
    Select,
    Table,
    and_,
    bindparam,
    exists,
    literal,
    or_,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import visitors

from request_queue import queue_sql
from request_queue.db import _described, _unreachable
from request_queue.errors import DatabaseError, DatabaseUnavailable
from request_queue.models import Company, LoginThrottle, QbwcSession

_COMPANIES: Table = Company.__table__  # type: ignore[assignment]
_THROTTLE: Table = LoginThrottle.__table__  # type: ignore[assignment]
_SESSIONS: Table = QbwcSession.__table__  # type: ignore[assignment]
_REQUESTS = queue_sql.REQUESTS


def work_exists(company_id: Any, at: Any) -> ColumnElement[bool]:
    """Is a request of ``company_id`` ready at ``at``, or waiting to be recovered (uncertain)?

    Two EXISTS, each served by an index: the claim index (queue_sql.ready_where, the claim's
    own rule) and ix_requests_state (company_id, state, ...).
    """
    ready = (
        select(literal(1)).select_from(_REQUESTS).where(queue_sql.ready_where(company_id, at))
    ).exists()
    uncertain = exists().where(
        _REQUESTS.c.company_id == company_id, _REQUESTS.c.state == "uncertain"
    )
    return or_(ready, uncertain)


#: Queue.has_work: one statement for ``:company_id`` at ``:at``.
HAS_WORK = select(work_exists(bindparam("company_id"), bindparam("at")))

_NOW = bindparam("now", type_=_COMPANIES.c.backoff_until.type)
#: The sign-in's one read: the company of ``:username``, whether (``:address``, user name) has
#: a throttle row, whether a session is open, and whether there is work at ``:now``.
SIGN_IN = (
    select(
        _COMPANIES.c.id,
        _COMPANIES.c.password_hash,
        _COMPANIES.c.enabled,
        _COMPANIES.c.backoff_until,
        _THROTTLE.c.username.is_not(None).label("throttled"),
        exists()
        .where(_SESSIONS.c.company_id == _COMPANIES.c.id, _SESSIONS.c.state == "open")
        .label("live_session"),
        work_exists(_COMPANIES.c.id, _NOW).label("has_work"),
    )
    .select_from(
        _COMPANIES.outerjoin(
            _THROTTLE,
            and_(
                _THROTTLE.c.address == bindparam("address"),
                _THROTTLE.c.username == _COMPANIES.c.qbwc_username,
            ),
        )
    )
    .where(_COMPANIES.c.qbwc_username == bindparam("username"))
)


@dataclass(frozen=True)
class SignInFacts:
    """What SIGN_IN read about one user name."""

    company_id: int
    password_hash: str
    enabled: bool
    backoff_until: datetime | None
    throttled: bool  # failures are being counted (or a lockout holds) for this address
    live_session: bool  # a session is open: busy, or dead and to be released
    has_work: bool


Processor = Callable[[Any], Any] | None


class CompiledSelect:
    """A Core SELECT compiled once for one dialect, run on a raw pooled DBAPI connection."""

    def __init__(self, statement: Select[Any], dialect: Dialect, names: tuple[str, ...]) -> None:
        """``names``: the bind parameters given at each run. Every other value is written
        into the SQL: SQLite re-prepares a statement at each run when a bound value takes
        part in choosing a partial index (the claim index), which costs 25 times the run."""

        def inline(bind: BindParameter[Any]) -> None:
            if bind.key not in names:
                bind.literal_execute = True

        statement = visitors.cloned_traverse(statement, {}, {"bindparam": inline})
        compiled = statement.compile(dialect=dialect)
        expanded = compiled.construct_expanded_state(dict.fromkeys(names))
        self.sql = expanded.statement
        self._order = expanded.positiontup
        self._fixed = {k: v for k, v in expanded.parameters.items() if k not in names}
        self._binds: dict[str, Processor] = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for bind, name in compiled.bind_names.items()
            if name in names
        }
        self._results: list[Processor] = [
            c.type.dialect_impl(dialect).result_processor(dialect, None)
            for c in statement.selected_columns
        ]
        self._postgresql = dialect.name == "postgresql"

    def bound(self, params: Mapping[str, Any]) -> Any:
        """The driver's parameters for ``params`` (a tuple or a dict, as its style wants)."""
        values = dict(self._fixed)
        for key, processor in self._binds.items():
            values[key] = params[key] if processor is None else processor(params[key])
        return values if self._order is None else tuple(values[k] for k in self._order)

    def first(self, engine: Engine, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row (values converted as the ORM would), or None."""
        try:
            row = self._fetch(engine, self.bound(params))
        except (SQLAlchemyError, engine.dialect.loaded_dbapi.Error) as exc:
            if _unreachable(exc):  # type: ignore[arg-type]
                raise DatabaseUnavailable(f"database unavailable ({_described(exc)})") from None  # type: ignore[arg-type]
            raise DatabaseError(f"database error ({_described(exc)})") from None  # type: ignore[arg-type]
        if row is None:
            return None
        return tuple(v if p is None else p(v) for v, p in zip(row, self._results, strict=True))

    def _fetch(self, engine: Engine, bound: Any) -> Any:
        connection = engine.raw_connection()
        try:
            driver: Any = connection.driver_connection
            if self._postgresql:
                driver.autocommit = True  # one SELECT: no BEGIN, no ROLLBACK round trips
            try:
                cursor = connection.cursor()
                cursor.execute(self.sql, bound)
                row = cursor.fetchone()
                cursor.close()
            finally:
                if self._postgresql:
                    driver.autocommit = False
        except BaseException:
            connection.invalidate()  # never hand a connection in an unknown state back
            raise
        finally:
            connection.close()
        return row


class SignInReads:
    """SIGN_IN for one engine, compiled on first use."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._select: CompiledSelect | None = None

    def facts(self, username: str, address: str, now: datetime) -> SignInFacts | None:
        """What a sign-in of ``username`` from ``address`` needs, or None for no such user."""
        if self._select is None:
            names = ("username", "address", "now")
            self._select = CompiledSelect(SIGN_IN, self._engine.dialect, names)
        params = {"username": username, "address": address, "now": now}
        row = self._select.first(self._engine, params)
        if row is None:
            return None
        cid, password_hash, enabled, backoff_until, throttled, live, work = row
        return SignInFacts(
            company_id=int(cid),
            password_hash=str(password_hash),
            enabled=bool(enabled),
            backoff_until=backoff_until,
            throttled=bool(throttled),
            live_session=bool(live),
            has_work=bool(work),
        )
