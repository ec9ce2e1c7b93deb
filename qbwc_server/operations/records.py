"""App records: validate and store them (all of it or nothing), and read them with links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qbwc_server.config import Settings
from qbwc_server.errors import NotFound
from qbwc_server.models import APP_KINDS, IMPORTED_ONLY_KINDS, validate_record
from qbwc_server.models.validation import FieldError, RecordInvalid
from qbwc_server.operations.automatic import Upserted, queue_after_upserts
from qbwc_server.operations.companies import find_company
from request_queue.rows import LinkRow, RecordRow
from request_queue.store import Store, Tx

RECORD_ID_MAX = 200
ROLES = ("", "sales_rep")  # the QuickBooks objects one record can have
ALL_KINDS = (*APP_KINDS, *IMPORTED_ONLY_KINDS)


@dataclass(frozen=True)
class RecordView:
    """A record with every link it has to QuickBooks objects (``created``: by this upsert)."""

    record: RecordRow
    links: list[LinkRow]
    created: bool = False


@dataclass(frozen=True)
class Page:
    """One page of a list, and the cursor of the next (None at the end)."""

    items: list[RecordView]
    next_cursor: str | None


@dataclass(frozen=True)
class Saved:
    """One record stored by ``upsert_many`` and what storing it did."""

    view: RecordView
    outcome: str  # created, changed or unchanged


@dataclass(frozen=True)
class ItemError:
    """A bad field of one item of a batch; ``item`` is ``"kind id"`` (or ``"item N"``, 1-based,
    when the item has no usable kind and id) and ``error.message`` starts with the field."""

    item: str
    error: FieldError


class BatchInvalid(RecordInvalid):
    """Items of a batch are invalid: ``problems`` names every bad field by its item.

    ``errors`` (the API's ``details``) holds the same errors with the item's 0-based index in
    front of the field (``2.lines.0.amount``).
    """

    def __init__(self, problems: list[ItemError], indexes: list[int], total: int) -> None:
        errors = [
            FieldError(f"{index}.{p.error.field}", f"{p.item}: {p.error.message}", p.error.code)
            for p, index in zip(problems, indexes, strict=True)
        ]
        super().__init__(errors, what=f"the list of {total} records")
        self.problems = problems


def check_kind(kind: str, *, writable: bool = False) -> None:
    known = APP_KINDS if writable else ALL_KINDS
    if kind not in known:
        what = "an app record kind" if writable else "a record kind"
        raise RecordInvalid(
            [
                FieldError(
                    "kind", f"{kind!r} is not {what}; known: {', '.join(known)}", "unknown_value"
                )
            ]
        )


def check_record_id(record_id: str) -> None:
    if not record_id or len(record_id) > RECORD_ID_MAX or not record_id.isprintable():
        raise RecordInvalid(
            [FieldError("id", f"must be 1-{RECORD_ID_MAX} printable characters", "invalid")]
        )


class RecordOps:
    """Operations on app and imported records."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def upsert(self, company: str | int, kind: str, record_id: str, payload: object) -> RecordView:
        """Validate ``payload`` as a ``kind`` record and store it; RecordInvalid lists every
        bad field and nothing is written. Queues what the company's automatic settings say
        (operations/automatic.py) in the same transaction."""
        check_kind(kind, writable=True)
        check_record_id(record_id)
        data = validate_record(kind, payload)
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            changes: list[Upserted] = []
            saved = _save(tx, row.id, kind, record_id, data, changes)
            queue_after_upserts(tx, row, changes)
            return saved.view

    def upsert_many(self, company: str | int, items: object) -> list[Saved]:
        """Validate a list of ``{"kind", "id", "data"}`` items (or one such object) and store
        them all in one transaction, in order.

        Every item is validated before anything is written: ``BatchInvalid`` names each bad
        field of each bad item (an id given twice is an error too) and nothing is stored.
        """
        batch = items if isinstance(items, list) else [items]
        records: list[tuple[str, str, dict[str, Any]]] = []
        problems: list[ItemError] = []
        indexes: list[int] = []
        seen: dict[tuple[str, str], int] = {}
        for index, item in enumerate(batch):
            label, record, errors = _check_item(item)
            if record is not None:
                kind, record_id, _data = record
                first = seen.setdefault((kind, record_id), index)
                if first != index:
                    errors = [
                        FieldError(
                            "id", f"id: given twice (also item {first + 1} of the list)", "invalid"
                        )
                    ]
                else:
                    records.append(record)
            for error in errors:
                problems.append(ItemError(label or f"item {index + 1}", error))
                indexes.append(index)
        if problems:
            raise BatchInvalid(problems, indexes, len(batch))
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            changes: list[Upserted] = []
            saved = [_save(tx, row.id, kind, rid, data, changes) for kind, rid, data in records]
            queue_after_upserts(tx, row, changes)
            return saved

    def get(self, company: str | int, kind: str, record_id: str) -> RecordView:
        check_kind(kind)
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            record = tx.records.get(row.id, kind, record_id)
            if record is None:
                raise NotFound(f"no {kind} {record_id!r} in company {row.id}")
            return RecordView(record, tx.records.links_of_record(row.id, kind, record_id))

    def page(
        self, company: str | int, kind: str, *, after: str | None = None, limit: int = 100
    ) -> Page:
        """Records of ``kind`` ordered by id, ``limit`` at a time after the cursor ``after``."""
        check_kind(kind)
        with self.store.transaction() as tx:
            row = find_company(tx, company)
            found = tx.records.of_kind(row.id, kind, limit=limit + 1, after=after)
            links = tx.records.links_of(
                row.id, ((kind, r.record_id, role) for r in found for role in ROLES)
            )
            items = [
                RecordView(
                    r, [links[k] for role in ROLES if (k := (kind, r.record_id, role)) in links]
                )
                for r in found[:limit]
            ]
        more = len(found) > limit
        return Page(items, items[-1].record.record_id if more and items else None)


def _save(
    tx: Tx,
    company_id: int,
    kind: str,
    record_id: str,
    data: dict[str, Any],
    changes: list[Upserted],
) -> Saved:
    """Store a validated app record and log the change (nothing is logged when unchanged);
    what it was and is now goes on ``changes``."""
    record, before = tx.records.upsert(company_id, kind, record_id, origin="app", data=data)
    changes.append(Upserted(kind, record_id, data, None if before is None else before.data))
    outcome = "created" if before is None else "changed" if before.data != data else "unchanged"
    if outcome != "unchanged":
        tx.log.write(
            company_id,
            "record_saved",
            f"{kind} {outcome} in qbwc-server",
            record_kind=kind,
            record_id=record_id,
        )
    links = tx.records.links_of_record(company_id, kind, record_id)
    return Saved(RecordView(record, links, created=outcome == "created"), outcome)


def _shown(text: str) -> str:
    """``text`` fit to print on one line: control characters escaped, at most 60 characters."""
    if not text.isprintable():
        text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= 60 else text[:57] + "..."


def _said(error: FieldError) -> FieldError:
    """``error`` with its message starting with its field (``field: message``)."""
    if error.message.startswith(f"{error.field}: "):
        return error
    return FieldError(error.field, f"{error.field}: {error.message}", error.code)


def _check_item(
    item: object,
) -> tuple[str, tuple[str, str, dict[str, Any]] | None, list[FieldError]]:
    """Validate one ``{"kind", "id", "data"}`` item: its label ("kind id", or "" when it has
    none), the validated record (None when invalid), and every bad field."""
    if not isinstance(item, dict):
        shape = 'must be an object {"kind", "id", "data"}'
        return "", None, [FieldError("item", f"item: {shape}", "wrong_type")]
    errors = [
        FieldError(key, f"{key}: is not a known field (use kind, id and data)", "unknown_field")
        for key in sorted(_shown(str(k)) for k in set(item) - {"kind", "id", "data"})
    ]
    kind, record_id = item.get("kind"), item.get("id")
    for key, value in (("kind", kind), ("id", record_id)):
        if value is None:
            errors.append(FieldError(key, f"{key}: is required", "missing"))
        elif not isinstance(value, str):
            errors.append(FieldError(key, f"{key}: must be a string", "wrong_type"))
    if "data" not in item:
        errors.append(FieldError("data", "data: is required", "missing"))
    if not isinstance(kind, str) or not isinstance(record_id, str):
        return "", None, errors
    label = f"{_shown(kind)} {_shown(record_id)}"
    errors += _errors_of(lambda: check_kind(kind, writable=True))
    errors += _errors_of(lambda: check_record_id(record_id))
    if errors or "data" not in item:
        return label, None, errors
    try:
        return label, (kind, record_id, validate_record(kind, item["data"])), []
    except RecordInvalid as exc:
        return label, None, [_said(e) for e in exc.errors]


def _errors_of(check: Callable[[], None]) -> list[FieldError]:
    """The field errors ``check`` raises (as ``field: message``), or none."""
    try:
        check()
    except RecordInvalid as exc:
        return [_said(e) for e in exc.errors]
    return []
