"""The in-process harness for the import tests, on both databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qbwc_server.config import Settings
from tests.conftest import Clock
from tests.support.inprocess import Harness


@pytest.fixture
def harness(settings: Settings, clock: Clock) -> Iterator[Harness]:
    h = Harness(settings, clock)
    yield h
    h.close()
