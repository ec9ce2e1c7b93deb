"""What the customer, vendor and employee builders share: a person's name and contact fields,
and reading them back from a Ret."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from qbxml.children import Node
from qbxml.context import BuildContext, add_text
from qbxml.responses import text_of

# xsd:maxLength in qbxml130.xsd (the same in 12.0) for CustomerAdd, VendorAdd, EmployeeAdd.
COMPANY_NAME_MAX = 41
FIRST_NAME_MAX = 25
LAST_NAME_MAX = 25
PHONE_MAX = 21
EMAIL_MAX = 1023
NOTES_MAX = 4095


@dataclass(frozen=True)
class AddressValue:
    """An address read back from QuickBooks."""

    lines: tuple[str, ...]
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None


def add_person(
    ctx: BuildContext, body: etree._Element, first_name: str | None, last_name: str | None
) -> None:
    """FirstName and LastName (MiddleName, Salutation and Suffix are not kept by the app)."""
    add_text(ctx, body, "FirstName", first_name, FIRST_NAME_MAX)
    add_text(ctx, body, "LastName", last_name, LAST_NAME_MAX)


def add_contact(
    ctx: BuildContext, body: etree._Element, phone: str | None, mobile: str | None
) -> None:
    """Phone and Mobile, cleaned and cut to QuickBooks' 21 characters."""
    add_text(ctx, body, "Phone", phone, PHONE_MAX, upper=False)
    add_text(ctx, body, "Mobile", mobile, PHONE_MAX, upper=False)


def add_email(ctx: BuildContext, body: etree._Element, email: str | None) -> None:
    """Email is never capitalised (the uppercase setting is for names and text)."""
    add_text(ctx, body, "Email", email, EMAIL_MAX, upper=False)


def read_address(el: Node, tag: str) -> AddressValue | None:
    """An address block (BillAddress, VendorAddress, EmployeeAddress) from a Ret."""
    block = el.find(tag)
    if block is None:
        return None
    lines = tuple(t for n in range(1, 6) if (t := text_of(block, f"Addr{n}")))
    return AddressValue(
        lines,
        text_of(block, "City"),
        text_of(block, "State"),
        text_of(block, "PostalCode"),
        text_of(block, "Country"),
    )
