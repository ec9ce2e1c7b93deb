"""The one table of errors in words a bookkeeper can act on.

Keys are QuickBooks request-processor HRESULTs (``"0x8004041D"``, any case), qbXML status
codes (``3180``, as int or text) and the service's own session words (``"nvu"``, ``"busy"``,
``"paused"``, ...). ``explain`` looks one up; ``explain_text`` finds a code inside a stored
message (a request's error, a log line, a session's last error) and explains that.
"""

from __future__ import annotations

import re

# QuickBooks' request processor (QBXMLRP2) HRESULTs, met in connectionError and
# receiveResponseXML (QBWC_FACTS.md section 8).
HRESULTS: dict[str, str] = {
    "0x80040400": (
        "QuickBooks could not read a request qbwc-server sent. Nothing was changed; "
        "send this log to your administrator."
    ),
    "0x80040401": (
        "The Web Connector could not reach QuickBooks. Check that QuickBooks is installed "
        "and opens on the Web Connector's computer."
    ),
    "0x80040402": (
        "QuickBooks had an unexpected error. Restart QuickBooks on the Web Connector's "
        "computer and run the Web Connector again."
    ),
    "0x80040403": (
        "QuickBooks could not open the company file. Check that the file is where the "
        "company's settings say and that this computer can reach it."
    ),
    "0x80040408": (
        "QuickBooks could not be started, so the company file is not open. Open QuickBooks "
        "with the company file on the Web Connector's computer, then run the Web Connector "
        "again."
    ),
    "0x8004040A": (
        "A different company file is open in QuickBooks. Open this company's file, then run "
        "the Web Connector again."
    ),
    "0x80040410": (
        "The company file is in use in a way this application cannot share (for example, "
        "open in single-user mode by someone else). Close it there, or switch QuickBooks to "
        "multi-user mode, then run the Web Connector again."
    ),
    "0x80040416": (
        "QuickBooks is not running and no company file was named. Open QuickBooks with the "
        "company file, then run the Web Connector again."
    ),
    "0x80040417": (
        "QuickBooks is open but no company file is. Open this company's file in QuickBooks, "
        "then run the Web Connector again."
    ),
    "0x80040418": (
        "This application has not been allowed into the company file yet. Sign in to "
        "QuickBooks as the Admin user, in single-user mode, run the Web Connector once and "
        "choose to allow access."
    ),
    "0x8004041A": (
        "QuickBooks does not allow this application into the company file. In QuickBooks: "
        "Edit > Preferences > Integrated Applications, allow this application."
    ),
    "0x8004041D": (
        "In QuickBooks: Edit > Preferences > Integrated Applications, allow this application "
        "to log in automatically"
    ),
    "0x8004041F": "This edition of QuickBooks does not allow other applications to connect.",
    "0x80040420": (
        "Someone in QuickBooks declined this application's access. Run the Web Connector "
        "again and choose to allow access when QuickBooks asks."
    ),
    "0x80040422": (
        "Another application has the company file to itself (single-user mode). Close it, "
        "then run the Web Connector again."
    ),
    "0x80040424": (
        "QuickBooks was still starting. Nothing was lost; it is tried again on the next run."
    ),
}

# qbXML statusCodes the sync meets (qbxml/status.py says what the sync does with each).
STATUS_CODES: dict[int, str] = {
    3100: (
        "The name is already used by another QuickBooks record (customers, vendors, "
        "employees and other names share one list). Rename one of them, then sync again."
    ),
    3120: (
        "The record was deleted or merged in QuickBooks. Sync it again to add it anew, or "
        "link it to the record that replaced it."
    ),
    3140: (
        "The record refers to something QuickBooks does not have yet (a customer, item, "
        "account, class or terms). Sync that first (a Sync Job does), or check its name in "
        "QuickBooks."
    ),
    3170: (
        "Someone is editing this record in QuickBooks. Nothing is lost: it is tried again "
        "on the next run."
    ),
    3175: ("The list is in use in QuickBooks. Nothing is lost: it is tried again on the next run."),
    3176: (
        "The record is in use in QuickBooks. Nothing is lost: it is tried again on the next run."
    ),
    3180: (
        "The list is locked in QuickBooks (someone is editing or adding to it). Nothing is "
        "lost: it is tried again on the next run. If it keeps happening, close open "
        "QuickBooks windows that edit lists while the Web Connector runs."
    ),
    3200: (
        "The record was changed in QuickBooks since qbwc-server last read it. qbwc-server "
        "reads it again and resends; act only if this keeps happening."
    ),
    3210: "QuickBooks refused a value of this record; correct the field it names and sync again.",
}

# The service's own words for a session it refuses, pauses or ends (service.py, polls.py,
# exchange.py and soap.py take them from here): what getLastError and closeConnection answer.
SESSION_WORDS: dict[str, str] = {
    "nvu": "The Web Connector user name or password is not valid for qbwc-server.",
    "locked": "Too many failed sign-ins for this user name; try again in a few minutes.",
    "none": "Nothing to sync.",
    "paused": "Syncing is paused for this company in qbwc-server.",
    "later": (
        "The last Web Connector sessions for this company failed; qbwc-server waits a little "
        "before the next try (see the company's log in qbwc-server)."
    ),
    "busy": "Another Web Connector session is syncing this company; it will run again later.",
    "unknown_ticket": (
        "This Web Connector session is unknown or has expired. "
        "The Web Connector will sign in again on its next scheduled run."
    ),
    "expired": (
        "The session expired: the Web Connector was silent too long. It will sign in again "
        "on its next run."
    ),
    "abandoned": "The session ended without closeConnection.",
    "database": (
        "qbwc-server cannot reach its database right now; nothing was changed. "
        "The Web Connector will try again on its next scheduled run."
    ),
}

_HRESULT = re.compile(r"\b0x[0-9a-f]{8}\b", re.IGNORECASE)
_STATUS = re.compile(r"\bstatus(?:Code)?[ =]*\"?(\d{1,5})\b", re.IGNORECASE)


def explain(code_or_hresult: int | str | None, fallback: str) -> str:
    """The words for an HRESULT, a qbXML status code or a session word; else ``fallback``."""
    if code_or_hresult is None:
        return fallback
    if isinstance(code_or_hresult, int):
        return STATUS_CODES.get(code_or_hresult, fallback)
    key = code_or_hresult.strip()
    if key.isdigit() and len(key) <= 5:
        return STATUS_CODES.get(int(key), fallback)
    if key.lower().startswith("0x"):
        return HRESULTS.get("0x" + key[2:].upper(), fallback)
    return SESSION_WORDS.get(key.lower(), fallback)


def with_advice(said: str, hresult: str) -> str:
    """``said`` (what QuickBooks reported, with its HRESULT), followed by what to do about
    it when the table knows the HRESULT: the words getLastError answers and the log keeps."""
    advice = explain(hresult, "")
    return f"{said}. {advice}" if advice else said


def explain_text(text: str | None, *, status_code: int | None = None) -> str | None:
    """Words for the first HRESULT or status code in ``text`` (or ``status_code``); None when
    no known code is there, so callers show ``text`` as it is."""
    codes: list[int | str] = [status_code] if status_code else []
    if text:
        codes += _HRESULT.findall(text)
        codes += [int(found) for found in _STATUS.findall(text)]
    for code in codes:
        words = explain(code, "")
        if words:
            return words
    return None
