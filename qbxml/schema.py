"""Loading Intuit's qbXML schemas (kept outside the project) and validating documents."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from qbxml.xmlparse import parse_xml

_ENTRY = {"13.0": "qbxmlops130.xsd", "12.0": "qbxmlops120.xsd"}


def schema_file(directory: Path, version: str) -> Path:
    """The entry file of a version's schema, e.g. <directory>/13.0/qbxmlops130.xsd."""
    return directory / version / _ENTRY[version]


def load_schema(directory: Path, version: str) -> etree.XMLSchema:
    """Load the qbXML schema of ``version`` from ``directory``; no network access."""
    path = schema_file(directory, version)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.XMLSchema(etree.parse(str(path), parser=parser))


def validation_errors(schema: etree.XMLSchema, document: str | bytes) -> list[str]:
    """Every schema error in ``document`` as 'line N: message'; empty when it validates."""
    root = parse_xml(document, what="qbXML")
    if schema.validate(root.getroottree()):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]  # type: ignore[attr-defined]
