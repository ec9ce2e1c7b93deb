"""The request-kind registry: (entity, action) -> how to build its qbXML and apply its answer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from lxml import etree

from qbxml.context import BuildContext
from qbxml.responses import RequestResult
from request_queue.rows import RequestRow
from request_queue.store import Tx

OutcomeState = Literal["done", "failed", "retry", "continue"]


@dataclass(frozen=True)
class Outcome:
    """What an answer means for its request: finished, failed, try again, or fetch more."""

    state: OutcomeState
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    delay_seconds: float = 0.0


class RequestKind(Protocol):
    """One kind of queued request, e.g. ("account", "import")."""

    @property
    def entity(self) -> str: ...

    @property
    def action(self) -> str: ...

    @property
    def writes(self) -> bool:
        """True when the request changes QuickBooks (newMessageSetID, checked recovery)."""
        ...

    def build(self, req: RequestRow, tx: Tx, ctx: BuildContext) -> etree._Element:
        """The request element (without requestID), from the latest record and link."""
        ...

    def apply(self, req: RequestRow, result: RequestResult, tx: Tx) -> Outcome:
        """Record a successful (or no-match) answer; return what becomes of the request."""
        ...


class KindRegistry:
    """Every request kind the service knows, looked up by (entity, action)."""

    def __init__(self, kinds: Iterable[RequestKind]) -> None:
        self._kinds = {(k.entity, k.action): k for k in kinds}

    def get(self, entity: str, action: str) -> RequestKind | None:
        return self._kinds.get((entity, action))

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._kinds

    def names(self) -> list[tuple[str, str]]:
        return sorted(self._kinds)
