"""Our builders' requests run in the fake QuickBooks company, and our parsers read its answers:
customer, job, employee, vendor, sales rep, then an invoice for the job."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from qbwc_server.simulator.quickbooks import FakeQuickBooks
from qbxml.builders.customer import Customer, customer_add, customer_mod, parse_customer_ret
from qbxml.builders.employee import Employee, employee_add, parse_employee_ret
from qbxml.builders.invoice import Invoice, SalesLine, invoice_add, parse_invoice_ret
from qbxml.builders.sales_rep import SalesRep, parse_sales_rep_ret, sales_rep_add
from qbxml.builders.vendor import Vendor, parse_vendor_ret, vendor_add
from qbxml.context import Address, BuildContext, Identity, Ref
from qbxml.envelope import message_set
from qbxml.responses import RequestResult, parse_response
from tests.conftest import FIXTURES
from tests.support.schema import schema_dir


def run(qb: FakeQuickBooks, element: etree._Element) -> RequestResult:
    (result,) = parse_response(qb.process(message_set([("1", element)], version="13.0"))).results
    assert result.status_code == 0, result.status_message
    return result


def test_a_project_chain_runs_in_the_fake_company() -> None:
    directory = schema_dir()
    qb = FakeQuickBooks(schema_dir=directory if directory.is_dir() else None)
    qb.seed(FIXTURES / "simulator" / "demo-company.json")
    ctx = BuildContext()
    customer = parse_customer_ret(
        run(
            qb,
            customer_add(
                Customer(
                    name="Okafor, Chidi",
                    first_name="Chidi",
                    last_name="Okafor",
                    bill_address=Address("4 Oak Ln", None, "Hartford", "CT", "06106"),
                ),
                ctx,
            ),
        ).rets[0]
    )
    assert customer.list_id and customer.full_name == "Okafor, Chidi"
    job = parse_customer_ret(
        run(
            qb,
            customer_add(
                Customer(name="2001 - 4 Oak Ln", parent=Ref(list_id=customer.list_id)), ctx
            ),
        ).rets[0]
    )
    assert job.full_name == "Okafor, Chidi:2001 - 4 Oak Ln" and job.sublevel == 1
    employee = parse_employee_ret(
        run(qb, employee_add(Employee(first_name="Dana", last_name="Whitfield"), ctx)).rets[0]
    )
    rep = parse_sales_rep_ret(
        run(qb, sales_rep_add(SalesRep("DW", Ref(list_id=employee.list_id)), ctx)).rets[0]
    )
    assert rep.entity is not None and rep.entity.list_id == employee.list_id
    vendor = parse_vendor_ret(
        run(qb, vendor_add(Vendor(name="Granite Works LLC", is_1099=True), ctx)).rets[0]
    )
    assert vendor.is_1099 is True
    renamed = customer_mod(
        Customer(name="Okafor, Chidi A."),
        Identity(customer.list_id, customer.edit_sequence or ""),
        ctx,
    )
    assert parse_customer_ret(run(qb, renamed).rets[0]).name == "Okafor, Chidi A."
    item = qb.find("ItemService")[0]
    invoice = parse_invoice_ret(
        run(
            qb,
            invoice_add(
                Invoice(
                    customer=Ref(list_id=job.list_id),
                    txn_date=date(2026, 3, 2),
                    ref_number="INV-2001",
                    lines=(
                        SalesLine(
                            item=Ref(list_id=item["ListID"]),
                            amount=Decimal("1500.00"),
                            description="Demolition",
                        ),
                    ),
                ),
                ctx,
            ),
        ).rets[0]
    )
    assert invoice.ref_number == "INV-2001"
    assert invoice.customer is not None
    assert invoice.customer.full_name == "Okafor, Chidi A.:2001 - 4 Oak Ln"
