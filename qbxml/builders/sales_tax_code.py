"""SalesTaxCodeQuery requests and SalesTaxCodeRet parsing (sales tax codes are import-only).

qbXML has no iterator on SalesTaxCodeQuery. Codes are three characters ("Tax", "Non") and have
no hierarchy, so a code's FullName is its Name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from qbxml.builders._list import ActiveStatus, list_query
from qbxml.children import Children
from qbxml.context import BuildContext
from qbxml.responses import RefValue, bool_of, datetime_of, ref_of, text_of

# xsd:maxLength in qbxml130.xsd (the same in 12.0): SalesTaxCodeRet/Name, SalesTaxCodeRef.
NAME_MAX = 3
DESC_MAX = 31


def sales_tax_code_query(
    ctx: BuildContext,
    *,
    list_ids: Sequence[str] = (),
    full_names: Sequence[str] = (),
    max_returned: int | None = None,
    active_status: ActiveStatus | None = None,
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
    include_ret_elements: Sequence[str] = (),
) -> etree._Element:
    """SalesTaxCodeQueryRq by ListIDs, names (FullName), or filters."""
    return list_query(
        ctx,
        "SalesTaxCodeQueryRq",
        full_name_max=NAME_MAX,
        list_ids=list_ids,
        full_names=full_names,
        max_returned=max_returned,
        active_status=active_status,
        modified_from=modified_from,
        modified_to=modified_to,
        include_ret_elements=include_ret_elements,
    )


@dataclass(frozen=True)
class SalesTaxCodeRet:
    """A SalesTaxCodeRet as typed values."""

    list_id: str | None
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    name: str | None
    is_active: bool | None
    is_taxable: bool | None
    description: str | None
    item_purchase_tax: RefValue | None
    item_sales_tax: RefValue | None


def parse_sales_tax_code_ret(element: etree._Element) -> SalesTaxCodeRet:
    """Read a SalesTaxCodeRet element.

    Leniency, on purpose: a FullName child (which the schema does not have here, but Intuit's
    own IncludeRetElement example shows) is read as the Name when Name is absent, since a
    code's FullName and Name are the same thing.
    """
    el = Children(element)
    return SalesTaxCodeRet(
        list_id=text_of(el, "ListID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        name=text_of(el, "Name") if text_of(el, "Name") is not None else text_of(el, "FullName"),
        is_active=bool_of(el, "IsActive"),
        is_taxable=bool_of(el, "IsTaxable"),
        description=text_of(el, "Desc"),
        item_purchase_tax=ref_of(el, "ItemPurchaseTaxRef"),
        item_sales_tax=ref_of(el, "ItemSalesTaxRef"),
    )
