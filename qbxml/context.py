"""What every builder shares: the build context, references, addresses and element helpers.

Builders are pure functions ``(record, ctx) -> lxml element``. The context says which qbXML
version to write and whether to capitalise, and collects a FieldNote for every value that had
to be shortened or replaced so the caller can log it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from qbxml.errors import BuildError
from qbxml.fields import FieldNote, clean_text
from qbxml.values import format_amount, format_bool, format_date, format_datetime, format_decimal

SUPPORTED_VERSIONS = ("13.0", "12.0")


@dataclass(frozen=True)
class Ref:
    """A reference to a QuickBooks list object: by ListID when linked, else by FullName."""

    list_id: str | None = None
    full_name: str | None = None

    def __post_init__(self) -> None:
        if not self.list_id and not self.full_name:
            raise BuildError("a reference needs a ListID or a FullName")


@dataclass(frozen=True)
class Address:
    """A postal address as the app keeps it."""

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Identity:
    """What a Mod request needs to name the object it changes: its id and EditSequence."""

    id: str
    edit_sequence: str


@dataclass
class BuildContext:
    """Per-request build settings and the notes of what was changed to fit QuickBooks."""

    version: str = "13.0"
    uppercase: bool = False
    notes: list[FieldNote] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.version not in SUPPORTED_VERSIONS:
            raise BuildError(f"qbXML version {self.version} is not one we write")

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def text(
        self, path: str, value: str, max_len: int, *, multiline: bool = False, upper: bool = True
    ) -> str:
        """Clean ``value`` for a field at ``path`` (e.g. "CustomerAdd/Name")."""
        return clean_text(
            value,
            path=path,
            max_len=max_len,
            uppercase=self.uppercase and upper,
            multiline=multiline,
            notes=self.notes,
        )


def sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    """Append a child element ``tag`` (with ``text`` if given) and return it."""
    child = etree.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def add_text(
    ctx: BuildContext,
    parent: etree._Element,
    tag: str,
    value: str | None,
    max_len: int,
    *,
    multiline: bool = False,
    upper: bool = True,
) -> etree._Element | None:
    """Append ``<tag>value</tag>`` cleaned to the field's rules; nothing for an empty value."""
    if value is None:
        return None
    cleaned = ctx.text(f"{_path(parent)}/{tag}", value, max_len, multiline=multiline, upper=upper)
    if cleaned == "":
        return None
    return sub(parent, tag, cleaned)


def add_id(parent: etree._Element, tag: str, value: str | None) -> etree._Element | None:
    """Append an id-like value (ListID, TxnID, EditSequence) exactly as QuickBooks gave it."""
    if value is None or value == "":
        return None
    return sub(parent, tag, value)


def add_ref(parent: etree._Element, tag: str, ref: Ref | None) -> etree._Element | None:
    """Append ``<tagRef>`` naming a list object by ListID if known, else by FullName."""
    if ref is None:
        return None
    element = sub(parent, tag)
    if ref.list_id:
        sub(element, "ListID", ref.list_id)
    else:
        sub(element, "FullName", ref.full_name)
    return element


def add_amount(parent: etree._Element, tag: str, value: Decimal | None) -> etree._Element | None:
    """Append an AMTTYPE value (two decimals)."""
    return None if value is None else sub(parent, tag, format_amount(value))


def add_decimal(
    parent: etree._Element, tag: str, value: Decimal | None, places: int = 5
) -> etree._Element | None:
    """Append a QUANTYPE, PRICETYPE or PERCENTTYPE value."""
    return None if value is None else sub(parent, tag, format_decimal(value, places))


def add_date(parent: etree._Element, tag: str, value: date | None) -> etree._Element | None:
    """Append a DATETYPE value."""
    return None if value is None else sub(parent, tag, format_date(value))


def add_datetime(parent: etree._Element, tag: str, value: datetime | None) -> etree._Element | None:
    """Append a DATETIMETYPE value."""
    return None if value is None else sub(parent, tag, format_datetime(value))


def add_bool(parent: etree._Element, tag: str, value: bool | None) -> etree._Element | None:
    """Append a BOOLTYPE value."""
    return None if value is None else sub(parent, tag, format_bool(value))


def add_int(parent: etree._Element, tag: str, value: int | None) -> etree._Element | None:
    """Append an INTTYPE value."""
    return None if value is None else sub(parent, tag, str(value))


def _path(element: etree._Element) -> str:
    parts = []
    node: etree._Element | None = element
    while node is not None:
        parts.append(str(node.tag))
        node = node.getparent()
    return "/".join(reversed(parts))


def add_address(
    ctx: BuildContext,
    parent: etree._Element,
    tag: str,
    address: Address | None,
    *,
    name_line: str | None = None,
) -> etree._Element | None:
    """Append an address block (``BillAddress``, ``VendorAddress``, ...) in schema order.

    ``name_line``, when given, goes in Addr1 (QuickBooks prints it on documents) and the street
    lines move down one.
    """
    if address is None and name_line is None:
        return None
    element = sub(parent, tag)
    candidates = [name_line] + ([address.line1, address.line2] if address is not None else [])
    lines = [line for line in candidates if line]
    for number, line in enumerate(lines[:5], start=1):
        add_text(ctx, element, f"Addr{number}", line, 41)
    if address is not None:
        add_text(ctx, element, "City", address.city, 31)
        add_text(ctx, element, "State", address.state, 21)
        add_text(ctx, element, "PostalCode", address.postal_code, 13)
        add_text(ctx, element, "Country", address.country, 31)
    if len(element) == 0:
        parent.remove(element)
        return None
    return element


def request(tag: str) -> etree._Element:
    """A new, detached request element such as ``CustomerAddRq``; the envelope adds requestID."""
    return etree.Element(tag)
