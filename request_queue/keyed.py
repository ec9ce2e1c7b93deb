"""Rows named by composite keys, in a form every planner serves from the unique index.

``(kind, record_id) IN (VALUES (...), ...)`` reads as one condition, but SQLite plans it as a
search of the company's rows with a list check (EXPLAIN QUERY PLAN: ``SEARCH records USING
INDEX ... (company_id=?)``, then ``LIST SUBQUERY``), so looking up a thousand records of an
import cost a pass over every record the company has: quadratic over a big answer. An OR of
``kind = ? AND record_id IN (...)`` terms is planned the same way. So the keys are grouped by
their other columns, and each group is its own condition, to be run as its own query:
``company_id = ? AND kind = ? AND record_id IN (...)``, which SQLite and PostgreSQL both
answer from the unique index. Keys of one lookup share a kind or two, so that is a query or
two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_


def key_groups(
    scope: ColumnElement[bool],
    columns: Sequence[Any],
    keys: Iterable[tuple[Any, ...]],
    *,
    varying: int,
) -> list[ColumnElement[bool]]:
    """One condition per group of ``keys``: the rows in ``scope`` (``company_id = ?``) whose
    ``columns`` equal one of the group's keys. ``varying`` is the position of the column whose
    values differ between the keys of a group (the record id); the others are equal in it."""
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for key in keys:
        fixed = key[:varying] + key[varying + 1 :]
        groups.setdefault(fixed, []).append(key[varying])
    others = [c for n, c in enumerate(columns) if n != varying]
    return [
        and_(
            scope,
            *(c == v for c, v in zip(others, fixed, strict=True)),
            columns[varying].in_(values),
        )
        for fixed, values in sorted(groups.items())
    ]
