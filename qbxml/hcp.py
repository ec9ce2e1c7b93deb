"""Reading the strHCPResponse: what QuickBooks, the company file and its preferences are.

The Web Connector sends it on the first sendRequestXML of a session: the answers to a
HostQuery, a CompanyQuery and a PreferencesQuery in one qbXML document. A part that is missing
or answered with an error leaves its fields None (and is named in ``missing``); only text that
is not a qbXML response at all raises.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from lxml import etree

from qbxml.responses import (
    RefValue,
    RequestResult,
    bool_of,
    date_of,
    parse_response,
    ref_of,
    text_of,
    texts_of,
)


@dataclass(frozen=True)
class FileId:
    """The FileID data extension QuickBooks keeps on the company: a GUID naming the file."""

    value: str
    owner_id: str | None


@dataclass(frozen=True)
class HostCompanyPrefs:
    """What the strHCPResponse says; None where QuickBooks did not say (or could not)."""

    # HostRet
    product_name: str | None = None
    major_version: str | None = None
    minor_version: str | None = None
    country: str | None = None
    supported_versions: tuple[str, ...] = ()
    is_automatic_login: bool | None = None
    qb_file_mode: str | None = None
    # CompanyRet
    company_name: str | None = None
    legal_company_name: str | None = None
    is_sample_company: bool | None = None
    file_id: FileId | None = None
    # PreferencesRet
    class_tracking: bool | None = None
    assign_classes_to: str | None = None
    closing_date: date | None = None
    sales_tax: bool | None = None
    default_taxable_sales_tax_code: RefValue | None = None
    default_non_taxable_sales_tax_code: RefValue | None = None
    default_item_sales_tax: RefValue | None = None
    multi_currency: bool | None = None
    home_currency: RefValue | None = None
    uses_inventory: bool | None = None
    uses_estimates: bool | None = None
    uses_price_levels: bool | None = None
    uses_account_numbers: bool | None = None
    # Which of HostRet, CompanyRet, PreferencesRet was absent or answered with an error.
    missing: tuple[str, ...] = ()


def _ret(results: dict[str, RequestResult], name: str, ret: str) -> etree._Element | None:
    result = results.get(name)
    if result is None or result.is_error:
        return None
    return next((r for r in result.rets if r.tag == ret), None)


def _host(host: etree._Element) -> dict[str, Any]:
    return {
        "product_name": text_of(host, "ProductName"),
        "major_version": text_of(host, "MajorVersion"),
        "minor_version": text_of(host, "MinorVersion"),
        "country": text_of(host, "Country"),
        "supported_versions": tuple(v.strip() for v in texts_of(host, "SupportedQBXMLVersion")),
        "is_automatic_login": bool_of(host, "IsAutomaticLogin"),
        "qb_file_mode": text_of(host, "QBFileMode"),
    }


def _file_id(company: etree._Element) -> FileId | None:
    for ext in company:
        if ext.tag == "DataExtRet" and text_of(ext, "DataExtName") == "FileID":
            value = text_of(ext, "DataExtValue")
            if value:
                return FileId(value, text_of(ext, "OwnerID"))
    return None


def _company(company: etree._Element) -> dict[str, Any]:
    return {
        "company_name": text_of(company, "CompanyName"),
        "legal_company_name": text_of(company, "LegalCompanyName"),
        "is_sample_company": bool_of(company, "IsSampleCompany"),
        "file_id": _file_id(company),
    }


def _preferences(prefs: etree._Element) -> dict[str, Any]:
    # SalesTaxPreferences and MultiCurrencyPreferences are optional aggregates: QuickBooks
    # leaves SalesTaxPreferences out when sales tax is off, and versions before qbXML 8.0 have
    # no multi-currency at all, so inside a PreferencesRet their absence means "off".
    has_sales_tax = any(c.tag == "SalesTaxPreferences" for c in prefs)
    multi_currency = bool_of(prefs, "MultiCurrencyPreferences/IsMultiCurrencyOn")
    return {
        "class_tracking": bool_of(prefs, "AccountingPreferences/IsUsingClassTracking"),
        "assign_classes_to": text_of(prefs, "AccountingPreferences/AssignClassesTo"),
        "closing_date": date_of(prefs, "AccountingPreferences/ClosingDate"),
        "uses_account_numbers": bool_of(prefs, "AccountingPreferences/IsUsingAccountNumbers"),
        "sales_tax": has_sales_tax,
        "default_taxable_sales_tax_code": ref_of(
            prefs, "SalesTaxPreferences/DefaultTaxableSalesTaxCodeRef"
        ),
        "default_non_taxable_sales_tax_code": ref_of(
            prefs, "SalesTaxPreferences/DefaultNonTaxableSalesTaxCodeRef"
        ),
        "default_item_sales_tax": ref_of(prefs, "SalesTaxPreferences/DefaultItemSalesTaxRef"),
        "multi_currency": bool(multi_currency),
        "home_currency": ref_of(prefs, "MultiCurrencyPreferences/HomeCurrencyRef"),
        "uses_inventory": bool_of(prefs, "PurchasesAndVendorsPreferences/IsUsingInventory"),
        "uses_estimates": bool_of(prefs, "JobsAndEstimatesPreferences/IsUsingEstimates"),
        "uses_price_levels": bool_of(
            prefs, "SalesAndCustomersPreferences/PriceLevels/IsUsingPriceLevels"
        ),
    }


def parse_hcp(text: str | bytes) -> HostCompanyPrefs:
    """Parse the strHCPResponse of the first sendRequestXML into HostCompanyPrefs.

    Raises XmlParseError for empty or malformed text, ResponseError for XML that is not a qbXML
    response; parts that are absent or failed give None fields and are listed in ``missing``.
    """
    answers = {result.name: result for result in parse_response(text).results}
    prefs = HostCompanyPrefs()
    missing = []
    for rs, ret, read in (
        ("HostQueryRs", "HostRet", _host),
        ("CompanyQueryRs", "CompanyRet", _company),
        ("PreferencesQueryRs", "PreferencesRet", _preferences),
    ):
        element = _ret(answers, rs, ret)
        if element is None:
            missing.append(ret)
        else:
            prefs = replace(prefs, **read(element))
    return replace(prefs, missing=tuple(missing))
