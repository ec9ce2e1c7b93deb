"""A fake QuickBooks Web Connector: QBWC's exact call sequence against any server URL.

The sequence follows the Programmer's Guide chapter 2 and the real capture in QBWC_FACTS.md:
serverVersion, clientVersion, authenticate, (connectionError while QuickBooks cannot open the
company), then sendRequestXML / receiveResponseXML until 100, a negative percent or "",
getLastError where QBWC calls it ("NoOp" pauses and asks again), and closeConnection.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from qbwc_server.simulator.soapwire import ConnectionCut, Param, SoapFault, post, result
from qbxml.errors import QbxmlError
from qbxml.hcp import parse_hcp

CANNOT_START = ("0x80040408", "Could not start QuickBooks.")


class QuickBooksLike(Protocol):
    """What the Web Connector needs of QuickBooks (FakeQuickBooks is one)."""

    @property
    def company_file(self) -> str: ...

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


@dataclass
class SessionResult:
    """How a session went, for people (progress lines) and for assertions."""

    outcome: str = "completed"
    close_message: str = ""
    last_error: str = ""
    percents: list[int] = field(default_factory=list)
    requests_sent: int = 0
    calls: list[str] = field(default_factory=list)
    ticket: str = ""
    warnings: list[str] = field(default_factory=list)


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
        faults: Faults | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_event: Callable[[str], None] | None = None,
        timeout: float = 60.0,
        noop_pause: float = 5.0,
        max_calls: int = 10_000,
    ) -> None:
        self.url, self.username, self.password = url, username, password
        self.company, self.version = company, version
        self.faults = faults or Faults()
        self.sleep, self.on_event, self.timeout = sleep, on_event, timeout
        self.noop_pause, self.max_calls = noop_pause, max_calls

    def run_session(self) -> SessionResult:
        """One scheduled run: from serverVersion to closeConnection (or the session's death)."""
        res = SessionResult()
        try:
            self._run(res)
        except ConnectionCut as exc:
            res.outcome, res.last_error = "died", str(exc)
        except SoapFault as exc:
            res.outcome, res.last_error = "error", exc.message
            self._event(f"Error: {exc.message}")
        return res

    # -- the sequence ------------------------------------------------------------------------
    def _run(self, res: SessionResult) -> None:
        self._call(res, "serverVersion", [])
        answer = str(self._call(res, "clientVersion", [("strVersion", self.version)]))
        if answer.startswith(("E:", "O:")):
            res.outcome, res.last_error = "version_refused", answer[2:]
            return
        if answer.startswith("W:"):
            res.warnings.append(answer[2:])
        auth = self._call(
            res, "authenticate", [("strUserName", self.username), ("strPassword", self.password)]
        )
        values = auth if isinstance(auth, list) else [auth]
        res.ticket = values[0] if values else ""
        reply = values[1] if len(values) > 1 else ""
        refused = {"nvu": "invalid_user", "none": "no_work", "busy": "busy"}.get(reply.lower())
        if refused is not None:  # Guide p.21: show a message, call closeConnection, stop
            res.outcome = refused
            self._close(res)
            return
        if not self._open_company(res):
            return
        self._exchange(res)

    def _open_company(self, res: SessionResult) -> bool:
        """QBWC opens the company; each failure goes to connectionError until it says done."""
        for _ in range(self.faults.cannot_open_company):
            answer = str(
                self._call(
                    res,
                    "connectionError",
                    [
                        ("ticket", res.ticket),
                        ("hresult", CANNOT_START[0]),
                        ("message", CANNOT_START[1]),
                    ],
                )
            )
            if answer.strip().lower() == "done":
                res.outcome = "connection_failed"
                res.last_error = str(self._call(res, "getLastError", [("ticket", res.ticket)]))
                self._close(res)
                return False
        return True

    def _exchange(self, res: SessionResult) -> None:
        hcp = self.company.hcp_response()
        major, minor = _highest_version(hcp)
        first = True
        while len(res.calls) < self.max_calls:
            qbxml = str(
                self._call(
                    res,
                    "sendRequestXML",
                    [
                        ("ticket", res.ticket),
                        ("strHCPResponse", hcp if first else ""),
                        ("strCompanyFileName", self.company.company_file),
                        ("qbXMLCountry", "US"),
                        ("qbXMLMajorVers", major),
                        ("qbXMLMinorVers", minor),
                    ],
                )
            )
            first = False
            if qbxml == "":
                error = str(self._call(res, "getLastError", [("ticket", res.ticket)]))
                if error == "NoOp":
                    self._event(f"Waiting {self.noop_pause:g} s (NoOp)")
                    self.sleep(self.noop_pause)
                    continue
                res.last_error = error
                if error:
                    res.outcome = "error"
                self._close(res)
                return
            percent = self._one_request_set(res, qbxml)
            if percent is None:
                return  # the session died (a dropped response)
            res.percents.append(percent)
            if percent < 0:
                res.outcome = "error"
                res.last_error = str(self._call(res, "getLastError", [("ticket", res.ticket)]))
                self._close(res)
                return
            self._event(f"{min(percent, 100)}% done")
            if percent >= 100:
                self._close(res)
                return
        res.outcome, res.last_error = "error", f"gave up after {self.max_calls} calls"

    def _one_request_set(self, res: SessionResult, qbxml: str) -> int | None:
        res.requests_sent += 1
        number = res.requests_sent
        self._event(f"Sending request set {number} to QuickBooks")
        response, hresult, message = "", "", ""
        if self.faults.hresult_on_request == number:
            hresult = "0x80040400"
            message = "QuickBooks found an error when parsing the provided XML text stream."
        else:
            try:
                response = self.company.process(qbxml)
            except Exception as exc:  # QuickBooks' request processor fails with an HRESULT
                hresult = str(getattr(exc, "hresult", "0x80040402"))
                message = str(getattr(exc, "message", str(exc)))
        if self.faults.delay_seconds:
            self.sleep(self.faults.delay_seconds)
        if self.faults.drop_response_after == number:
            res.outcome = "died"
            res.last_error = f"the answer to request set {number} was lost"
            return None
        return int(
            str(
                self._call(
                    res,
                    "receiveResponseXML",
                    [
                        ("ticket", res.ticket),
                        ("response", response),
                        ("hresult", hresult),
                        ("message", message),
                    ],
                )
            )
        )

    def _close(self, res: SessionResult) -> None:
        res.close_message = str(self._call(res, "closeConnection", [("ticket", res.ticket)]))
        self._event(f"Update completed: {res.close_message}")

    # -- one call ----------------------------------------------------------------------------
    def _call(self, res: SessionResult, op: str, params: list[Param]) -> list[str] | str:
        cut = self.faults.cut_connection_on == op
        times = 2 if self.faults.repeat_call == op else 1
        answer: list[str] | str = ""
        for _ in range(times):
            res.calls.append(op)
            data = post(
                self.url, op, params, timeout=self.timeout, first=len(res.calls) == 1, cut=cut
            )
            answer = result(op, data)
        return answer

    def _event(self, line: str) -> None:
        if self.on_event is not None:
            self.on_event(f"{self.username}: {line}")


def _highest_version(hcp: str) -> tuple[int, int]:
    """The major/minor qbXML version QBWC reports: the highest this QuickBooks supports."""
    try:
        versions = parse_hcp(hcp).supported_versions
    except QbxmlError:
        return (13, 0)
    best = (13, 0)
    parsed = []
    for v in versions:
        major, _, minor = v.partition(".")
        if major.isdigit() and (minor or "0").isdigit():
            parsed.append((int(major), int(minor or "0")))
    return max(parsed) if parsed else best
