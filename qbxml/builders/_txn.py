"""What the transaction builders (invoice, credit memo, bill, payment) share.

Money range checks, the Quantity x Rate = Amount rule, references checked against the
schema's lengths, the Mod identity, the transaction query (TxnID | RefNumber | filters, with
iterators), and small readers for Ret elements.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, TypeVar

from lxml import etree

from qbxml.children import Node
from qbxml.context import (
    BuildContext,
    Identity,
    Ref,
    add_bool,
    add_datetime,
    add_id,
    add_int,
    add_ref,
    add_text,
    request,
    sub,
)
from qbxml.errors import BuildError, ResponseError
from qbxml.fields import FieldNote, storable
from qbxml.responses import text_of
from qbxml.values import format_decimal

# FullName lengths of references: CustomerListRef, ListRef (class, account), SimpleListRef
# (terms, template, payment method), VendorListRef, SalesRepListRef (initials).
CUSTOMER_REF_MAX = 209
LIST_REF_MAX = 159
SIMPLE_REF_MAX = 31
VENDOR_REF_MAX = 41
SALES_REP_REF_MAX = 5
ID_MAX = 36
EDIT_SEQ_MAX = 16
NEW_LINE_ID = "-1"

_CENT = Decimal("0.01")
_PLACES5 = Decimal("0.00001")
# AMTTYPE is [+-]13 digits . 2 digits; PRICETYPE and QUANTYPE are [+-]10 digits . 1-5 digits.
_AMOUNT_LIMIT = Decimal("9999999999999.994")
_PRICE_LIMIT = Decimal("9999999999.999994")

_ID = re.compile(r"^[!-~]+$")

Iterator = Literal["Start", "Continue"]
_T = TypeVar("_T")


def checked_amount(value: Decimal, what: str) -> Decimal:
    """``value`` rounded to cents, or BuildError when it is not an amount QuickBooks holds."""
    if not value.is_finite() or abs(value) > _AMOUNT_LIMIT:
        raise BuildError(f"{what} {value} is outside QuickBooks' amount range")
    return value.quantize(_CENT, rounding=ROUND_HALF_UP) + 0  # "+ 0" turns -0.00 into 0.00


def _price(value: Decimal | None) -> Decimal | None:
    if value is None or not value.is_finite() or abs(value) > _PRICE_LIMIT:
        return None
    return value.quantize(_PLACES5, rounding=ROUND_HALF_UP) + 0


def line_money(
    ctx: BuildContext,
    path: str,
    quantity: Decimal | None,
    rate: Decimal | None,
    amount: Decimal,
    *,
    rate_tag: str = "Rate",
) -> tuple[Decimal | None, Decimal | None, Decimal]:
    """Decide which of Quantity, Rate (or Cost) and Amount a line sends.

    QuickBooks recomputes Amount from Quantity x Rate when both are sent, and the app's amount
    is the truth. Quantity and Rate go together only when, as sent (5 decimals), they give the
    amount to the cent. Otherwise the rate is left out and QuickBooks derives it from Amount /
    Quantity (the quantity still shows on the document); a quantity of 0 or one QuickBooks
    cannot hold is left out too. Anything left out is reported as a "replaced" FieldNote.
    """
    amt = checked_amount(amount, f"{path}/Amount")
    q, r = _price(quantity), _price(rate)
    if q is not None and r is not None and (q * r).quantize(_CENT, ROUND_HALF_UP) == amt:
        return q, r, amt
    if quantity is None and r is not None and r == amt:
        return None, r, amt
    kept = q if q is not None and (q != 0 or amt == 0) else None
    if rate is None and (quantity is None or kept is not None):
        return kept, None, amt
    pairs = (("Quantity", quantity), (rate_tag, rate))
    given = " x ".join(f"{tag} {value}" for tag, value in pairs if value is not None)
    sent = f"Amount {amt}" if kept is None else f"Quantity {format_decimal(kept)}, Amount {amt}"
    ctx.notes.append(FieldNote(f"{path}/{rate_tag}", "replaced", given, sent))
    return kept, None, amt


def checked_id(value: str | None, tag: str, max_len: int = ID_MAX) -> str:
    """An id-like value (ListID, TxnID, TxnLineID, EditSequence) as QuickBooks writes them:
    1 to ``max_len`` visible ASCII characters; BuildError otherwise."""
    if not value or len(value) > max_len or not _ID.match(value):
        raise BuildError(f"{tag} must be 1-{max_len} visible ASCII characters, not {value!r}")
    return value


def add_checked_ref(
    parent: etree._Element, tag: str, ref: Ref | None, max_len: int | None
) -> etree._Element | None:
    """add_ref, refusing (BuildError) a ListID or FullName that cannot name a QuickBooks object:
    longer than the schema allows, or with characters QuickBooks cannot store."""
    if ref is not None:
        if ref.list_id:
            checked_id(ref.list_id, f"{tag}/ListID")
        else:
            name = ref.full_name or ""
            if max_len is not None and len(name) > max_len:
                raise BuildError(f"{tag} FullName is longer than {max_len} characters")
            if storable(name) != name:
                raise BuildError(f"{tag} FullName has characters QuickBooks cannot store")
    return add_ref(parent, tag, ref)


def add_identity(parent: etree._Element, ident: Identity, id_tag: str = "TxnID") -> None:
    """Append the TxnID (or ListID) and EditSequence of the object a Mod request changes."""
    add_id(parent, id_tag, checked_id(ident.id, id_tag))
    add_id(parent, "EditSequence", checked_id(ident.edit_sequence, "EditSequence", EDIT_SEQ_MAX))


def line_id(txn_line_id: str | None) -> str:
    """The TxnLineID a line Mod sends: the known id, or "-1" for a line QuickBooks lacks."""
    return NEW_LINE_ID if not txn_line_id else checked_id(txn_line_id, "TxnLineID")


def _aware(value: datetime | None, what: str) -> datetime | None:
    if value is None:
        return None
    offset = value.utcoffset()
    if offset is None:
        raise BuildError(f"{what} needs a UTC offset")
    if offset.total_seconds() % 60:
        raise BuildError(f"{what} has an offset in seconds, which qbXML cannot write")
    return value


def _iterate(rq: etree._Element, iterator: str | None, iterator_id: str | None) -> None:
    if iterator is None:
        if iterator_id is not None:
            raise BuildError("iteratorID given without an iterator")
        return
    if iterator == "Continue":
        if not iterator_id:
            raise BuildError("iterator Continue needs the iteratorID QuickBooks returned")
        rq.set("iterator", iterator)
        rq.set("iteratorID", checked_id(iterator_id, "iteratorID", 100))
    elif iterator == "Start":
        if iterator_id is not None:
            raise BuildError("iterator Start takes no iteratorID")
        rq.set("iterator", iterator)
    else:
        raise BuildError(f"iterator must be Start or Continue, not {iterator!r}")


def txn_query(
    ctx: BuildContext,
    tag: str,
    *,
    ref_number_max: int,
    txn_ids: Sequence[str] = (),
    ref_numbers: Sequence[str] = (),
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
    entity: Ref | None = None,
    entity_with_children: bool = False,
    max_returned: int | None = None,
    include_line_items: bool | None = None,
    include_linked_txns: bool | None = None,
    iterator: Iterator | None = None,
    iterator_id: str | None = None,
) -> etree._Element:
    """A transaction QueryRq: by TxnIDs, by exact RefNumbers, or by filters (one of the three).

    RefNumbers are cleaned as the Add cleaned them, so a lookup finds what was sent.
    Modified times must carry a UTC offset.
    """
    rq = request(tag)
    _iterate(rq, iterator, iterator_id)
    filtered = (max_returned, modified_from, modified_to, entity) != (None,) * 4
    if sum(map(bool, (txn_ids, ref_numbers, filtered))) > 1:
        raise BuildError(f"{tag} takes TxnIDs, RefNumbers or filters, only one of them")
    for txn_id in txn_ids:
        add_id(rq, "TxnID", checked_id(txn_id, "TxnID"))
    if ref_numbers:
        for ref_number in ref_numbers:
            add_text(ctx, rq, "RefNumber", ref_number, ref_number_max)
        if len(rq) == 0:
            raise BuildError(f"{tag}: no usable RefNumber to look for")
    if max_returned is not None and max_returned < 1:
        raise BuildError("MaxReturned must be at least 1")
    add_int(rq, "MaxReturned", max_returned)
    start, end = _aware(modified_from, "FromModifiedDate"), _aware(modified_to, "ToModifiedDate")
    if start is not None and end is not None and start > end:
        raise BuildError("FromModifiedDate is after ToModifiedDate")
    if start is not None or end is not None:
        window = sub(rq, "ModifiedDateRangeFilter")
        add_datetime(window, "FromModifiedDate", start)
        add_datetime(window, "ToModifiedDate", end)
    if entity is not None:
        add_checked_ref(rq, "EntityFilter", entity, CUSTOMER_REF_MAX)
        if entity_with_children:
            child = rq[-1][0]
            child.tag = f"{child.tag}WithChildren"
    add_bool(rq, "IncludeLineItems", include_line_items)
    add_bool(rq, "IncludeLinkedTxns", include_linked_txns)
    return rq


def required_text(el: Node, tag: str) -> str:
    """The text of child ``tag``; ResponseError when it is absent or empty."""
    value = text_of(el, tag)
    if not value:
        raise ResponseError(f"{el.tag} has no {tag}")
    return value


def lines_of(
    el: Node,
    line_tag: str,
    group_tag: str,
    parse: Callable[[etree._Element, str | None], _T],
) -> tuple[_T, ...]:
    """Every ``line_tag`` child of ``el``, including those inside ``group_tag`` (item groups),
    which are parsed with the group's TxnLineID."""
    found: list[_T] = []
    for child in el:
        if child.tag == line_tag:
            found.append(parse(child, None))
        elif child.tag == group_tag:
            group_id = required_text(child, "TxnLineID")
            found.extend(parse(row, group_id) for row in child if row.tag == line_tag)
    return tuple(found)
