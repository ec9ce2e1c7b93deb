"""Invoice and credit memo exports built from app records, with a hand-made SyncEnv."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from lxml import etree

from qbwc_server.errors import MissingRecord, NotLinked
from qbwc_server.models.settings import CompanySettings
from qbwc_server.sync.exports import credit_memo, invoice
from qbwc_server.sync.exports._spec import fold
from qbwc_server.sync.handlers import SyncEnv
from qbxml.context import BuildContext, Identity, Ref
from tests.support.schema import VERSIONS, assert_request_valid

JOB_ID = "80000042-1714000000"
ITEMS = {"i1": "80000007-1714000000", "i2": "80000008-1714000000"}


class FakeRefs:
    """Records and links fixed by the test (what Refs would read from the store)."""

    def __init__(self, records: dict[tuple[str, str], dict[str, Any]], links: dict[str, Any]):
        self.records = records
        self.links = links  # "kind/id" -> (ListID or TxnID, FullName)

    def find(self, kind: str, record_id: str) -> dict[str, Any] | None:
        return self.records.get((kind, record_id))

    def record(self, kind: str, record_id: str, *, needed_by: str | None = None) -> dict[str, Any]:
        data = self.find(kind, record_id)
        if data is None:
            raise MissingRecord(kind, record_id, needed_by=needed_by)
        return data

    def link(self, kind: str, record_id: str, role: str = "") -> Any:
        found = self.links.get(f"{kind}/{record_id}")
        return None if found is None else SimpleNamespace(qb_id=found[0], full_name=found[1])

    def ref(self, kind: str, record_id: str, role: str = "", *, why: str = "") -> Ref:
        link = self.link(kind, record_id, role)
        if link is None:
            if self.find(kind, record_id) is None:
                raise MissingRecord(kind, record_id)
            raise NotLinked(kind, record_id, role=role, why=why)
        return Ref(list_id=link.qb_id)

    def optional_ref(self, kind: str, record_id: str | None) -> Ref | None:
        return None if not record_id else self.ref(kind, record_id)


def _records() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        ("customer", "c1"): {"first_name": "Ada", "last_name": "Lovelace"},
        ("project", "p1"): {
            "number": "1001",
            "customer_id": "c1",
            "address": {"line1": "12 Main St"},
        },
        ("item", "i1"): {"name": "Labor"},
        ("item", "i2"): {"name": "Lumber"},
        ("class", "k1"): {"name": "Remodel"},
        ("terms", "t1"): {"name": "Net 30", "due_days": 30},
    }


def _links() -> dict[str, Any]:
    links: dict[str, Any] = {f"item/{k}": (v, None) for k, v in ITEMS.items()}
    links["class/k1"] = ("80000003-1714000000", "Remodel")
    links["terms/t1"] = ("80000004-1714000000", "Net 30")
    return links


def env(*, linked_job: bool = True, uppercase: bool = False, **settings: Any) -> SyncEnv:
    links = _links()
    if linked_job:
        links["project/p1"] = (JOB_ID, "Lovelace, Ada:1001 - 12 Main St")
    values = {**CompanySettings().model_dump(), "uppercase": uppercase, **settings}
    ctx = BuildContext(version="13.0", uppercase=uppercase)
    return SyncEnv(None, None, values, ctx, FakeRefs(_records(), links))  # type: ignore[arg-type]


def doc(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": "1001",
        "project_id": "p1",
        "date": "2026-03-02",
        "due_date": "2026-04-01",
        "terms_id": "t1",
        "class_id": "k1",
        "memo": "Kitchen, progress billing 1",
        "po_number": "PO-77",
        "lines": [
            {
                "item_id": "i1",
                "description": "Framing",
                "quantity": "8",
                "rate": "85.00",
                "amount": "680.00",
                "class_id": "k1",
            },
            {"item_id": "i2", "amount": "412.50"},
        ],
    }
    data.update(changes)
    return data


def texts(el: etree._Element, path: str) -> list[str]:
    return [str(t) for t in el.xpath(f"{path}/text()")]


@pytest.mark.parametrize("version", VERSIONS)
def test_an_invoice_add_has_every_field_by_reference(version: str) -> None:
    e = env()
    e.ctx = BuildContext(version=version)
    rq = invoice.SPEC.build(doc(), e, None, "")
    assert_request_valid(rq, version)
    add = rq[0]
    assert add.tag == "InvoiceAdd"
    assert texts(add, "CustomerRef/ListID") == [JOB_ID]
    assert texts(add, "ClassRef/ListID") == ["80000003-1714000000"]
    assert texts(add, "TermsRef/ListID") == ["80000004-1714000000"]
    assert texts(add, "TxnDate") == ["2026-03-02"]
    assert texts(add, "DueDate") == ["2026-04-01"]
    assert texts(add, "RefNumber") == ["1001"]
    assert texts(add, "PONumber") == ["PO-77"]
    assert texts(add, "Memo") == ["Kitchen, progress billing 1"]
    assert texts(add, "IsToBePrinted") == []  # setting off: QuickBooks' own default
    assert texts(add, "InvoiceLineAdd/ItemRef/ListID") == [ITEMS["i1"], ITEMS["i2"]]
    assert texts(add, "InvoiceLineAdd/Desc") == ["Framing"]
    assert texts(add, "InvoiceLineAdd/Quantity") == ["8"]
    assert texts(add, "InvoiceLineAdd/Rate") == ["85"]
    assert texts(add, "InvoiceLineAdd/Amount") == ["680.00", "412.50"]
    assert texts(add, "InvoiceLineAdd/ClassRef/ListID") == ["80000003-1714000000"]


def test_mark_invoices_to_print_sets_is_to_be_printed() -> None:
    rq = invoice.SPEC.build(doc(), env(mark_invoices_to_print=True), None, "")
    assert texts(rq[0], "IsToBePrinted") == ["true"]


def test_an_invoice_mod_replaces_every_line() -> None:
    rq = invoice.SPEC.build(doc(), env(), Identity("1A-1714000000", "1714000123"), "")
    assert_request_valid(rq, "13.0")
    mod = rq[0]
    assert mod.tag == "InvoiceMod"
    assert texts(mod, "TxnID") == ["1A-1714000000"]
    assert texts(mod, "EditSequence") == ["1714000123"]
    assert texts(mod, "InvoiceLineMod/TxnLineID") == ["-1", "-1"]
    assert texts(mod, "InvoiceLineMod/Amount") == ["680.00", "412.50"]


def test_a_line_naming_a_missing_item_fails_naming_it() -> None:
    lines = [{"item_id": "i1", "amount": "1.00"}, {"item_id": "ghost", "amount": "2.00"}]
    with pytest.raises(MissingRecord) as caught:
        invoice.SPEC.build(doc(lines=lines), env(), None, "")
    assert "item 'ghost'" in caught.value.message
    assert "line 2 of invoice 1001" in caught.value.message


def test_an_unlinked_job_or_item_is_not_linked() -> None:
    with pytest.raises(NotLinked, match="project 'p1'"):
        invoice.SPEC.build(doc(), env(linked_job=False), None, "")
    e = env()
    e.refs.links.pop("item/i2")  # type: ignore[attr-defined]
    with pytest.raises(NotLinked, match="item 'i2'"):
        invoice.SPEC.build(doc(), e, None, "")


def test_a_missing_project_is_named() -> None:
    with pytest.raises(MissingRecord, match=r"project 'nope'.*invoice 1001"):
        invoice.SPEC.build(doc(project_id="nope"), env(), None, "")


def test_depends_on_the_job_items_classes_and_terms_once_each() -> None:
    lines = [
        {"item_id": "i1", "amount": "1.00", "class_id": "k2"},
        {"item_id": "i1", "amount": "2.00", "class_id": "k1"},
    ]
    needs = invoice.depends(doc(lines=lines), {})
    assert [(d.kind, d.record_id) for d in needs] == [
        ("project", "p1"),
        ("item", "i1"),
        ("class", "k1"),
        ("class", "k2"),
        ("terms", "t1"),
    ]
    bare = invoice.depends({"project_id": "p1", "lines": [{"item_id": "i2"}]}, {})
    assert [(d.kind, d.record_id) for d in bare] == [("project", "p1"), ("item", "i2")]


def test_the_match_key_is_the_ref_number_and_the_jobs_full_name() -> None:
    assert invoice.SPEC.match_key(doc(), env(linked_job=False), "") == (
        "1001",
        "Lovelace, Ada:1001 - 12 Main St",
    )
    linked = env()
    linked.refs.links["project/p1"] = (JOB_ID, "Lovelace, Ada:Kitchen")  # type: ignore[attr-defined]
    assert invoice.SPEC.match_key(doc(), linked, "") == ("1001", "Lovelace, Ada:Kitchen")
    upper = env(linked_job=False, uppercase=True)
    assert invoice.SPEC.match_key(doc(number="inv-7"), upper, "") == (
        "INV-7",
        "LOVELACE, ADA:1001 - 12 MAIN ST",
    )
    # Cut as the Add cuts it (RefNumber holds 11 characters).
    assert invoice.SPEC.match_key(doc(number="2026-000123456"), env(), "")[0] == "2026-000123"  # type: ignore[index]


def test_the_match_key_is_none_when_the_job_is_unknown() -> None:
    assert invoice.SPEC.match_key(doc(project_id="nope"), env(), "") is None
    e = env(linked_job=False)
    e.refs.records.pop(("customer", "c1"))  # type: ignore[attr-defined]
    assert invoice.SPEC.match_key(doc(), e, "") is None


def test_ret_key_reads_ref_number_and_customer() -> None:
    ret = etree.fromstring(
        "<InvoiceRet><TxnID>1-1</TxnID><CustomerRef><ListID>8-1</ListID>"
        "<FullName>lovelace, ada:1001 - 12 Main St</FullName></CustomerRef>"
        "<RefNumber>1001</RefNumber></InvoiceRet>"
    )
    assert fold(invoice.ret_key(ret)) == fold(
        invoice.SPEC.match_key(doc(), env(linked_job=False), "")
    )
    assert invoice.ret_key(etree.fromstring("<InvoiceRet><TxnID>1-1</TxnID></InvoiceRet>")) is None


def test_one_lookup_asks_for_each_ref_number_once() -> None:
    keys = [("1001", "A:Job"), ("1001", "B:Job"), ("1002", "A:Job")]
    rq = invoice.SPEC.lookup(keys, env())
    assert_request_valid(rq, "13.0")
    assert rq.tag == "InvoiceQueryRq" and texts(rq, "RefNumber") == ["1001", "1002"]
    assert texts(invoice.SPEC.reread("1A-1", env()), "TxnID") == ["1A-1"]


def test_a_credit_memo_is_built_like_an_invoice() -> None:
    data = {
        "number": "CM-1",
        "project_id": "p1",
        "date": "2026-03-05",
        "memo": "Returned cabinet",
        "lines": [{"item_id": "i2", "description": "Cabinet", "amount": "200.00"}],
    }
    e = env(mark_invoices_to_print=True)
    add = credit_memo.SPEC.build(data, e, None, "")
    assert_request_valid(add, "13.0")
    assert add[0].tag == "CreditMemoAdd"
    assert texts(add[0], "CustomerRef/ListID") == [JOB_ID]
    assert texts(add[0], "RefNumber") == ["CM-1"]
    assert texts(add[0], "IsToBePrinted") == []
    assert texts(add[0], "CreditMemoLineAdd/Amount") == ["200.00"]
    mod = credit_memo.SPEC.build(data, e, Identity("2B-1", "17"), "")
    assert_request_valid(mod, "13.0")
    assert texts(mod[0], "CreditMemoLineMod/TxnLineID") == ["-1"]
    assert credit_memo.SPEC.match_key(data, e, "") == ("CM-1", "Lovelace, Ada:1001 - 12 Main St")
    assert credit_memo.SPEC.lookup([("CM-1", "x")], e).tag == "CreditMemoQueryRq"
    assert credit_memo.SPEC.depends(data, {})[1].record_id == "i2"
