"""The company file: objects by type, the id counters and the clock that stamps every change."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from qbwc_server.simulator.quickbooks.catalog import OBJECT_TYPES, ObjectType
from qbwc_server.simulator.quickbooks.convert import Data

DEFAULT_START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=timezone(timedelta(hours=-8)))
FIRST_LIST_COUNTER = 0x80000000


class Clock:
    """The company's clock: a caller's clock, or a deterministic one that moves 1 s per change."""

    def __init__(self, supplied: Callable[[], datetime] | None = None) -> None:
        self._supplied = supplied
        self._current = DEFAULT_START

    def now(self) -> datetime:
        """The current time (does not move the deterministic clock)."""
        return self._supplied() if self._supplied is not None else self._current

    def tick(self) -> datetime:
        """The time of a new change; the deterministic clock moves on one second first."""
        if self._supplied is not None:
            return self._supplied()
        self._current += timedelta(seconds=1)
        return self._current

    def advance(self, seconds: float) -> None:
        """Move the deterministic clock forward (tests of iterator expiry)."""
        if self._supplied is not None:
            raise RuntimeError("the clock was supplied by the caller; move that clock instead")
        self._current += timedelta(seconds=seconds)

    def set(self, value: datetime) -> None:
        """Put the deterministic clock at ``value`` (restoring a dump)."""
        if self._supplied is None:
            self._current = value


class Company:
    """Every object of the company file plus the counters QuickBooks derives ids from."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.objects: dict[str, dict[str, Data]] = {name: {} for name in OBJECT_TYPES}
        self.list_counter = FIRST_LIST_COUNTER
        self.txn_counter = 0
        self.txn_number = 0

    # ids -----------------------------------------------------------------------------------
    def new_list_id(self, at: datetime) -> str:
        """A ListID like 80000001-1767632401: hex counter, then the creation epoch."""
        self.list_counter += 1
        return f"{self.list_counter:08X}-{int(at.timestamp())}"

    def new_txn_id(self, at: datetime) -> str:
        """A TxnID or TxnLineID like 1A-1767632401 (one counter for both, as QuickBooks)."""
        self.txn_counter += 1
        return f"{self.txn_counter:X}-{int(at.timestamp())}"

    def next_txn_number(self) -> str:
        """The next TxnNumber."""
        self.txn_number += 1
        return str(self.txn_number)

    # lookups -------------------------------------------------------------------------------
    def get(self, otype: str, object_id: str) -> Data | None:
        """The object of ``otype`` with ListID/TxnID ``object_id``."""
        return self.objects[otype].get(object_id)

    def find_id(self, otypes: tuple[str, ...], object_id: str) -> tuple[ObjectType, Data] | None:
        """The object with this id among ``otypes``."""
        for name in otypes:
            found = self.objects[name].get(object_id)
            if found is not None:
                return OBJECT_TYPES[name], found
        return None

    def find_name(self, otypes: tuple[str, ...], full_name: str) -> tuple[ObjectType, Data] | None:
        """The object whose full name is ``full_name`` (case-insensitive, as QuickBooks)."""
        wanted = full_name.casefold()
        for name in otypes:
            for data in self.objects[name].values():
                if display_name(OBJECT_TYPES[name], data).casefold() == wanted:
                    return OBJECT_TYPES[name], data
        return None

    def iter_type(self, otype: str) -> Iterator[Data]:
        """Objects of ``otype`` in creation order."""
        return iter(list(self.objects[otype].values()))

    # snapshots -----------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """A deep copy of everything a rollback must restore."""
        return copy.deepcopy({"objects": self.objects, "counters": self.counters()})

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Put back what ``snapshot`` took."""
        self.objects = copy.deepcopy(snapshot["objects"])
        counters = snapshot["counters"]
        self.list_counter = counters["list"]
        self.txn_counter = counters["txn"]
        self.txn_number = counters["txn_number"]

    def counters(self) -> dict[str, int]:
        """The id counters, for dumps."""
        return {"list": self.list_counter, "txn": self.txn_counter, "txn_number": self.txn_number}

    def set_counters(self, counters: dict[str, int]) -> None:
        """Restore id counters (never moving them backwards past existing ids)."""
        self.list_counter = max(self.list_counter, int(counters.get("list", 0)))
        self.txn_counter = max(self.txn_counter, int(counters.get("txn", 0)))
        self.txn_number = max(self.txn_number, int(counters.get("txn_number", 0)))


def display_name(otype: ObjectType, data: Data) -> str:
    """What a reference's FullName holds for this object (FullName, Name or Initial)."""
    if otype.is_txn:
        return str(data.get("RefNumber", ""))
    value = data.get("FullName") or data.get(otype.name_field) or data.get("Name") or ""
    return str(value)
