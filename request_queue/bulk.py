"""Many rows in one statement: the bulk writes of an answer (links, records, events, log).

SQLite: one executemany of an INSERT built once; sqlite3 loops over the one prepared
statement in C. PostgreSQL: an executemany there runs one INSERT per row on the server
(psycopg pipelines them, but each is parsed, planned and executed alone: 10,000 links of an
import took 0.4 s). So the rows go as one array per column, typed by the column, and one
``INSERT .. SELECT * FROM unnest(...)`` writes them all. The arrays are typed without string
lengths, so a value too long for its column is refused by the column, never cut.

An upsert names its conflict columns. Rows with the same conflict key are reduced to the
last one first, as executing them one after the other would leave it (PostgreSQL refuses a
statement that would update one row twice).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _unbounded(column_type: Any) -> Any:
    """The array's element type: a string column's without its length. ``CAST(x AS
    VARCHAR(60)[])`` would cut a longer value silently; inserting unbounded text into the
    column lets the column refuse it, as a one-row INSERT does."""
    if isinstance(column_type, String) and column_type.length is not None:
        return String()
    return column_type


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``; with ``conflict`` and
    ``update``, a row whose conflict columns match a stored one updates those columns."""
    if not rows:
        return
    if conflict:
        rows = list({tuple(row[c] for c in conflict): row for row in rows}.values())
    if session.get_bind().dialect.name == "postgresql":
        names = list(rows[0])
        arrays = [
            bindparam(
                f"v_{name}",
                [row[name] for row in rows],
                type_=postgresql.ARRAY(_unbounded(table.c[name].type)),
            )
            for name in names
        ]
        source = func.unnest(*arrays).table_valued(*names).render_derived()
        pg: Any = postgresql.insert(table).from_select(names, select(*(source.c[n] for n in names)))
        if update:
            pg = pg.on_conflict_do_update(
                index_elements=list(conflict), set_={n: pg.excluded[n] for n in update}
            )
        session.execute(pg)
        return
    lite: Any = sqlite.insert(table)
    if update:
        lite = lite.on_conflict_do_update(
            index_elements=list(conflict), set_={n: lite.excluded[n] for n in update}
        )
    session.execute(lite, list(rows))
