"""Query iterators: a snapshot of what matched, handed out page by page until done or expired."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from qbwc_server.simulator.quickbooks.queries import Match

_NAMESPACE = uuid.UUID("5f6d0b1c-2b1e-4e0a-9a55-7c1b3e0f4a10")


@dataclass
class Iterator:
    """One open iterator: which request started it, what is left, when it was last used."""

    iterator_id: str
    request_tag: str
    remaining: list[Match]
    include_lines: bool
    include: tuple[str, ...] | None
    last_used: datetime


@dataclass
class Iterators:
    """The open iterators of one company; ids are GUIDs in braces, as QuickBooks writes them."""

    ttl_seconds: int
    seed: str
    open: dict[str, Iterator] = field(default_factory=dict)
    counter: int = 0

    def start(
        self,
        request_tag: str,
        matches: list[Match],
        *,
        include_lines: bool,
        include: tuple[str, ...] | None,
        now: datetime,
    ) -> Iterator:
        """Open an iterator over ``matches``."""
        self.counter += 1
        iterator_id = "{" + str(uuid.uuid5(_NAMESPACE, f"{self.seed}/{self.counter}")) + "}"
        iterator = Iterator(iterator_id, request_tag, list(matches), include_lines, include, now)
        self.open[iterator_id] = iterator
        return iterator

    def resume(self, iterator_id: str, request_tag: str, now: datetime) -> Iterator | None:
        """The open iterator with this id for this request type, or None if unknown or expired."""
        iterator = self.open.get(iterator_id)
        if iterator is None or iterator.request_tag != request_tag:
            return None
        if (now - iterator.last_used).total_seconds() > self.ttl_seconds:
            del self.open[iterator_id]
            return None
        iterator.last_used = now
        return iterator

    def page(self, iterator: Iterator, size: int | None) -> list[Match]:
        """Take the next ``size`` matches (all when None); a finished iterator is closed."""
        count = len(iterator.remaining) if size is None else size
        taken, iterator.remaining = iterator.remaining[:count], iterator.remaining[count:]
        if not iterator.remaining:
            self.open.pop(iterator.iterator_id, None)
        return taken
