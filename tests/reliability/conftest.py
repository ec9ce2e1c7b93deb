"""Fixtures of the reliability suite: one database of a given kind, when a test needs one kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from request_queue.migrate import upgrade
from tests.support.databases import truncate_all


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'qbwc.db'}"
    upgrade(url)
    return url


@pytest.fixture
def postgres_url(_postgres_url: str) -> str:
    truncate_all(_postgres_url)
    return _postgres_url
