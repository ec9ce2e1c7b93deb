"""Loading fixtures into the company, dumping it back out, and a generator for many items."""

from __future__ import annotations

import copy
import json
import pathlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from qbwc_server.simulator.quickbooks.catalog import GROUPS, OBJECT_TYPES
from qbwc_server.simulator.quickbooks.company import Company
from qbwc_server.simulator.quickbooks.lists import add_list, taken_names
from qbwc_server.simulator.quickbooks.responses import StatusError
from qbwc_server.simulator.quickbooks.transactions import add_txn

FORMAT = "fake-quickbooks/1"
# Lists before what refers to them, transactions last.
SEED_ORDER = (
    "Account",
    "ItemSalesTax",
    "SalesTaxCode",
    "PaymentMethod",
    "Class",
    "StandardTerms",
    "DateDrivenTerms",
    "Vendor",
    "Employee",
    "OtherName",
    "Customer",
    "SalesRep",
    "ItemService",
    "ItemNonInventory",
    "ItemOtherCharge",
    "ItemInventory",
    "ItemDiscount",
    "ItemSubtotal",
    "Invoice",
    "CreditMemo",
    "ReceivePayment",
    "Bill",
)


class SeedError(ValueError):
    """A fixture names an unknown type or holds a record the company refuses."""


def seed_company(company: Company, data: Mapping[str, Any] | pathlib.Path | str) -> None:
    """Add every record of a fixture (or of a dump, keeping its ids and times)."""
    if isinstance(data, str):
        data = pathlib.Path(data)
    if isinstance(data, pathlib.Path):
        loaded: Mapping[str, Any] = json.loads(data.read_text(encoding="utf-8"))
    else:
        loaded = data
    _seed(company, loaded)


def _seed(company: Company, data: Mapping[str, Any]) -> None:
    unknown = sorted(set(data) - set(OBJECT_TYPES) - {"_state"})
    if unknown:
        raise SeedError(f"unknown types in fixture: {', '.join(unknown)}")
    state = data.get("_state", {})
    if "clock" in state:
        moment = datetime.fromisoformat(state["clock"])
        if moment > company.clock.now():
            company.clock.set(moment)
    taken = taken_names(company)  # one set, not a scan of every name per object added
    for name in SEED_ORDER:
        otype = OBJECT_TYPES[name]
        for record in data.get(name, []):
            try:
                if otype.is_txn:
                    add_txn(company, otype, copy.deepcopy(record), keep_ids=True)
                else:
                    add_list(company, otype, copy.deepcopy(record), keep_ids=True, taken=taken)
            except StatusError as error:
                raise SeedError(f"{name} {record!r}: {error.status.message}") from error
    company.set_counters(state.get("counters", {}))


def dump_company(company: Company) -> dict[str, Any]:
    """Everything in the company as plain JSON data; seed_company() reads it back."""
    out: dict[str, Any] = {
        "_state": {
            "format": FORMAT,
            "clock": company.clock.now().isoformat(),
            "counters": company.counters(),
        }
    }
    for name in SEED_ORDER:
        objects = list(company.objects[name].values())
        if objects:
            out[name] = copy.deepcopy(objects)
    return out


def find_objects(
    company: Company, type_name: str, criteria: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Objects of a type (or group: Item, Terms) whose fields match ``criteria``.

    A string criterion on a reference field matches its FullName or ListID.
    """
    if type_name in GROUPS:
        names = [otype.name for otype in GROUPS[type_name]]
    elif type_name in OBJECT_TYPES:
        names = [type_name]
    else:
        raise KeyError(f"unknown list or transaction type {type_name!r}")
    found = []
    for name in names:
        for obj in company.objects[name].values():
            if all(_matches(obj.get(key), wanted) for key, wanted in criteria.items()):
                found.append(copy.deepcopy(obj))
    return found


def _matches(value: Any, wanted: Any) -> bool:
    if isinstance(value, dict) and isinstance(wanted, str):
        return wanted in (value.get("FullName"), value.get("ListID"))
    return bool(value == wanted)


def generate_items(
    count: int, *, prefix: str = "Service", account: str = "Construction Income"
) -> dict[str, Any]:
    """A fixture of ``count`` service items named ``<prefix> 0001``... priced 10.00 upwards."""
    items = [
        {
            "Name": f"{prefix} {n:04d}",
            "SalesOrPurchase": {
                "Desc": f"Generated service {n}",
                "Price": f"{10 + n % 90}.00",
                "AccountRef": {"FullName": account},
            },
        }
        for n in range(1, count + 1)
    ]
    return {"ItemService": items}
