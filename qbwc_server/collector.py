"""Python's cyclic garbage collector on the hot paths.

Applying a big answer allocates hundreds of thousands of small objects (the Ret values, rows,
parameters) that reference counting frees by itself. Each allocation burst still triggers
collections, and the full ones walk every object the worker holds: measured in
bench/bulk_answers.py, about a third of the time of a 10,000-account answer.

- ``paused`` turns the collector off for the span of one call. Threads share it: it is on
  again when the last paused call ends (and stays off if something else turned it off).
  Each paused call collects the young generations as it ends, so its own reference cycles
  go even while busy threads keep the collector off.
- ``collect_young`` does that between the chunks of one big answer too: the statements
  SQLAlchemy built hold the values bound to them in cycles, and a paused collector kept a
  whole answer's worth (5 times the body instead of 3, PostgreSQL, 10,000 accounts), at no
  measurable cost in time.
- ``freeze_startup`` moves what a worker loaded at start (modules, the spyne application,
  SQLAlchemy's metadata) out of the collector's reach, so the collections that do run stay
  short.
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
        # The call's own cycles go now, even if another thread keeps the collector off (busy
        # threads could otherwise keep it off for good): the young generations only, which
        # hold what was made since the last collection.
        collect_young()


def collect_young() -> None:
    """Collect the young generations (what was made since the collector was paused)."""
    gc.collect(1)


def freeze_startup() -> None:
    """After a worker has built its application: what exists now is never collected."""
    gc.collect()
    gc.freeze()
