"""Kept counts of each company's requests per state (the ``queue_counts`` table).

The queue notes every state change it makes here; the changes of one transaction are added to
``queue_counts`` in one upsert just before it commits. Written last, a company's counter row is
locked only while its transaction commits, so two transactions never wait on each other
through it while holding request rows the other needs (no deadlock can form through the
counter). Reading a company's counts is one primary-key lookup plus this transaction's changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from request_queue.models import QueueCount, QueuedRequest

_COUNTS: Table = QueueCount.__table__  # type: ignore[assignment]
_REQUESTS: Table = QueuedRequest.__table__  # type: ignore[assignment]
COUNTED = tuple(c.name for c in _COUNTS.c if c.name != "company_id")

_READ = select(_COUNTS).where(_COUNTS.c.company_id == bindparam("company_id"))
_COMPANIES = select(_REQUESTS.c.id, _REQUESTS.c.company_id).where(
    _REQUESTS.c.id.in_(bindparam("ids", expanding=True))
)


def _upsert(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_COUNTS)
    return statement.on_conflict_do_update(
        index_elements=[_COUNTS.c.company_id],
        set_={s: _COUNTS.c[s] + statement.excluded[s] for s in COUNTED},
    )


_UPSERTS = {dialect: _upsert(dialect) for dialect in ("postgresql", "sqlite")}


class Tally:
    """One transaction's changes to the kept counts, written when it commits."""

    def __init__(self, session: Session, dialect: str) -> None:
        self._s = session
        self._dialect = dialect
        self._pending: dict[int, Counter[str]] = {}
        self._company_of: dict[int, int] = {}  # request id -> company id, for moves by id

    def seen(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Remember the company of each (request id, company id) handed out."""
        self._company_of.update(pairs)

    def add(self, company_id: int, state: str, n: int = 1) -> None:
        if not n:
            return
        if not self._pending:
            event.listen(self._s, "before_commit", self._write, once=True)
        self._pending.setdefault(company_id, Counter())[state] += n

    def move(self, company_id: int, old: str, new: str, n: int = 1) -> None:
        if old != new:
            self.add(company_id, old, -n)
            self.add(company_id, new, n)

    def moved(self, moves: Sequence[tuple[int, str, str]]) -> None:
        """Note (request id, old state, new state) changes; requests not handed out in this
        transaction have their company looked up, all in one statement."""
        unknown = [rid for rid, _, _ in moves if rid not in self._company_of]
        if unknown:
            found = self._s.connection().execute(_COMPANIES, {"ids": unknown})
            self._company_of.update((rid, cid) for rid, cid in found)
        for rid, old, new in moves:
            self.move(self._company_of[rid], old, new)

    def read(self, company_id: int) -> dict[str, int]:
        """The company's requests per state, this transaction's changes included."""
        row = self._s.connection().execute(_READ, {"company_id": company_id}).first()
        pending = self._pending.get(company_id, Counter())
        stored = dict.fromkeys(COUNTED, 0) if row is None else row._mapping
        return {s: int(stored[s]) + pending[s] for s in COUNTED}

    def _write(self, session: Session) -> None:
        """Add the pending changes to queue_counts (before_commit), companies in id order."""
        rows = [
            {"company_id": cid, **{s: changes[s] for s in COUNTED}}
            for cid, changes in sorted(self._pending.items())
            if any(changes.values())
        ]
        self._pending = {}
        if rows:
            session.connection().execute(_UPSERTS[self._dialect], rows)
