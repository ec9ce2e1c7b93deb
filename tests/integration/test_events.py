"""The event feed's store on SQLite and PostgreSQL: per-company seqs with no gaps, in commit
order, under concurrent writers; a cursor resumes exactly; ids are read from links."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from request_queue.store import Store

WRITES = 200


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    yield store
    store.dispose()


def _company(store: Store, username: str = "acme") -> int:
    with store.transaction() as tx:
        return tx.companies.create(
            name="Acme",
            qbwc_username=username,
            password_hash="x",
            owner_id="{o}",
            file_id="{f}",
            settings={},
        ).id


def _emit(store: Store, company_id: int, record_id: str) -> None:
    with store.transaction() as tx:
        tx.events.emit(company_id, "linked", record_kind="customer", record_id=record_id)


def _all(store: Store, company_id: int, after: int = 0) -> list[tuple[int, str]]:
    with store.transaction() as tx:
        return [(e.seq, e.record_id) for e in tx.events.after(company_id, after, 10_000)]


def test_two_concurrent_writers_get_gap_free_seqs_a_polling_reader_misses_none(
    store: Store,
) -> None:
    cid = _company(store)
    errors: list[BaseException] = []
    done = threading.Event()

    def writer(name: str) -> None:
        try:
            for i in range(WRITES):
                _emit(store, cid, f"{name}-{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)

    seen: list[int] = []

    def reader() -> None:
        cursor = 0
        try:
            while True:
                finished = done.is_set()
                with store.transaction() as tx:
                    rows = tx.events.after(cid, cursor, 50)
                seen.extend(e.seq for e in rows)
                if rows:
                    cursor = rows[-1].seq
                elif finished:
                    return
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b")]
    polling = threading.Thread(target=reader)
    polling.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    polling.join()
    assert errors == []
    events = _all(store, cid)
    assert [seq for seq, _ in events] == list(range(1, 2 * WRITES + 1))
    # Each writer's events are in its own order, and none is lost or doubled.
    for name in ("a", "b"):
        mine = [rid for _, rid in events if rid.startswith(f"{name}-")]
        assert mine == [f"{name}-{i}" for i in range(WRITES)]
    # The reader, polling from its cursor while both wrote, saw every seq exactly once.
    assert seen == list(range(1, 2 * WRITES + 1))


def test_a_later_writer_waits_so_seqs_appear_in_commit_order(
    store: Store, database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite runs one writing transaction at a time (BEGIN IMMEDIATE)")
    cid = _company(store)
    took_seq, second_started = threading.Event(), threading.Event()
    seqs: dict[str, int] = {}

    def first() -> None:
        with store.transaction() as tx:
            tx.events.emit(cid, "linked", record_kind="customer", record_id="first")
            tx.events.flush()  # takes seq 1 and holds the company row until commit
            took_seq.set()
            second_started.wait(5)
            time.sleep(0.3)  # the second writer is now waiting for our commit
            seen_inside = tx.events.after(cid, 0, 10)
        seqs["first"] = seen_inside[0].seq

    def second() -> None:
        took_seq.wait(5)
        second_started.set()
        _emit(store, cid, "second")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    second_started.wait(5)
    time.sleep(0.1)
    assert _all(store, cid) == []  # neither has committed: a reader sees no event yet
    for t in threads:
        t.join()
    assert seqs["first"] == 1
    assert _all(store, cid) == [(1, "first"), (2, "second")]


def test_a_rolled_back_transaction_leaves_no_gap(store: Store) -> None:
    cid = _company(store)
    _emit(store, cid, "c1")
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.events.emit(cid, "failed", record_kind="customer", record_id="lost")
        tx.events.flush()
        raise RuntimeError("roll back")
    _emit(store, cid, "c2")
    assert _all(store, cid) == [(1, "c1"), (2, "c2")]


def test_each_company_counts_its_own_seqs_and_a_cursor_resumes_exactly(store: Store) -> None:
    a, b = _company(store, "a"), _company(store, "b")
    with store.transaction() as tx:  # one transaction writing for both companies
        for i in range(5):
            tx.events.emit(a, "linked", record_kind="invoice", record_id=f"a{i}")
            tx.events.emit(b, "imported", record_kind="vendor", record_id=f"b{i}")
    _emit(store, a, "a5")
    assert [seq for seq, _ in _all(store, a)] == [1, 2, 3, 4, 5, 6]
    assert [seq for seq, _ in _all(store, b)] == [1, 2, 3, 4, 5]
    with store.transaction() as tx:
        page = tx.events.after(a, 2, 3)
        rest = tx.events.after(a, page[-1].seq, 100)
        nothing = tx.events.after(a, 6, 100)
    assert [(e.seq, e.record_id) for e in page] == [(3, "a2"), (4, "a3"), (5, "a4")]
    assert [(e.seq, e.record_id) for e in rest] == [(6, "a5")]
    assert nothing == []


def test_ids_come_from_the_link_as_it_stands_at_commit(store: Store) -> None:
    cid = _company(store)
    with store.transaction() as tx:
        tx.events.emit(
            cid,
            "linked",
            record_kind="customer",
            record_id="c1",
            details={"how": "added"},
            link_role="",
        )
        tx.records.link(
            cid,
            "customer",
            "c1",
            qb_id="80000001-1",
            edit_sequence="1700000000",
            full_name="Lovelace, Ada",
            qb_time_modified=None,
        )
        tx.events.emit(cid, "failed", record_kind="customer", record_id="c2", link_role="")
    with store.transaction() as tx:
        linked, failed = tx.events.after(cid, 0, 10)
    assert (linked.qb_id, linked.details) == (
        "80000001-1",
        {"how": "added", "edit_sequence": "1700000000"},
    )
    assert (failed.qb_id, failed.details) == (None, {})


def test_failed_for_the_records_of_requests(store: Store) -> None:
    cid = _company(store)
    with store.transaction() as tx:
        inv = tx.queue.enqueue(
            cid, entity="invoice", action="export", record_kind="invoice", record_id="i1"
        )
        imp = tx.queue.enqueue(cid, entity="account", action="import")
        tx.events.emit_for_requests(cid, "failed", [imp.id, inv.id], {"reason": "no customer"})
    with store.transaction() as tx:
        (event,) = tx.events.after(cid, 0, 10)
    assert (event.event, event.record_kind, event.record_id) == ("failed", "invoice", "i1")
    assert event.details == {
        "entity": "invoice",
        "action": "export",
        "request_id": inv.id,
        "reason": "no customer",
    }


def test_an_unknown_event_is_refused(store: Store) -> None:
    cid = _company(store)
    with store.transaction() as tx, pytest.raises(ValueError, match="unknown event"):
        tx.events.emit(cid, "deleted", record_kind="customer", record_id="c1")
