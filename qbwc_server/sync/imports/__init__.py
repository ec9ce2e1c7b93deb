"""Imports from QuickBooks: one module per imported list or transaction.

``IMPORT_KINDS`` maps each import kind (the word of ``POST imports`` and ``qbwc import``) to
its request handler; ``HANDLERS`` are every import handler, the bill candidates' included.
The rules they share are in ``_base`` (pages, iterators, watermarks) and ``_apply`` (the
two-way rules of DESIGN.md section 2).
"""

from __future__ import annotations

from qbwc_server.sync.imports import (
    accounts,
    bills,
    classes,
    customers,
    items,
    payments,
    sales_tax_codes,
    terms,
    vendors,
)
from qbwc_server.sync.imports._base import ImportSpec, ListImport
from qbwc_server.sync.imports.bill_candidates import BillCandidates

SPECS: tuple[ImportSpec, ...] = (
    accounts.SPEC,
    items.SPEC,
    classes.SPEC,
    terms.SPEC,
    sales_tax_codes.SPEC,
    vendors.SPEC,
    customers.SPEC,
    payments.SPEC,
    bills.SPEC,
)
IMPORT_KINDS: dict[str, ListImport] = {spec.name: ListImport(spec) for spec in SPECS}
ACCOUNT_IMPORT = IMPORT_KINDS["accounts"]
BILL_CANDIDATES = BillCandidates()
HANDLERS: tuple[ListImport | BillCandidates, ...] = (*IMPORT_KINDS.values(), BILL_CANDIDATES)

__all__ = ["ACCOUNT_IMPORT", "BILL_CANDIDATES", "HANDLERS", "IMPORT_KINDS", "ListImport"]
