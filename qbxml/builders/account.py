"""AccountQuery requests and AccountRet parsing (the chart of accounts is import-only).

qbXML has no iterator on AccountQuery; a chart of accounts comes back in one answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal, get_args

from lxml import etree

from qbxml.builders._list import FULL_NAME_MAX, ActiveStatus, list_query
from qbxml.children import Children
from qbxml.context import BuildContext
from qbxml.errors import BuildError
from qbxml.responses import RefValue, bool_of, datetime_of, decimal_of, int_of, ref_of, text_of

# xsd:maxLength in qbxml130.xsd (the same in 12.0): AccountRet/FullName; Name is 31.
ACCOUNT_FULL_NAME_MAX = FULL_NAME_MAX

AccountType = Literal[
    "AccountsPayable",
    "AccountsReceivable",
    "Bank",
    "CostOfGoodsSold",
    "CreditCard",
    "Equity",
    "Expense",
    "FixedAsset",
    "Income",
    "LongTermLiability",
    "NonPosting",
    "OtherAsset",
    "OtherCurrentAsset",
    "OtherCurrentLiability",
    "OtherExpense",
    "OtherIncome",
]
ACCOUNT_TYPES: tuple[str, ...] = get_args(AccountType)


def account_query(
    ctx: BuildContext,
    *,
    list_ids: Sequence[str] = (),
    full_names: Sequence[str] = (),
    max_returned: int | None = None,
    active_status: ActiveStatus | None = None,
    modified_from: datetime | None = None,
    modified_to: datetime | None = None,
    account_types: Sequence[AccountType] = (),
    include_ret_elements: Sequence[str] = (),
) -> etree._Element:
    """AccountQueryRq by ListIDs, FullNames, or filters (active status, modified time, types)."""
    for account_type in account_types:
        if account_type not in ACCOUNT_TYPES:
            raise BuildError(f"AccountType {account_type!r} is not one QuickBooks knows")
    return list_query(
        ctx,
        "AccountQueryRq",
        full_name_max=ACCOUNT_FULL_NAME_MAX,
        list_ids=list_ids,
        full_names=full_names,
        max_returned=max_returned,
        active_status=active_status,
        modified_from=modified_from,
        modified_to=modified_to,
        filter_tail=[("AccountType", t) for t in dict.fromkeys(account_types)],
        include_ret_elements=include_ret_elements,
    )


@dataclass(frozen=True)
class AccountRet:
    """An AccountRet as typed values. ``account_type`` and ``special_account_type`` are kept
    as QuickBooks' enumeration strings ("Income", "AccountsReceivable", ...)."""

    list_id: str | None
    time_created: datetime | None
    time_modified: datetime | None
    edit_sequence: str | None
    name: str | None
    full_name: str | None
    is_active: bool | None
    parent: RefValue | None
    sublevel: int | None
    account_type: str | None
    special_account_type: str | None
    account_number: str | None
    description: str | None
    balance: Decimal | None
    total_balance: Decimal | None
    tax_line_id: int | None
    tax_line_name: str | None


def parse_account_ret(element: etree._Element) -> AccountRet:
    """Read an AccountRet element (every field optional: IncludeRetElement can trim any)."""
    el = Children(element)
    return AccountRet(
        list_id=text_of(el, "ListID"),
        time_created=datetime_of(el, "TimeCreated"),
        time_modified=datetime_of(el, "TimeModified"),
        edit_sequence=text_of(el, "EditSequence"),
        name=text_of(el, "Name"),
        full_name=text_of(el, "FullName"),
        is_active=bool_of(el, "IsActive"),
        parent=ref_of(el, "ParentRef"),
        sublevel=int_of(el, "Sublevel"),
        account_type=text_of(el, "AccountType"),
        special_account_type=text_of(el, "SpecialAccountType"),
        account_number=text_of(el, "AccountNumber"),
        description=text_of(el, "Desc"),
        balance=decimal_of(el, "Balance"),
        total_balance=decimal_of(el, "TotalBalance"),
        tax_line_id=int_of(el, "TaxLineInfoRet/TaxLineID"),
        tax_line_name=text_of(el, "TaxLineInfoRet/TaxLineName"),
    )
