"""Typed models that validate app records, company settings and company bodies (pydantic v2).

Callers normally use ``validate_record``, ``merge_settings`` and ``default_settings``; each
raises ``RecordInvalid`` listing every bad field.
"""

from qbwc_server.models.records import (
    Address,
    Bill,
    BillLine,
    Class,
    CreditMemo,
    Customer,
    Invoice,
    InvoiceLine,
    Item,
    Payment,
    PaymentApplication,
    Project,
    Terms,
    User,
    Vendor,
)
from qbwc_server.models.settings import (
    CompanyCreate,
    CompanyPatch,
    CompanySettings,
    SettingsUpdate,
)
from qbwc_server.models.validation import (
    APP_KINDS,
    ERROR_CODES,
    IMPORTED_ONLY_KINDS,
    RECORD_MODELS,
    FieldError,
    RecordInvalid,
    default_settings,
    field_errors,
    merge_settings,
    validate_model,
    validate_record,
)

__all__ = [
    "APP_KINDS",
    "ERROR_CODES",
    "IMPORTED_ONLY_KINDS",
    "RECORD_MODELS",
    "Address",
    "Bill",
    "BillLine",
    "Class",
    "CompanyCreate",
    "CompanyPatch",
    "CompanySettings",
    "CreditMemo",
    "Customer",
    "FieldError",
    "Invoice",
    "InvoiceLine",
    "Item",
    "Payment",
    "PaymentApplication",
    "Project",
    "RecordInvalid",
    "SettingsUpdate",
    "Terms",
    "User",
    "Vendor",
    "default_settings",
    "field_errors",
    "merge_settings",
    "validate_model",
    "validate_record",
]
