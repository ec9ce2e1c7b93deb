"""What the sync should do with each qbXML statusCode (DESIGN.md section 6).

Codes are classified by number first and severity second (QuickBooks has been seen to send
3210 with statusSeverity "Info"). Ranges, from Intuit's status-code reference as quoted in
QBWC_FACTS.md section 13: 0-499 info, 500-999 warning, 1000-1999 general error, 2000-2999 not
supported, 3000-3099 format error, 3100-9099 other error, 9100-9199 macro error.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from qbxml.responses import NO_MATCH_CODES, RequestResult


class Action(enum.Enum):
    """The sync's next step for one answered request."""

    OK = "ok"  # done
    WARNING_OK = "warning_ok"  # done; log QuickBooks' warning
    NO_MATCH_ADD = "no_match_add"  # a query found nothing: the object can be added
    STALE_RETRY = "stale_retry"  # 3200: re-read the EditSequence, then send again
    NAME_IN_USE = "name_in_use"  # 3100: link to the existing object or pick another name
    MISSING_REFERENCE = "missing_reference"  # 3140: sync the referenced object first
    NOT_FOUND = "not_found"  # 3120: the object named by id is gone from QuickBooks
    LOCKED_RETRY_LATER = "locked_retry_later"  # 3170-3180: someone else holds it; wait
    INVALID_FIELD = "invalid_field"  # 3000-3099, 3210: a value QuickBooks refuses
    FAIL = "fail"  # anything else: park the request as failed with the message


@dataclass(frozen=True)
class Decision:
    """The action for one answer, whether sending it again later can help, and why."""

    action: Action
    retryable: bool
    field: str | None
    reason: str
    value: str | None = None  # the value QuickBooks quoted (name, id, amount), when it did


# Patterns that name the field (group "field") and/or quote the value (group "value"), tried in
# order. Names may themselves contain quotes, so values are matched greedily up to the words
# that follow them.
_PATTERNS = (
    re.compile(r'The "(?P<field>[^"]+)" field has an invalid value "(?P<value>.*)"'),
    # 3000-3099: 'The string "..." in the field "Name" is too long.', 'There was an error when
    # converting the amount "..." in the field "Rate".' and the like.
    re.compile(r'"(?P<value>.*)" in the field "(?P<field>[^"]+)"'),
    re.compile(r'invalid reference to QuickBooks (?P<field>[A-Za-z ]+?) "(?P<value>.*)" in '),
    re.compile(r'The name "(?P<value>.*)" of the list element is already in use'),
    re.compile(r'The provided edit sequence "(?P<value>[^"]*)" is out-of-date'),
    re.compile(r'Object "(?P<value>[^"]*)" specified in the request cannot be found'),
    re.compile(r'error when saving an? .+?, element "(?P<value>.*)"\.'),
    re.compile(r'required element \("(?P<value>.*)"\) that could not be found'),
    re.compile(r'field "(?P<field>[^"]+)"', re.IGNORECASE),
)
_FIXED_FIELD = {3100: "Name", 3200: "EditSequence"}


def _field_and_value(code: int, message: str) -> tuple[str | None, str | None]:
    for pattern in _PATTERNS:
        match = pattern.search(message)
        if match is not None:
            groups = match.groupdict()
            return groups.get("field") or _FIXED_FIELD.get(code), groups.get("value")
    return _FIXED_FIELD.get(code), None


def _action(code: int, severity: str) -> tuple[Action, bool]:
    exact = {
        0: (Action.OK, False),
        3100: (Action.NAME_IN_USE, False),
        3120: (Action.NOT_FOUND, False),
        3140: (Action.MISSING_REFERENCE, True),
        3200: (Action.STALE_RETRY, True),
        3210: (Action.INVALID_FIELD, False),
    }
    if code in exact:
        return exact[code]
    if code in NO_MATCH_CODES:
        return Action.NO_MATCH_ADD, False
    if 3170 <= code <= 3180:
        return Action.LOCKED_RETRY_LATER, True
    if 1 <= code <= 499:
        return Action.OK, False
    if 501 <= code <= 999:
        return Action.WARNING_OK, False
    if 3000 <= code <= 3099:
        return Action.INVALID_FIELD, False
    if 1000 <= code <= 9199:  # general, not supported, other and macro errors
        return Action.FAIL, False
    # Outside every documented range: trust the severity.
    if severity == "Info":
        return Action.OK, False
    if severity == "Warn":
        return Action.WARNING_OK, False
    return Action.FAIL, False


def classify_status(code: int, severity: str, message: str) -> Decision:
    """Decide what to do with one (statusCode, statusSeverity, statusMessage)."""
    action, retryable = _action(code, severity)
    field, value = (None, None) if action is Action.OK else _field_and_value(code, message)
    text = " ".join(message.split())
    reason = f"QuickBooks status {code} ({severity})" + (f": {text}" if text else "")
    return Decision(action, retryable, field, reason, value)


def classify(result: RequestResult) -> Decision:
    """Decide what the sync does with one answered request."""
    return classify_status(result.status_code, result.status_severity, result.status_message)
