"""Jobs: an app project becomes a QuickBooks Customer:Job (ParentRef to its customer).

The job's name comes from job_name_format; its sales rep (when employee export is on), class
and contract date go with it. Matched before the first Add by its FullName "Customer:Job".
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from qbwc_server.sync.exports import customer
from qbwc_server.sync.exports._common import address, day
from qbwc_server.sync.exports._spec import (
    Dependency,
    ExportSpec,
    MatchKey,
    cleaned,
    list_ids,
    with_suffix,
)
from qbwc_server.sync.handlers import SyncEnv
from qbxml.builders import customer as qb
from qbxml.context import Identity, Ref


def depends(data: dict[str, Any], settings: dict[str, Any]) -> list[Dependency]:
    needs = [Dependency("customer", str(data["customer_id"]))]
    if data.get("sales_rep_user_id") and settings.get("employee_export"):
        needs.append(Dependency("user", str(data["sales_rep_user_id"]), "sales_rep"))
    if data.get("class_id"):
        needs.append(Dependency("class", str(data["class_id"])))
    return needs


def qb_name(data: dict[str, Any], env: SyncEnv, suffix: str) -> str:
    line1 = (data.get("address") or {}).get("line1")
    name = qb.job_name(
        str(env.settings["job_name_format"]), data.get("number"), line1, data.get("name")
    )
    return with_suffix(name, suffix, qb.NAME_MAX)


def parent_full_name(data: dict[str, Any], env: SyncEnv) -> str:
    """The FullName of the project's customer: from its link, else as it would be added."""
    customer_id = str(data["customer_id"])
    link = env.refs.link("customer", customer_id)
    if link is not None and link.full_name:
        return link.full_name
    owner = env.refs.record("customer", customer_id, needed_by="the project")
    return customer.full_name(owner, env, "")


def full_name(data: dict[str, Any], env: SyncEnv, suffix: str) -> str:
    """The job's FullName: "Customer:Job"."""
    own = cleaned(env, "CustomerAdd/Name", qb_name(data, env, suffix), qb.NAME_MAX)
    return f"{parent_full_name(data, env)}:{own}"


def _build(
    data: dict[str, Any], env: SyncEnv, ident: Identity | None, suffix: str
) -> etree._Element:
    why = "the job's customer must be in QuickBooks first"
    sales_rep: Ref | None = None
    rep_id = data.get("sales_rep_user_id")
    if rep_id and env.settings.get("employee_export"):
        # A rep that is not exported (employment type none) leaves the job without one; a
        # rep whose own sync failed has already failed this job through its dependency.
        rep = env.refs.link("user", str(rep_id), "sales_rep")
        if rep is None:
            env.refs.record("user", str(rep_id), needed_by="the project's sales rep")
        sales_rep = None if rep is None else Ref(list_id=rep.qb_id)
    rec = qb.Customer(
        name=qb_name(data, env, suffix),
        parent=env.refs.ref("customer", str(data["customer_id"]), why=why),
        bill_address=address(data.get("address")),
        class_ref=env.refs.optional_ref("class", data.get("class_id")),
        sales_rep=sales_rep,
        job_start_date=day(data.get("contract_date")),
        job_description=data.get("name"),
    )
    if ident is None:
        return qb.customer_add(rec, env.ctx)
    return qb.customer_mod(rec, ident, env.ctx)


def match_key(data: dict[str, Any], env: SyncEnv, suffix: str) -> MatchKey:
    return (full_name(data, env, suffix),)


SPEC = ExportSpec(
    entity="job",
    kind="project",
    qb_object="Customer:Job",
    build=_build,
    read=list_ids,
    match_key=match_key,
    ret_key=customer.ret_key,
    lookup=customer.lookup,
    reread=customer.reread,
    setting="customer_job_export",
    depends=depends,
)
