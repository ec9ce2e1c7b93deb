"""Element order of the Ret aggregates the fake company writes, as QuickBooks writes them.

The table lists, for each aggregate, its children in qbXML 13.0 order (names only; read from
Intuit's published element order and trimmed to what the fake can hold). Anything not listed
for a parent is never written, so a response cannot carry an element out of order.
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Final

# Aggregates that may repeat inside their parent (written as JSON lists in the store).
REPEATED: Final = frozenset(
    {
        "SupportedQBXMLVersion",
        "InvoiceLineRet",
        "CreditMemoLineRet",
        "ExpenseLineRet",
        "ItemLineRet",
        "AppliedToTxnRet",
        "LinkedTxn",
        "AdditionalContactRef",
        "TxnLineDetail",
        "SetCredit",
        "DataExtRet",
    }
)

_TABLE = """
HostRet: ProductName MajorVersion MinorVersion Country SupportedQBXMLVersion IsAutomaticLogin
    QBFileMode
CompanyRet: IsSampleCompany CompanyName LegalCompanyName Address AddressBlock LegalAddress
    CompanyAddressForCustomer CompanyAddressBlockForCustomer Phone Fax Email
    CompanyEmailForCustomer CompanyWebSite FirstMonthFiscalYear FirstMonthIncomeTaxYear
    CompanyType EIN SSN TaxForm SubscribedServices AccountantCopy DataExtRet
Address: Addr1 Addr2 Addr3 Addr4 Addr5 City State PostalCode Country Note
AddressBlock: Addr1 Addr2 Addr3 Addr4 Addr5
LegalAddress: Addr1 Addr2 Addr3 Addr4 Addr5 City State PostalCode Country Note
CompanyAddressForCustomer: Addr1 Addr2 Addr3 Addr4 Addr5 City State PostalCode Country Note
CompanyAddressBlockForCustomer: Addr1 Addr2 Addr3 Addr4 Addr5
PreferencesRet: AccountingPreferences FinanceChargePreferences JobsAndEstimatesPreferences
    MultiCurrencyPreferences MultiLocationInventoryPreferences PurchasesAndVendorsPreferences
    ReportsPreferences SalesAndCustomersPreferences SalesTaxPreferences
    TimeTrackingPreferences CurrentAppAccessRights ItemsAndInventoryPreferences
AccountingPreferences: IsUsingAccountNumbers IsRequiringAccounts IsUsingClassTracking
    AssignClassesTo IsUsingAuditTrail IsAssigningJournalEntryNumbers ClosingDate
FinanceChargePreferences: AnnualInterestRate MinFinanceCharge GracePeriod
    FinanceChargeAccountRef IsAssessingForOverdueCharges CalculateChargesFrom
    IsMarkedToBePrinted
FinanceChargeAccountRef: ListID FullName
JobsAndEstimatesPreferences: IsUsingEstimates IsUsingProgressInvoicing
    IsPrintingItemsWithZeroAmounts
HomeCurrencyRef: ListID FullName
PurchasesAndVendorsPreferences: IsUsingInventory DaysBillsAreDue IsAutomaticallyUsingDiscounts
    DefaultDiscountAccountRef
DefaultDiscountAccountRef: ListID FullName
ReportsPreferences: AgingReportBasis SummaryReportBasis
SalesAndCustomersPreferences: DefaultShipMethodRef DefaultFOB DefaultMarkup
    IsTrackingReimbursedExpensesAsIncome IsAutoApplyingPayments PriceLevels
DefaultShipMethodRef: ListID FullName
PriceLevels: IsUsingPriceLevels IsRoundingSalesPriceUp
SalesTaxPreferences: DefaultItemSalesTaxRef PaySalesTax DefaultTaxableSalesTaxCodeRef
    DefaultNonTaxableSalesTaxCodeRef IsUsingVendorTaxCode IsUsingCustomerTaxCode
    IsUsingAmountsIncludeTax
DefaultItemSalesTaxRef: ListID FullName
DefaultTaxableSalesTaxCodeRef: ListID FullName
DefaultNonTaxableSalesTaxCodeRef: ListID FullName
TimeTrackingPreferences: FirstDayOfWeek
CurrentAppAccessRights: IsAutomaticLoginAllowed AutomaticLoginUserName
    IsPersonalDataAccessAllowed
AccountRet: ListID TimeCreated TimeModified EditSequence Name FullName IsActive ParentRef
    Sublevel AccountType DetailAccountType SpecialAccountType IsTaxAccount AccountNumber
    BankNumber LastCheckNumber Desc Balance TotalBalance SalesTaxCodeRef TaxLineInfoRet
    CashFlowClassification CurrencyRef DataExtRet
ParentRef: ListID FullName
SalesTaxCodeRef: ListID FullName
CurrencyRef: ListID FullName
CustomerRet: ListID TimeCreated TimeModified EditSequence Name FullName IsActive ClassRef
    ParentRef Sublevel CompanyName Salutation FirstName MiddleName LastName Suffix JobTitle
    BillAddress BillAddressBlock ShipAddress ShipAddressBlock ShipToAddress PrintAs Phone
    Mobile Pager AltPhone Fax Email Cc Contact AltContact AdditionalContactRef ContactsRet
    CustomerTypeRef TermsRef SalesRepRef Balance TotalBalance SalesTaxCodeRef ItemSalesTaxRef
    SalesTaxCountry ResaleNumber AccountNumber CreditLimit PreferredPaymentMethodRef
    CreditCardInfo JobStatus JobStartDate JobProjectedEndDate JobEndDate JobDesc JobTypeRef
    Notes AdditionalNotesRet IsStatementWithParent DeliveryMethod PreferredDeliveryMethod
    PriceLevelRef ExternalGUID TaxRegistrationNumber CurrencyRef DataExtRet
ClassRef: ListID FullName
BillAddress: Addr1 Addr2 Addr3 Addr4 Addr5 City State PostalCode Country Note
BillAddressBlock: Addr1 Addr2 Addr3 Addr4 Addr5
ShipAddress: Addr1 Addr2 Addr3 Addr4 Addr5 City State PostalCode Country Note
ShipAddressBlock: Addr1 Addr2 Addr3 Addr4 Addr5
AdditionalContactRef: ContactName ContactValue
CustomerTypeRef: ListID FullName
TermsRef: ListID FullName
SalesRepRef: ListID FullName
ItemSalesTaxRef: ListID FullName
PreferredPaymentMethodRef: ListID FullName
JobTypeRef: ListID FullName
PriceLevelRef: ListID FullName
EmployeeRet: ListID TimeCreated TimeModified EditSequence Name IsActive Salutation FirstName
    MiddleName LastName Suffix JobTitle SupervisorRef Department Description TargetBonus
    EmployeeAddress PrintAs Phone Mobile Pager PagerPIN AltPhone Fax SSN Email
    AdditionalContactRef EmergencyContacts EmployeeType PartOrFullTime Exempt KeyEmployee
    Gender HiredDate OriginalHireDate AdjustedServiceDate ReleasedDate BirthDate USCitizen
    Ethnicity Disabled DisabilityDesc OnFile WorkAuthExpireDate USVeteran MilitaryStatus
    AccountNumber Notes AdditionalNotesRet BillingRateRef EmployeePayrollInfo ExternalGUID
    DataExtRet
SupervisorRef: ListID FullName
EmployeeAddress: Addr1 Addr2 Addr3 Addr4 City State PostalCode Country
BillingRateRef: ListID FullName
PayrollItemWageRef: ListID FullName
VendorRet: ListID TimeCreated TimeModified EditSequence Name IsActive ClassRef IsTaxAgency
    CompanyName Salutation FirstName MiddleName LastName Suffix JobTitle VendorAddress
    VendorAddressBlock ShipAddress Phone Mobile Pager AltPhone Fax Email Cc Contact AltContact
    AdditionalContactRef ContactsRet NameOnCheck AccountNumber Notes AdditionalNotesRet
    VendorTypeRef TermsRef CreditLimit VendorTaxIdent IsVendorEligibleFor1099 Balance
    BillingRateRef ExternalGUID SalesTaxCodeRef SalesTaxCountry IsSalesTaxAgency
    SalesTaxReturnRef TaxRegistrationNumber ReportingPeriod IsTaxTrackedOnPurchases
    TaxOnPurchasesAccountRef IsTaxTrackedOnSales TaxOnSalesAccountRef IsTaxOnTax
    PrefillAccountRef CurrencyRef DataExtRet
VendorAddress: Addr1 Addr2 Addr3 Addr4 Addr5 City State PostalCode Country Note
VendorAddressBlock: Addr1 Addr2 Addr3 Addr4 Addr5
VendorTypeRef: ListID FullName
SalesTaxReturnRef: ListID FullName
TaxOnPurchasesAccountRef: ListID FullName
TaxOnSalesAccountRef: ListID FullName
PrefillAccountRef: ListID FullName
OtherNameRet: ListID TimeCreated TimeModified EditSequence Name IsActive CompanyName
    Salutation FirstName MiddleName LastName OtherNameAddress OtherNameAddressBlock Phone
    AltPhone Fax Email Contact AltContact AccountNumber Notes ExternalGUID DataExtRet
OtherNameAddress: Addr1 Addr2 Addr3 Addr4 Addr5 City State PostalCode Country Note
OtherNameAddressBlock: Addr1 Addr2 Addr3 Addr4 Addr5
SalesRepRet: ListID TimeCreated TimeModified EditSequence Initial IsActive SalesRepEntityRef
SalesRepEntityRef: ListID FullName
ItemServiceRet: ListID TimeCreated TimeModified EditSequence Name FullName BarCodeValue
    IsActive ClassRef ParentRef Sublevel UnitOfMeasureSetRef IsTaxIncluded SalesTaxCodeRef
    SalesOrPurchase SalesAndPurchase ExternalGUID DataExtRet
UnitOfMeasureSetRef: ListID FullName
SalesOrPurchase: Desc Price PricePercent AccountRef
AccountRef: ListID FullName
SalesAndPurchase: SalesDesc SalesPrice IncomeAccountRef PurchaseDesc PurchaseCost
    PurchaseTaxCodeRef ExpenseAccountRef PrefVendorRef
IncomeAccountRef: ListID FullName
PurchaseTaxCodeRef: ListID FullName
ExpenseAccountRef: ListID FullName
PrefVendorRef: ListID FullName
ItemNonInventoryRet: ListID TimeCreated TimeModified EditSequence Name FullName BarCodeValue
    IsActive ClassRef ParentRef Sublevel ManufacturerPartNumber UnitOfMeasureSetRef
    IsTaxIncluded SalesTaxCodeRef SalesOrPurchase SalesAndPurchase ExternalGUID DataExtRet
ItemOtherChargeRet: ListID TimeCreated TimeModified EditSequence Name FullName BarCodeValue
    IsActive ClassRef ParentRef Sublevel IsTaxIncluded SalesTaxCodeRef SalesOrPurchase
    SalesAndPurchase SpecialItemType ExternalGUID DataExtRet
ItemInventoryRet: ListID TimeCreated TimeModified EditSequence Name FullName BarCodeValue
    IsActive ClassRef ParentRef Sublevel ManufacturerPartNumber UnitOfMeasureSetRef
    IsTaxIncluded SalesTaxCodeRef SalesDesc SalesPrice IncomeAccountRef PurchaseDesc
    PurchaseCost PurchaseTaxCodeRef COGSAccountRef PrefVendorRef AssetAccountRef ReorderPoint
    Max QuantityOnHand AverageCost QuantityOnOrder QuantityOnSalesOrder ExternalGUID
    DataExtRet
COGSAccountRef: ListID FullName
AssetAccountRef: ListID FullName
ItemDiscountRet: ListID TimeCreated TimeModified EditSequence Name FullName BarCodeValue
    IsActive ClassRef ParentRef Sublevel ItemDesc SalesTaxCodeRef DiscountRate
    DiscountRatePercent AccountRef ExternalGUID DataExtRet
ItemSubtotalRet: ListID TimeCreated TimeModified EditSequence Name BarCodeValue IsActive
    ItemDesc SpecialItemType ExternalGUID DataExtRet
ItemSalesTaxRet: ListID TimeCreated TimeModified EditSequence Name BarCodeValue IsActive
    ClassRef ItemDesc TaxRate TaxVendorRef SalesTaxReturnLineRef ExternalGUID DataExtRet
TaxVendorRef: ListID FullName
SalesTaxReturnLineRef: ListID FullName
DepositToAccountRef: ListID FullName
PaymentMethodRef: ListID FullName
ClassRet: ListID TimeCreated TimeModified EditSequence Name FullName IsActive ParentRef
    Sublevel
StandardTermsRet: ListID TimeCreated TimeModified EditSequence Name IsActive StdDueDays
    StdDiscountDays DiscountPct
DateDrivenTermsRet: ListID TimeCreated TimeModified EditSequence Name IsActive DayOfMonthDue
    DueNextMonthDays DiscountDayOfMonth DiscountPct
SalesTaxCodeRet: ListID TimeCreated TimeModified EditSequence Name IsActive IsTaxable Desc
    ItemPurchaseTaxRef ItemSalesTaxRef
ItemPurchaseTaxRef: ListID FullName
InvoiceRet: TxnID TimeCreated TimeModified EditSequence TxnNumber CustomerRef ClassRef
    ARAccountRef TemplateRef TxnDate RefNumber BillAddress BillAddressBlock ShipAddress
    ShipAddressBlock IsPending IsFinanceCharge PONumber TermsRef DueDate SalesRepRef FOB
    ShipDate ShipMethodRef Subtotal ItemSalesTaxRef SalesTaxPercentage SalesTaxTotal
    AppliedAmount BalanceRemaining CurrencyRef ExchangeRate BalanceRemainingInHomeCurrency
    Memo IsPaid CustomerMsgRef IsToBePrinted IsToBeEmailed IsTaxIncluded
    CustomerSalesTaxCodeRef SuggestedDiscountAmount SuggestedDiscountDate Other ExternalGUID
    LinkedTxn InvoiceLineRet InvoiceLineGroupRet DiscountLineRet SalesTaxLineRet
    ShippingLineRet DataExtRet
CustomerRef: ListID FullName
ARAccountRef: ListID FullName
TemplateRef: ListID FullName
ShipMethodRef: ListID FullName
CustomerMsgRef: ListID FullName
CustomerSalesTaxCodeRef: ListID FullName
LinkedTxn: TxnID TxnType TxnDate RefNumber LinkType Amount TxnLineDetail
TxnLineDetail: TxnLineID Amount
InvoiceLineRet: TxnLineID ItemRef Desc Quantity UnitOfMeasure OverrideUOMSetRef Rate
    RatePercent ClassRef Amount TaxAmount InventorySiteRef InventorySiteLocationRef
    SerialNumber LotNumber ServiceDate SalesTaxCodeRef IsTaxable Other1 Other2 DataExtRet
ItemRef: ListID FullName
OverrideUOMSetRef: ListID FullName
InventorySiteRef: ListID FullName
InventorySiteLocationRef: ListID FullName
ItemGroupRef: ListID FullName
ReceivePaymentRet: TxnID TimeCreated TimeModified EditSequence TxnNumber CustomerRef
    ARAccountRef TxnDate RefNumber TotalAmount CurrencyRef ExchangeRate
    TotalAmountInHomeCurrency PaymentMethodRef Memo DepositToAccountRef CreditCardTxnInfo
    UnusedPayment UnusedCredits ExternalGUID AppliedToTxnRet DataExtRet
AppliedToTxnRet: TxnID TxnType TxnDate RefNumber BalanceRemaining Amount TxnLineDetail
    DiscountAmount DiscountAccountRef DiscountClassRef LinkedTxn
DiscountAccountRef: ListID FullName
DiscountClassRef: ListID FullName
BillRet: TxnID TimeCreated TimeModified EditSequence TxnNumber VendorRef VendorAddress
    APAccountRef TxnDate DueDate AmountDue CurrencyRef ExchangeRate AmountDueInHomeCurrency
    RefNumber TermsRef Memo IsTaxIncluded SalesTaxCodeRef IsPaid ExternalGUID LinkedTxn
    ExpenseLineRet ItemLineRet ItemGroupLineRet OpenAmount DataExtRet
VendorRef: ListID FullName
APAccountRef: ListID FullName
ExpenseLineRet: TxnLineID AccountRef Amount TaxAmount Memo CustomerRef ClassRef
    SalesTaxCodeRef BillableStatus SalesRepRef DataExtRet
ItemLineRet: TxnLineID ItemRef InventorySiteRef InventorySiteLocationRef SerialNumber
    LotNumber Desc Quantity UnitOfMeasure OverrideUOMSetRef Cost Amount TaxAmount CustomerRef
    ClassRef SalesTaxCodeRef BillableStatus SalesRepRef DataExtRet
DataExt: OwnerID DataExtName DataExtValue
CreditMemoRet: TxnID TimeCreated TimeModified EditSequence TxnNumber CustomerRef ClassRef
    ARAccountRef TemplateRef TxnDate RefNumber BillAddress BillAddressBlock ShipAddress
    ShipAddressBlock IsPending PONumber TermsRef DueDate SalesRepRef FOB ShipDate
    ShipMethodRef Subtotal ItemSalesTaxRef SalesTaxPercentage SalesTaxTotal TotalAmount
    CreditRemaining CurrencyRef ExchangeRate CreditRemainingInHomeCurrency Memo CustomerMsgRef
    IsToBePrinted IsToBeEmailed IsTaxIncluded CustomerSalesTaxCodeRef Other ExternalGUID
    LinkedTxn CreditMemoLineRet CreditMemoLineGroupRet DiscountLineRet SalesTaxLineRet
    ShippingLineRet DataExtRet
CreditMemoLineRet: TxnLineID ItemRef Desc Quantity UnitOfMeasure OverrideUOMSetRef Rate
    RatePercent ClassRef Amount TaxAmount InventorySiteRef InventorySiteLocationRef
    SerialNumber LotNumber ServiceDate SalesTaxCodeRef IsTaxable Other1 Other2
    CreditCardTxnInfo DataExtRet
PaymentMethodRet: ListID TimeCreated TimeModified EditSequence Name IsActive PaymentMethodType"""


@functools.cache
def _orders() -> MappingProxyType[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for entry in _TABLE.replace("\n    ", " ").strip().splitlines():
        parent, _, children = entry.partition(":")
        table[parent.strip()] = tuple(children.split())
    return MappingProxyType(table)


def child_order(tag: str) -> tuple[str, ...]:
    """The children of aggregate ``tag`` in the order QuickBooks writes them (empty if unknown)."""
    return _orders().get(tag, ())


def is_aggregate(tag: str) -> bool:
    """True when ``tag`` has children of its own in the table."""
    return tag in _orders()
