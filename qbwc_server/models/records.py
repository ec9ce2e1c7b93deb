"""One pydantic model per app record kind (DESIGN.md section 4, "Record kinds").

Field names are exactly the contract's; ``?`` fields are optional (``None`` = absent).
Every model forbids unknown fields and coerces nothing: see ``fields`` for the rules.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from qbwc_server.models.fields import (
    STRICT,
    AddressLine,
    Day,
    DayCount,
    LongText,
    Money,
    Name,
    Percent,
    Quantity,
    RefId,
    ShortText,
    Timestamp,
)


class Record(BaseModel):
    """Base of the record models: strict, and unknown fields are errors."""

    model_config = STRICT


class Address(Record):
    """A postal address; every part optional."""

    line1: AddressLine | None = None
    line2: AddressLine | None = None
    city: ShortText | None = None
    state: ShortText | None = None
    postal_code: ShortText | None = None
    country: ShortText | None = None


class Customer(Record):
    """A customer (QuickBooks Customer)."""

    first_name: Name
    last_name: Name
    company_name: ShortText | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    mobile: ShortText | None = None
    billing_address: Address | None = None


class Project(Record):
    """A project: a QuickBooks Customer:Job under its customer."""

    number: Name
    customer_id: RefId
    name: ShortText | None = None
    address: Address | None = None
    contract_date: Day | None = None
    sales_rep_user_id: RefId | None = None
    class_id: RefId | None = None
    work_completed: bool | None = None


class User(Record):
    """An app user: an Employee, a 1099 Vendor, or neither, and maybe a sales rep."""

    first_name: Name
    last_name: Name
    employment_type: Literal["employee", "1099_vendor", "none"]
    email: ShortText | None = None
    phone: ShortText | None = None
    initials: ShortText | None = None


class Vendor(Record):
    """A vendor (installer, supplier or vendor); ``updated_at`` decides 2-way conflicts."""

    name: Name
    vendor_type: Literal["installer", "supplier", "vendor"]
    company_name: ShortText | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    address: Address | None = None
    terms_id: RefId | None = None
    updated_at: Timestamp


class Item(Record):
    """An invoice item (a QuickBooks service item)."""

    name: Name
    description: LongText | None = None
    rate: Money | None = None
    income_account_id: RefId | None = None
    class_id: RefId | None = None
    taxable: bool | None = None


class Class(Record):
    """A QuickBooks class, optionally under a parent class."""

    name: Name
    parent_id: RefId | None = None


class Terms(Record):
    """Payment terms: due in ``due_days``, with an optional early-payment discount."""

    name: Name
    due_days: DayCount
    discount_days: DayCount | None = None
    discount_percent: Percent | None = None


class InvoiceLine(Record):
    """One line of an invoice or credit memo."""

    item_id: RefId
    description: LongText | None = None
    quantity: Quantity | None = None
    rate: Money | None = None
    amount: Money
    class_id: RefId | None = None


class Invoice(Record):
    """An invoice for a project; at least one line."""

    number: Name
    project_id: RefId
    date: Day
    due_date: Day | None = None
    terms_id: RefId | None = None
    class_id: RefId | None = None
    memo: LongText | None = None
    po_number: ShortText | None = None
    lines: list[InvoiceLine] = Field(min_length=1)


class PaymentApplication(Record):
    """The part of a payment applied to one invoice."""

    invoice_id: RefId
    amount: Money


class Payment(Record):
    """A payment received for a project, applied to its invoices (possibly none yet)."""

    project_id: RefId
    date: Day
    amount: Money
    method: ShortText | None = None
    reference: ShortText | None = None
    memo: LongText | None = None
    applications: list[PaymentApplication]


class BillLine(Record):
    """One line of a bill: charged to an account or to an item, never both."""

    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "oneOf": [
                {"required": [key], "properties": {key: {"type": "string"}}}
                for key in ("account_id", "item_id")
            ]
        },
    )

    account_id: RefId | None = None
    item_id: RefId | None = None
    amount: Money
    description: LongText | None = None
    class_id: RefId | None = None

    @model_validator(mode="after")
    def _account_or_item(self) -> BillLine:
        if (self.account_id is None) == (self.item_id is None):
            raise PydanticCustomError("invalid", "must have exactly one of account_id or item_id")
        return self


class Bill(Record):
    """A bill (expense) from a vendor charged to a project; at least one line."""

    vendor_id: RefId
    project_id: RefId
    number: ShortText | None = None
    date: Day
    due_date: Day | None = None
    memo: LongText | None = None
    status: Literal["pending", "approved", "paid"]
    lines: list[BillLine] = Field(min_length=1)


class CreditMemo(Record):
    """A credit memo for a project; its lines are invoice lines."""

    number: Name
    project_id: RefId
    date: Day
    memo: LongText | None = None
    lines: list[InvoiceLine] = Field(min_length=1)
