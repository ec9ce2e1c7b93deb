"""Python's cyclic garbage collector on the hot paths.

Applying a big answer allocates hundreds of thousands of small objects (the Ret values, rows,
parameters) that reference counting frees by itself. Each allocation burst still triggers
collections, and the full ones walk every object the worker holds: measured in
bench/bulk_answers.py, about a third of the time of a 10,000-account answer. ``paused`` turns
the collector off for the span of one call (threads share it: it is on again when the last
paused call ends, and stays off if something else turned it off); ``collect_young`` frees,
between the chunks of one big answer, the garbage in reference cycles the chunk left (the
statements SQLAlchemy built, with the values bound to them): without it a paused collector
kept a whole answer's worth, 5 times the body instead of 3 (measured on PostgreSQL, 10,000
accounts), at no measurable cost in time. ``freeze_startup`` moves
what a worker loaded at start (modules, the spyne application, SQLAlchemy's metadata) out of
the collector's reach, so the collections that do run stay short.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0
_was_enabled = True


@contextmanager
def paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (reference counting still frees)."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def collect_young() -> None:
    """Collect the young generations (what was made since the collector was paused)."""
    gc.collect(1)


def freeze_startup() -> None:
    """After a worker has built its application: what exists now is never collected."""
    gc.collect()
    gc.freeze()
