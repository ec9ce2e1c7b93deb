"""Host, Company and Preferences query answers: which QuickBooks this is and how it is set."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qbwc_server.simulator.quickbooks.company import Company
from qbwc_server.simulator.quickbooks.convert import Data

_YEAR = re.compile(r"(20\d\d)")


@dataclass(frozen=True)
class Host:
    """The product and settings a FakeQuickBooks was created with."""

    product: str
    country: str
    supported_versions: tuple[str, ...]
    company_file: str
    class_tracking: bool
    sales_tax: bool

    @property
    def company_name(self) -> str:
        base = self.company_file.replace("/", "\\").rsplit("\\", 1)[-1]
        return base[:-4] if base.upper().endswith(".QBW") else base

    @property
    def major_version(self) -> str:
        """QuickBooks' own major version: 2006 was 16, 2014 was 24, so the year minus 1990."""
        match = _YEAR.search(self.product)
        return str(int(match.group(1)) - 1990) if match else "34"


def host_ret(host: Host) -> Data:
    """The HostRet of this QuickBooks."""
    return {
        "ProductName": host.product,
        "MajorVersion": host.major_version,
        "MinorVersion": "0",
        "Country": host.country,
        "SupportedQBXMLVersion": list(host.supported_versions),
        "IsAutomaticLogin": "false",
        "QBFileMode": "SingleUser",
    }


def company_ret(host: Host) -> Data:
    """The CompanyRet of the open company file."""
    return {
        "IsSampleCompany": "false",
        "CompanyName": host.company_name,
        "LegalCompanyName": f"{host.company_name} LLC",
        "Address": {
            "Addr1": "1200 Harbor Way",
            "City": "Oakland",
            "State": "CA",
            "PostalCode": "94607",
            "Country": "US",
        },
        "Phone": "510-555-0142",
        "FirstMonthFiscalYear": "January",
        "FirstMonthIncomeTaxYear": "January",
        "CompanyType": "ConstructionGeneralContractor",
        "TaxForm": "Form1120S",
    }


def _ref(obj: Data | None) -> Data | None:
    if obj is None:
        return None
    return {"ListID": obj["ListID"], "FullName": obj.get("FullName") or obj["Name"]}


def preferences_ret(host: Host, company: Company) -> Data:
    """The PreferencesRet, shaped like QuickBooks Pro's (class tracking and sales tax as set)."""
    prefs: Data = {
        "AccountingPreferences": {
            "IsUsingAccountNumbers": "false",
            "IsRequiringAccounts": "true",
            "IsUsingClassTracking": "true" if host.class_tracking else "false",
            "IsUsingAuditTrail": "true",
            "IsAssigningJournalEntryNumbers": "true",
        },
        "FinanceChargePreferences": {
            "AnnualInterestRate": "0.00",
            "MinFinanceCharge": "0.00",
            "GracePeriod": "0",
            "IsAssessingForOverdueCharges": "false",
            "CalculateChargesFrom": "DueDate",
            "IsMarkedToBePrinted": "false",
        },
        "JobsAndEstimatesPreferences": {
            "IsUsingEstimates": "true",
            "IsUsingProgressInvoicing": "true",
            "IsPrintingItemsWithZeroAmounts": "false",
        },
        "PurchasesAndVendorsPreferences": {
            "IsUsingInventory": "false",
            "DaysBillsAreDue": "10",
            "IsAutomaticallyUsingDiscounts": "false",
        },
        "ReportsPreferences": {
            "AgingReportBasis": "AgeFromDueDate",
            "SummaryReportBasis": "Accrual",
        },
        "SalesAndCustomersPreferences": {
            "IsTrackingReimbursedExpensesAsIncome": "false",
            "IsAutoApplyingPayments": "true",
            "PriceLevels": {"IsUsingPriceLevels": "false", "IsRoundingSalesPriceUp": "true"},
        },
        "TimeTrackingPreferences": {"FirstDayOfWeek": "Monday"},
        "CurrentAppAccessRights": {
            "IsAutomaticLoginAllowed": "false",
            "IsPersonalDataAccessAllowed": "false",
        },
    }
    tax_item = next(company.iter_type("ItemSalesTax"), None)
    codes = {str(c["Name"]): c for c in company.iter_type("SalesTaxCode")}
    if host.sales_tax and tax_item is not None and "Tax" in codes and "Non" in codes:
        prefs["SalesTaxPreferences"] = {
            "DefaultItemSalesTaxRef": _ref(tax_item),
            "PaySalesTax": "Quarterly",
            "DefaultTaxableSalesTaxCodeRef": _ref(codes["Tax"]),
            "DefaultNonTaxableSalesTaxCodeRef": _ref(codes["Non"]),
        }
    return prefs
