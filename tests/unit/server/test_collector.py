"""The cyclic collector is paused while an answer is applied (qbwc_server/collector.py)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from qbwc_server import collector


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_it_is_off_inside_and_on_again_after() -> None:
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_is_on_again_after_an_error() -> None:
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_it_stays_off_while_another_thread_is_still_paused() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector.paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(5)
    with collector.paused():
        pass
    assert not gc.isenabled()  # the other thread's answer is still being applied
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_it_leaves_the_collector_off_when_something_else_turned_it_off() -> None:
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_young_cycles_are_freed_while_the_collector_is_paused() -> None:
    import weakref

    class Node:
        other: object = None

    with collector.paused():
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle: reference counting alone never frees it
        gone = weakref.ref(a)
        del a, b
        assert gone() is not None
        collector.collect_young()
        assert gone() is None


def test_a_calls_cycles_are_freed_when_it_ends_while_another_keeps_it_paused() -> None:
    import weakref

    class Node:
        other: object = None

    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector.paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(5)
    with collector.paused():
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
    assert not gc.isenabled() and gone() is None
    release.set()
    thread.join(5)
