"""What ``bash scripts/setup.sh`` installs: PostgreSQL works after the README's own setup."""

from __future__ import annotations

import configparser
from pathlib import Path

SETUP_CFG = Path(__file__).resolve().parents[2] / "setup.cfg"


def _requirements(section: str, key: str) -> list[str]:
    config = configparser.ConfigParser()
    config.read(SETUP_CFG)
    return [line.strip() for line in config[section][key].splitlines() if line.strip()]


def test_the_postgresql_driver_is_installed_with_the_package_itself() -> None:
    # setup.sh installs no extra, so a postgresql:// URL needs psycopg in install_requires
    assert any(
        r.startswith("psycopg[binary]") for r in _requirements("options", "install_requires")
    )
    assert any(r.startswith("psycopg") for r in _requirements("options.extras_require", "postgres"))


def test_the_test_extra_has_schemathesis() -> None:
    assert any(
        r.startswith("schemathesis") for r in _requirements("options.extras_require", "test")
    )
