"""The documentation stays inside the project and names every setting there is."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from qbwc_server.config import Settings
from qbwc_server.models import CompanySettings

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_a_page_refers_to_nothing_outside_the_project(page: Path) -> None:
    text = page.read_text("utf-8")
    assert "../shared" not in text and "/work/" not in text
    for target in LINK.findall(text):
        if "://" in target:
            continue
        resolved = (page.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{page.name} links outside: {target}"
        assert resolved.exists(), f"{page.name} links to a missing file: {target}"


def test_the_docs_index_lists_every_page() -> None:
    index = (ROOT / "docs" / "README.md").read_text("utf-8")
    for page in PAGES[1:]:
        if page.name != "README.md":
            assert f"]({page.name})" in index, page.name


def test_every_server_setting_and_company_setting_is_documented() -> None:
    text = (ROOT / "docs" / "settings.md").read_text("utf-8")
    for field in fields(Settings):
        assert f"`QBWC_{field.name.upper()}`" in text, field.name
    for name in CompanySettings.model_fields:
        assert f"| `{name}` |" in text, name
