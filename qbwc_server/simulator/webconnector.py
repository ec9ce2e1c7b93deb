"""A fake QuickBooks Web Connector: QBWC's exact call sequence against any server URL.

The sequence follows the Programmer's Guide chapter 2 (pp.19-25) and the real capture in
QBWC_FACTS.md section 2: serverVersion, clientVersion, authenticate, (connectionError while
QuickBooks cannot open the company), then sendRequestXML / receiveResponseXML until 100, a
negative percent or "", getLastError where QBWC calls it ("NoOp" pauses and asks again), and
closeConnection. Fault switches (Faults) reproduce lost answers, retries and cut connections.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from qbwc_server.simulator.soapwire import ConnectionCut, Param, SoapFault, Transport, result
from qbxml.errors import QbxmlError
from qbxml.hcp import parse_hcp

CANNOT_START = ("0x80040408", "Could not start QuickBooks.")
PARSE_ERROR = ("0x80040400", "QuickBooks found an error when parsing the provided XML text stream.")
UNEXPECTED = "0x80040402"
DEFAULT_FILE = "C:\\Users\\Public\\Documents\\Intuit\\QuickBooks\\Company Files\\Company.QBW"
REFUSALS = {  # outcome, and the status text QBWC shows (Guide p.63)
    "nvu": ("invalid_user", "Invalid password for username"),
    "none": ("no_work", "No Data Exchange"),
    "busy": ("busy", "Application Busy"),
}


class QuickBooksLike(Protocol):
    """What the Web Connector needs of QuickBooks (FakeQuickBooks is one).

    ``process`` raises an exception with ``.hresult`` and ``.message`` when QuickBooks'
    request processor fails. An optional ``company_file`` attribute names the open file.
    """

    def hcp_response(self) -> str: ...

    def process(self, request_xml: str) -> str: ...


@dataclass(frozen=True)
class Faults:
    """Failure switches, all off by default."""

    drop_response_after: int | None = None  # die after QuickBooks applied the Nth set
    repeat_call: str | None = None  # send this operation twice in a row
    delay_seconds: float = 0.0  # "time in QuickBooks" between calls
    cut_connection_on: str | None = None  # close the socket mid-request on this operation
    cannot_open_company: int = 0  # QuickBooks fails to open the company this many times
    hresult_on_request: int | None = None  # answer the Nth set with an HRESULT, not a response


@dataclass(frozen=True)
class SessionResult:
    """How a session went, for people (progress lines) and for assertions."""

    outcome: str  # completed no_work invalid_user busy error died connection_failed version_refused
    close_message: str = ""
    last_error: str = ""
    percents: list[int] = field(default_factory=list)
    requests_sent: int = 0
    calls: list[str] = field(default_factory=list)
    ticket: str = ""
    warnings: list[str] = field(default_factory=list)  # clientVersion "W:" texts
    postpone: str | None = None  # authenticate's optional 3rd member (seconds to wait)
    min_run_every: str | None = None  # its optional 4th member (MinimumRunEveryNSeconds)
    resent: int = 0  # calls sent again on a new connection when a kept-alive one was closed


@dataclass
class _Progress:
    """The session's state while it runs; frozen into a SessionResult at the end."""

    outcome: str = "completed"
    close_message: str = ""
    last_error: str = ""
    percents: list[int] = field(default_factory=list)
    requests_sent: int = 0
    calls: list[str] = field(default_factory=list)
    ticket: str = ""
    warnings: list[str] = field(default_factory=list)
    postpone: str | None = None
    min_run_every: str | None = None
    resent: int = 0

    def freeze(self) -> SessionResult:
        return SessionResult(**vars(self))


class _Stop(Exception):
    """The session ends here (its outcome is already recorded)."""


class WebConnector:
    """Runs sessions like QBWC 2.x does, against ``url``, for one user and one company."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        company: QuickBooksLike,
        *,
        version: str = "2.3.0.215",
        faults: Faults = Faults(),
        sleep: Callable[[float], None] = time.sleep,
        on_event: Callable[[str], None] | None = None,
        timeout: float = 60.0,
        noop_pause: float = 5.0,
        max_calls: int = 10_000,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.url, self.username, self.password = url, username, password
        self.company, self.version, self.faults = company, version, faults
        self.sleep, self.on_event, self.timeout = sleep, on_event, timeout
        self.noop_pause, self.max_calls = noop_pause, max_calls
        self.ssl_context = ssl_context  # for https:// with a private CA (tests, staging)

    def run_session(self) -> SessionResult:
        """One scheduled run: from serverVersion to closeConnection (or the session's death)."""
        state = _Progress()
        transport = Transport(self.url, timeout=self.timeout, ssl_context=self.ssl_context)
        try:
            self._run(state, transport)
        except _Stop:
            pass
        except ConnectionCut as exc:
            state.outcome, state.last_error = "died", str(exc)
            self._event(f"Connection lost: {exc}")
        except SoapFault as exc:  # QBWC1041-1045: an exception during a call; the session ends
            state.outcome, state.last_error = "error", exc.message
            self._event(f"Error: {exc.message}")
        finally:
            transport.close()
            state.resent = transport.resent
        return state.freeze()

    # -- the sequence ------------------------------------------------------------------------
    def _run(self, state: _Progress, wire: Transport) -> None:
        self._event("Connecting to the web service ...")
        self._call(state, wire, "serverVersion", [])
        answer = _text(self._call(state, wire, "clientVersion", [("strVersion", self.version)]))
        # Guide p.21: "QBWC always proceeds to call authenticate unless it receives a message
        # string prefixed by ... "E:" or ... "O:""; W: shows a warning the user accepts.
        if answer.startswith(("E:", "O:")):
            state.outcome, state.last_error = "version_refused", answer[2:]
            self._event(f"Update stopped: {answer}")
            raise _Stop
        if answer.startswith("W:"):
            state.warnings.append(answer[2:])
            self._event(f"Warning: {answer[2:]}")
        auth = self._call(
            state,
            wire,
            "authenticate",
            [("strUserName", self.username), ("strPassword", self.password)],
        )
        values = auth if isinstance(auth, list) else [auth]
        state.ticket = values[0] if values else ""
        reply = values[1] if len(values) > 1 else ""
        state.postpone = values[2] if len(values) > 2 else None
        state.min_run_every = values[3] if len(values) > 3 else None
        refused = REFUSALS.get(reply.strip().lower())
        if refused is not None:
            # Guide p.21: 'If the second member of the string array contains "none" or "nvu",
            # QBWC will display a message, call closeConnection, and stop the session.'
            # p.62 lists BUSY beside them, so busy is handled the same way.
            state.outcome, status = refused
            self._event(status)
            self._close(state, wire)
            return
        self._open_company(state, wire)
        self._exchange(state, wire)

    def _open_company(self, state: _Progress, wire: Transport) -> None:
        """Guide p.22: each failure to open goes to connectionError, retried until "done"."""
        for _ in range(self.faults.cannot_open_company):
            self._event(f"Error {CANNOT_START[0]}: {CANNOT_START[1]}")
            answer = _text(
                self._call(
                    state,
                    wire,
                    "connectionError",
                    [
                        ("ticket", state.ticket),
                        ("hresult", CANNOT_START[0]),
                        ("message", CANNOT_START[1]),
                    ],
                )
            )
            if answer.strip().lower() == "done":
                # Guide p.51/p.69: the service uses getLastError to tell the user; after it
                # QBWC ends the session with closeConnection (p.53).
                state.outcome = "connection_failed"
                state.last_error = self._last_error(state, wire)
                self._close(state, wire)
                raise _Stop
            # Any other string is the company path for the next attempt (Guide p.69).

    def _exchange(self, state: _Progress, wire: Transport) -> None:
        hcp = self.company.hcp_response()
        major, minor = highest_version(hcp)
        company_file = str(getattr(self.company, "company_file", DEFAULT_FILE))
        first = True
        while True:
            qbxml = _text(
                self._call(
                    state,
                    wire,
                    "sendRequestXML",
                    [
                        ("ticket", state.ticket),
                        ("strHCPResponse", hcp if first else ""),
                        ("strCompanyFileName", company_file),
                        ("qbXMLCountry", "US"),
                        ("qbXMLMajorVers", major),
                        ("qbXMLMinorVers", minor),
                    ],
                )
            )
            first = False
            if qbxml == "":  # Guide p.23: "" -> getLastError: an error, or "NoOp" to wait
                error = self._last_error(state, wire)
                if error == "NoOp":
                    self._event(f"Waiting {self.noop_pause:g} s (NoOp)")
                    self.sleep(self.noop_pause)
                    continue
                state.last_error = error
                if error:
                    state.outcome = "error"
                    self._event(f"Error: {error}")
                self._close(state, wire)
                return
            percent = self._one_request_set(state, wire, qbxml)
            state.percents.append(percent)
            if percent < 0:  # Guide p.24 step 10: getLastError, show it, closeConnection
                state.outcome = "error"
                state.last_error = self._last_error(state, wire)
                self._event(f"Error: {state.last_error}")
                self._close(state, wire)
                return
            self._event(f"{progress_bar(percent)} {min(percent, 100)}% done")
            if percent >= 100:  # Guide p.25 step 11
                self._close(state, wire)
                return

    def _one_request_set(self, state: _Progress, wire: Transport, qbxml: str) -> int:
        """Hand one message set to QuickBooks and report its answer; the server's percent."""
        state.requests_sent += 1
        number = state.requests_sent
        self._event(f"Sending request {number} ...")
        response, hresult, message = "", "", ""
        if self.faults.hresult_on_request == number:
            hresult, message = PARSE_ERROR
        else:
            try:
                response = self.company.process(qbxml)
            except Exception as exc:  # QuickBooks' request processor fails with an HRESULT
                hresult = str(getattr(exc, "hresult", UNEXPECTED))
                message = str(getattr(exc, "message", str(exc)))
        if hresult:
            self._event(f"QuickBooks answered {hresult}: {message}")
        if self.faults.delay_seconds:
            self.sleep(self.faults.delay_seconds)
        if self.faults.drop_response_after == number:
            state.outcome = "died"
            state.last_error = f"the answer to request set {number} was lost"
            self._event(f"Connection lost: {state.last_error}")
            raise _Stop
        self._event(f"Receiving response {number} ...")
        answer = _text(
            self._call(
                state,
                wire,
                "receiveResponseXML",
                [
                    ("ticket", state.ticket),
                    ("response", response),
                    ("hresult", hresult),
                    ("message", message),
                ],
            )
        )
        try:
            return int(answer.strip())
        except ValueError as exc:
            raise SoapFault(
                "Client", f"receiveResponseXML returned {answer!r}, not a number"
            ) from exc

    def _last_error(self, state: _Progress, wire: Transport) -> str:
        return _text(self._call(state, wire, "getLastError", [("ticket", state.ticket)]))

    def _close(self, state: _Progress, wire: Transport) -> None:
        state.close_message = _text(
            self._call(state, wire, "closeConnection", [("ticket", state.ticket)])
        )
        self._event(f"Update completed: {state.close_message}")

    # -- one call ----------------------------------------------------------------------------
    def _call(
        self, state: _Progress, wire: Transport, op: str, params: list[Param]
    ) -> list[str] | str:
        cut = self.faults.cut_connection_on == op
        answer: list[str] | str = ""
        for _ in range(2 if self.faults.repeat_call == op else 1):
            if len(state.calls) >= self.max_calls:
                state.outcome = "error"
                state.last_error = f"gave up after {self.max_calls} calls"
                raise _Stop
            state.calls.append(op)
            answer = result(op, wire.post(op, params, cut=cut))
        return answer

    def _event(self, line: str) -> None:
        if self.on_event is not None:
            self.on_event(line)


def _text(answer: list[str] | str) -> str:
    return answer if isinstance(answer, str) else "".join(answer)


def progress_bar(percent: int, width: int = 20) -> str:
    """A text progress bar like QBWC's, e.g. ``[#####...............]`` for 25."""
    done = max(0, min(width, percent * width // 100))
    return "[" + "#" * done + "." * (width - done) + "]"


def highest_version(hcp: str) -> tuple[int, int]:
    """The major/minor qbXML version QBWC reports: the highest this QuickBooks supports."""
    try:
        versions = parse_hcp(hcp).supported_versions
    except QbxmlError:
        return (13, 0)
    parsed = []
    for v in versions:
        major, _, minor = v.strip().partition(".")
        if major.isdigit() and (minor or "0").isdigit():
            parsed.append((int(major), int(minor or "0")))
    return max(parsed) if parsed else (13, 0)
