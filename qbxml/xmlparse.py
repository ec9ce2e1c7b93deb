"""The one hardened XML parser used everywhere in this project.

No DTDs, no entity expansion, no network access; text nodes over 10 MB are allowed because
QuickBooks answers large queries in one document.
"""

from __future__ import annotations

import re

from lxml import etree

from qbxml.errors import XmlParseError

# The encoding named in an XML declaration; a str is already decoded, so it no longer applies.
_DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?\sencoding\s*=\s*)(["'])[^"']*\2""")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=True,
        remove_comments=False,
        remove_pis=False,
    )


def parse_xml(data: bytes | str, *, what: str = "XML") -> etree._Element:
    """Parse ``data`` and return its root element.

    Raises XmlParseError for anything that is not well-formed, for empty input, and for any
    document that carries a DOCTYPE (and so could declare entities).
    """
    if isinstance(data, str):
        # A str is already decoded: whatever encoding its declaration names, it is UTF-8 now.
        data = _DECLARED_ENCODING.sub(r"\1\2utf-8\2", data, count=1).encode("utf-8")
    if not data.strip():
        raise XmlParseError(f"{what} is empty")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise XmlParseError(f"{what} is not well-formed: {exc}") from exc
    except ValueError as exc:  # e.g. a str with an encoding declaration, or NUL bytes
        raise XmlParseError(f"{what} cannot be read: {exc}") from exc
    tree = root.getroottree()
    docinfo = tree.docinfo
    # lxml-stubs lack DocInfo.doctype; the attribute exists on every lxml we support.
    if getattr(docinfo, "doctype", None) or docinfo.internalDTD is not None:
        raise XmlParseError(f"{what} carries a DOCTYPE, which is refused")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise XmlParseError(f"{what} uses an entity reference, which is refused")
    return root
