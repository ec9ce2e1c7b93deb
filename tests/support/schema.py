"""Finding Intuit's qbXML schemas for tests; tests skip, saying why, when they are absent."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from lxml import etree

from qbxml.envelope import message_set
from qbxml.schema import load_schema, schema_file, validation_errors

VERSIONS = ("13.0", "12.0")
_DEFAULT = Path(__file__).resolve().parents[2].parent / "shared" / "qbxml-schema"


def schema_dir() -> Path:
    """QBXML_SCHEMA_DIR if set, else ../shared/qbxml-schema beside the project."""
    return Path(os.environ.get("QBXML_SCHEMA_DIR", str(_DEFAULT)))


@functools.cache
def _schema(version: str) -> etree.XMLSchema:
    return load_schema(schema_dir(), version)


def schema_for(version: str) -> etree.XMLSchema:
    """The loaded schema, or a pytest skip that says where it was looked for."""
    path = schema_file(schema_dir(), version)
    if not path.is_file():
        pytest.skip(f"Intuit's qbXML {version} schema is not at {path} (set QBXML_SCHEMA_DIR)")
    return _schema(version)


def assert_valid(document: str, version: str) -> None:
    """Fail with every schema error if ``document`` does not validate against ``version``."""
    errors = validation_errors(schema_for(version), document)
    assert not errors, "\n".join(errors) + "\n\n" + document[:4000]


def assert_request_valid(element: etree._Element, version: str) -> None:
    """Wrap one request element in an envelope and check it against the schema."""
    assert_valid(message_set([("1", element)], version=version), version)
