"""classify: the statusCode table (DESIGN.md section 6) with QuickBooks' own message texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbxml.responses import parse_response
from qbxml.status import Action, Decision, classify, classify_status

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "qbxml"

# (code, severity, message, action, retryable, field, value). Messages from QBWC_FACTS.md
# section 13 are QuickBooks' own; "(synthetic)" marks ones written to cover a range.
TABLE = [
    (0, "Info", "Status OK", Action.OK, False, None, None),
    (
        1,
        "Info",
        "A query request did not find a matching object in QuickBooks",
        Action.NO_MATCH_ADD,
        False,
        None,
        None,
    ),
    (499, "Info", "(synthetic) informational", Action.OK, False, None, None),
    (
        500,
        "Warn",
        "The query request has not been fully completed. There was a required "
        'element ("bleech") that could not be found in QuickBooks.',
        Action.NO_MATCH_ADD,
        False,
        None,
        "bleech",
    ),
    (530, "Warn", "(synthetic) done, with a warning", Action.WARNING_OK, False, None, None),
    (999, "Warn", "(synthetic)", Action.WARNING_OK, False, None, None),
    (1000, "Error", "(synthetic) internal error", Action.FAIL, False, None, None),
    (
        1060,
        "Error",
        'The request ID "x" is invalid, possibly too long. (The maximum is 50 characters.)',
        Action.FAIL,
        False,
        None,
        None,
    ),
    (2000, "Error", "(synthetic) not supported", Action.FAIL, False, None, None),
    (2999, "Error", "(synthetic)", Action.FAIL, False, None, None),
    (
        3000,
        "Error",
        'The given object ID "80-1" in the field "ListID" is invalid.',
        Action.INVALID_FIELD,
        False,
        "ListID",
        "80-1",
    ),
    (
        3020,
        "Error",
        'There was an error when converting the date value "2024-13-01" in the field "TxnDate".',
        Action.INVALID_FIELD,
        False,
        "TxnDate",
        "2024-13-01",
    ),
    (
        3070,
        "Error",
        'The string "A very, very long "quoted" name" in the field "Name" is too long.',
        Action.INVALID_FIELD,
        False,
        "Name",
        'A very, very long "quoted" name',
    ),
    (3099, "Error", "(synthetic) no field named", Action.INVALID_FIELD, False, None, None),
    (
        3100,
        "Error",
        'The name "Shipping Item - QuickBooks Inte" of the list element is already in use.',
        Action.NAME_IN_USE,
        False,
        "Name",
        "Shipping Item - QuickBooks Inte",
    ),
    (
        3120,
        "Error",
        'Object "8000001B-1405768916" specified in the request cannot be found.  '
        "QuickBooks error message: Invalid argument.  The specified record does not exist in the "
        "list.",
        Action.NOT_FOUND,
        False,
        None,
        "8000001B-1405768916",
    ),
    (
        3140,
        "Error",
        "There is an invalid reference to QuickBooks Customer "
        '"nononononoImNotThereAlrightDylan" in the SalesOrder.  QuickBooks error message: Invalid '
        "argument.  The specified record does not exist in the list.",
        Action.MISSING_REFERENCE,
        True,
        "Customer",
        "nononononoImNotThereAlrightDylan",
    ),
    (
        3140,
        "Error",
        'There is an invalid reference to QuickBooks Item "WIDGET-42" in the '
        "SalesOrder line.  QuickBooks error message: Invalid argument.",
        Action.MISSING_REFERENCE,
        True,
        "Item",
        "WIDGET-42",
    ),
    (
        3170,
        "Error",
        "(synthetic) internals could not be locked",
        Action.LOCKED_RETRY_LATER,
        True,
        None,
        None,
    ),
    (
        3175,
        "Error",
        "(synthetic) failed to acquire the lock",
        Action.LOCKED_RETRY_LATER,
        True,
        None,
        None,
    ),
    (
        3180,
        "Error",
        'There was an error when saving a Customer list, element "Newcastle Tenants '
        'Federation". QuickBooks error message: This list has been modified by another user.',
        Action.LOCKED_RETRY_LATER,
        True,
        None,
        "Newcastle Tenants Federation",
    ),
    (
        3200,
        "Error",
        'The provided edit sequence "1416315972" is out-of-date. ',
        Action.STALE_RETRY,
        True,
        "EditSequence",
        "1416315972",
    ),
    # QuickBooks has been recorded sending 3210 as Info: the code decides, not the severity.
    (
        3210,
        "Info",
        'The "AppliedToTxnAdd payment amount" field has an invalid value "129.43".  '
        "QuickBooks error message: You cannot pay more than the amount due.",
        Action.INVALID_FIELD,
        False,
        "AppliedToTxnAdd payment amount",
        "129.43",
    ),
    (
        3250,
        "Error",
        "This feature is not enabled or not available in this version of QuickBooks.",
        Action.FAIL,
        False,
        None,
        None,
    ),
    (9099, "Error", "(synthetic)", Action.FAIL, False, None, None),
    (9100, "Error", "(synthetic) macro error", Action.FAIL, False, None, None),
    (9199, "Error", "(synthetic)", Action.FAIL, False, None, None),
    # Outside every documented range: the severity decides.
    (9200, "Info", "(synthetic)", Action.OK, False, None, None),
    (-1, "Warn", "(synthetic)", Action.WARNING_OK, False, None, None),
    (10000, "Error", "(synthetic)", Action.FAIL, False, None, None),
]


@pytest.mark.parametrize(
    ("code", "severity", "message", "action", "retryable", "field", "value"), TABLE
)
def test_table(
    code: int,
    severity: str,
    message: str,
    action: Action,
    retryable: bool,
    field: str | None,
    value: str | None,
) -> None:
    decision = classify_status(code, severity, message)
    assert (decision.action, decision.retryable, decision.field, decision.value) == (
        action,
        retryable,
        field,
        value,
    )
    assert decision.reason.startswith(f"QuickBooks status {code} ({severity})")


def test_every_action_is_reachable() -> None:
    assert {row[3] for row in TABLE} == set(Action)


def test_reason_folds_white_space_and_keeps_the_message() -> None:
    decision = classify_status(3200, "Error", 'The provided edit sequence "1" is out-of-date. ')
    assert decision.reason == (
        'QuickBooks status 3200 (Error): The provided edit sequence "1" is out-of-date.'
    )
    assert classify_status(3180, "Error", "").reason == "QuickBooks status 3180 (Error)"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CustomerAddRs.3180.consolibyte.xml", Action.LOCKED_RETRY_LATER),
        ("CustomerQueryRs.3120.qbwc-gem.xml", Action.NOT_FOUND),
        ("CustomerQueryRs.500.qbwc-gem.xml", Action.NO_MATCH_ADD),
        ("ItemServiceAddRs.3100.consolibyte-2010.xml", Action.NAME_IN_USE),
        ("BillQueryRs.ok.intuit-sdktest-2022.xml", Action.OK),
    ],
)
def test_classify_real_answers(name: str, expected: Action) -> None:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"shared sample {path} is absent")
    result = parse_response(path.read_bytes()).results[0]
    assert classify(result).action is expected


def test_decision_is_a_value() -> None:
    one = classify_status(3140, "Error", 'invalid reference to QuickBooks Vendor "V" in the Bill.')
    assert one == Decision(Action.MISSING_REFERENCE, True, "Vendor", one.reason, "V")
    with pytest.raises(AttributeError):
        one.action = Action.OK  # type: ignore[misc]
