"""One module per exported entity; ``spec_for`` picks the export of a record.

A user is exported as an Employee (employment type employee) or a Vendor (1099_vendor), and
as a SalesRep (role "sales_rep") when a project names it as its sales rep.
"""

from __future__ import annotations

from typing import Any

from qbwc_server.sync.exports import (
    bill,
    class_,
    credit_memo,
    customer,
    employee,
    invoice,
    item,
    job,
    payment,
    sales_rep,
    terms,
    user_vendor,
    vendor,
)
from qbwc_server.sync.exports._spec import ExportSpec

# In dependency order, one line per exported entity.
SPECS: tuple[ExportSpec, ...] = (
    customer.SPEC,
    job.SPEC,
    class_.SPEC,
    terms.SPEC,
    employee.SPEC,
    user_vendor.SPEC,
    sales_rep.SPEC,
    vendor.SPEC,
    item.SPEC,
    payment.SPEC,
    bill.SPEC,
    invoice.SPEC,
    credit_memo.SPEC,
)
_BY_KIND: dict[tuple[str, str], ExportSpec] = {(s.kind, s.role): s for s in SPECS}


def spec_for(kind: str, role: str, data: dict[str, Any]) -> ExportSpec | None:
    """The export of a record of ``kind`` in ``role``, or None when it is not exported."""
    if kind == "user" and role == "":
        entity = {"employee": "employee", "1099_vendor": "user_vendor"}.get(
            str(data.get("employment_type"))
        )
        return next((s for s in SPECS if s.entity == entity), None)
    return _BY_KIND.get((kind, role))
