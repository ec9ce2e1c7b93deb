"""The queue's hot statements, built once: finding ready requests and claiming them.

Ready: queued, due (``not_before <= :at``), and every request it depends on done or resolved.
The partial index ``ix_requests_queued`` (company_id, not_before, id) WHERE state = 'queued'
serves both the filter and the order (due first, then oldest), so a claim reads a company's
ready rows in order and stops after ``:n``; finished history is not in the index at all.

Why not ORDER BY id alone: the primary key also yields id order, and PostgreSQL then may walk
it through every finished request to reach a company's newest (queued) ones, since it
assumes matching rows are spread evenly (seen: 578 estimated rows, the whole table read).
No other index yields (not_before, id) order.

States are written as literals, never bound: PostgreSQL's generic plans (psycopg prepares a
statement after its fifth run) estimate ``state = $1`` as matching every row when one state
dominates the statistics, and then scan the whole history; a literal keeps the estimate, and
both planners can prove the partial index's condition.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    RowMapping,
    String,
    Table,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    select,
    text,
    update,
)

from request_queue.models import QUEUED_PREDICATE, QueuedRequest, RequestDependency
from request_queue.rows import RequestRow

FINISHED_OK = ("done", "resolved")
CLAIM_INDEX = "ix_requests_queued"

REQUESTS: Table = QueuedRequest.__table__  # type: ignore[assignment]
_DEPS: Table = RequestDependency.__table__  # type: ignore[assignment]
_PARENT = REQUESTS.alias("parent")
_QUEUED = text(QUEUED_PREDICATE)  # the index's condition, repeated literally


def state_is(state: str, table: Any = REQUESTS) -> ColumnElement[bool]:
    """``table.state = '<state>'`` with the state as a literal (see the module docstring)."""
    if not state.isalpha():
        raise ValueError(f"not a request state: {state!r}")
    return table.c.state == literal_column(f"'{state}'")  # type: ignore[no-any-return]


_WAITING = exists().where(
    _DEPS.c.request_id == REQUESTS.c.id,
    _DEPS.c.depends_on_id == _PARENT.c.id,
    _PARENT.c.state.not_in([literal_column(f"'{s}'") for s in FINISHED_OK]),
)


def ready_where(company_id: Any, at: Any) -> ColumnElement[bool]:
    """The condition of a ready request of ``company_id`` at time ``at`` (values or binds)."""
    return and_(
        REQUESTS.c.company_id == company_id,
        _QUEUED,
        REQUESTS.c.not_before <= at,
        ~_WAITING,
    )


_READY = ready_where(bindparam("company_id"), bindparam("at"))
_ORDER = (REQUESTS.c.not_before, REQUESTS.c.id)
_N = bindparam("n", type_=Integer)

#: The next ``:n`` ready requests (id, solo) of ``:company_id`` at ``:at``: is there work?
NEXT = select(REQUESTS.c.id, REQUESTS.c.solo).where(_READY).order_by(*_ORDER).limit(_N)
_FIELDS = tuple(RequestRow.__dataclass_fields__)
#: The claim's one read: the next ``:n`` ready requests, RequestRow's fields in order.
CLAIMABLE = select(*(REQUESTS.c[f] for f in _FIELDS)).where(_READY).order_by(*_ORDER).limit(_N)
#: The same on PostgreSQL, locking the rows and skipping those another worker holds.
CLAIMABLE_LOCKED = CLAIMABLE.with_for_update(skip_locked=True, of=REQUESTS)
#: How many requests are ready (admin views and tests; not on a hot path).
READY_COUNT = select(func.count()).select_from(REQUESTS).where(_READY)

_AT = bindparam("at", type_=REQUESTS.c.sent_at.type)
_ATTEMPT = REQUESTS.c.attempts + 1
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
#: Claim ``:ids`` (still queued) for ``:session_id`` in one statement; the requestID QuickBooks
#: echoes is "<id>-<attempt>" (claimed_row builds the same), computed from the row's values.
CLAIM = (
    update(REQUESTS)
    .where(REQUESTS.c.id.in_(_IDS), _QUEUED)
    .values(
        state="sent",
        session_id=bindparam("session_id"),
        attempts=_ATTEMPT,
        qb_request_id=cast(REQUESTS.c.id, String) + "-" + cast(_ATTEMPT, String),
        sent_at=_AT,
        updated_at=_AT,
    )
)
#: Take back ``:ids`` (uncertain) for recovery in ``:session_id``; requestIDs stay as sent.
RECLAIM = (
    update(REQUESTS)
    .where(REQUESTS.c.id.in_(_IDS), state_is("uncertain"))
    .values(state="sent", session_id=bindparam("session_id"), sent_at=_AT, updated_at=_AT)
    .returning(*REQUESTS.c)
)


def request_row(values: RowMapping) -> RequestRow:
    """A RequestRow from a row's mapping."""
    return RequestRow(**{name: values[name] for name in _FIELDS})


_AT_ = {name: _FIELDS.index(name) for name in _FIELDS}


def claimed_row(row: Sequence[Any], session_id: int, at: datetime) -> RequestRow:
    """The RequestRow of a row read by CLAIMABLE, as CLAIM left it."""
    values = list(row)
    attempt = values[_AT_["attempts"]] + 1
    values[_AT_["state"]] = "sent"
    values[_AT_["session_id"]] = session_id
    values[_AT_["attempts"]] = attempt
    values[_AT_["qb_request_id"]] = f"{values[_AT_['id']]}-{attempt}"
    values[_AT_["updated_at"]] = at
    return RequestRow(*values)


_COMPANY = REQUESTS.c.company_id == bindparam("company_id")
#: The oldest uncertain request of ``:company_id`` (id, message_set_id): a lost answer.
FIRST_UNCERTAIN = (
    select(REQUESTS.c.id, REQUESTS.c.message_set_id)
    .where(_COMPANY, state_is("uncertain"))
    .order_by(REQUESTS.c.id)
    .limit(1)
)
#: The uncertain requests of ``:company_id`` sent in message set ``:message_set_id``.
UNCERTAIN_SET = (
    select(REQUESTS.c.id)
    .where(
        _COMPANY,
        state_is("uncertain"),
        REQUESTS.c.message_set_id == bindparam("message_set_id"),
    )
    .order_by(REQUESTS.c.id)
)
