"""The import request: one QuickBooks query, page by page, into records and links.

Each imported list or transaction is an ``ImportSpec`` (its query, how a Ret reads, which app
fields it fills and the two-way rule of DESIGN.md section 2); ``ListImport`` is the request
handler every spec shares.

Pages. Where qbXML has an iterator (customers, vendors, items, payments, bills) the first page
starts one and the request goes back to the queue with its iteratorID until QuickBooks says
nothing remains. An iterator QuickBooks no longer knows (status 3391: it expired between two
pages) starts the import again from the first page, at most ``MAX_RESTARTS`` times.

Watermark. A repeated import asks only for what changed since the last complete one
(FromModifiedDate, or ModifiedDateRangeFilter for transactions). The watermark is set when the
last page is applied, so an import that stops half way asks for the same objects again. Its
value is the newest TimeModified the import saw plus one second (FromModifiedDate includes its
own second, and TimeModified has whole seconds), but never later than this server's time at
the first page minus ``WATERMARK_MARGIN``. The first is in QuickBooks' own clock, so a skewed
PC clock cannot make an import skip changes; the second covers what QuickBooks changed while a
long import was running (an object edited after its page was sent, then another edited later
on a later page, would otherwise put the watermark past the first edit). Taking the earlier of
the two can only fetch a few objects twice, never miss one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from lxml import etree

from qbwc_server.sync import outcomes
from qbwc_server.sync.handlers import Built, Outcome, SyncEnv
from qbxml.context import BuildContext
from qbxml.responses import RequestResult
from request_queue.rows import RecordRow, RequestRow

if TYPE_CHECKING:
    from qbwc_server.sync.imports._page import Page

PAGE_SIZE = 500
WATERMARK_MARGIN = timedelta(minutes=5)
EXPIRED_ITERATOR = 3391
MAX_RESTARTS = 3
COUNTS = ("added", "updated", "unchanged", "kept", "conflicts")

# How an import treats a QuickBooks object linked to an app record (origin "app"):
# two_way: QuickBooks' changes come back (a conflict is logged when the app changed too);
# last_wins: the side changed last wins (vendors); keep: the app record stays as it is.
Rule = Literal["two_way", "last_wins", "keep"]


@dataclass(frozen=True)
class Ask:
    """What one page asks: the iterator step, and from when (None: everything)."""

    modified_from: datetime | None
    iterator: Literal["Start", "Continue"] | None
    iterator_id: str | None
    page_size: int


def paged(
    build: Callable[..., etree._Element],
    ctx: BuildContext,
    ask: Ask,
    *,
    first: dict[str, Any] | None = None,
    **always: Any,
) -> etree._Element:
    """The query of one page of an iterated list: the first page carries the filters
    (``first``, and FromModifiedDate from the watermark); a later page names only the
    iterator, as qbXML wants with Continue. ``always`` goes on every page."""
    if ask.iterator == "Continue":
        return build(
            ctx,
            max_returned=ask.page_size,
            iterator="Continue",
            iterator_id=ask.iterator_id,
            **always,
        )
    return build(
        ctx,
        max_returned=ask.page_size,
        modified_from=ask.modified_from,
        iterator="Start",
        **(first or {}),
        **always,
    )


@dataclass(frozen=True)
class Incoming:
    """One object of an answer: its QuickBooks ids and its parsed Ret."""

    qb_id: str
    edit_sequence: str | None
    full_name: str | None
    time_modified: datetime | None
    ret: Any


@dataclass(frozen=True)
class Mapped:
    """What an object means for a record: app fields (a key set to None clears that field; a
    key left out leaves it alone) and QuickBooks-only values (kept under "quickbooks" on
    records created from QuickBooks)."""

    fields: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


def _no_refs(ret: Any) -> Iterable[str]:
    return ()


def _no_preload(items: list[Incoming], page: Page) -> None:
    return None


@dataclass(frozen=True)
class ImportSpec:
    """One imported QuickBooks list or transaction (``name`` is the import kind's word)."""

    name: str
    kind: str
    query: Callable[[BuildContext, Ask], etree._Element]
    read: Callable[[etree._Element], Incoming]
    fields: Callable[[Any, Page, str, RecordRow | None], Mapped]
    iterates: bool = False
    link_kinds: tuple[str, ...] = ()
    rule: Callable[[str], Rule] = lambda as_kind: "two_way"
    creates: bool = True
    push_only: frozenset[str] = frozenset()
    refs: Callable[[Any], Iterable[str]] = _no_refs
    preload: Callable[[list[Incoming], Page], None] = _no_preload
    admit: Callable[[Incoming, Page], str | None] | None = None

    @property
    def linked_as(self) -> tuple[str, ...]:
        return self.link_kinds or (self.kind,)


@dataclass
class Tally:
    """What a page (or the whole import) did."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    skipped: dict[str, int] = field(default_factory=dict)
    newest: datetime | None = None

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def saw(self, when: datetime | None) -> None:
        if when is not None and (self.newest is None or when > self.newest):
            self.newest = when

    def merged(self, params: dict[str, Any]) -> Tally:
        """This page's tally added to the running totals kept in the request's params."""
        before = params.get("tally") or {}
        total = Tally()
        for name in set(COUNTS) | set(before.get("counts", {})) | set(self.counts):
            total.counts[name] = int(before.get("counts", {}).get(name, 0)) + self.counts.get(
                name, 0
            )
        for reason in set(before.get("skipped", {})) | set(self.skipped):
            total.skipped[reason] = int(before.get("skipped", {}).get(reason, 0)) + (
                self.skipped.get(reason, 0)
            )
        total.newest = self.newest
        if before.get("newest"):
            total.saw(datetime.fromisoformat(before["newest"]))
        return total

    def as_params(self) -> dict[str, Any]:
        newest = None if self.newest is None else self.newest.isoformat()
        return {"counts": self.counts, "skipped": self.skipped, "newest": newest}

    def words(self) -> str:
        parts = [f"{self.counts.get(name, 0)} {name}" for name in COUNTS[:3]]
        parts += [f"{self.counts[n]} {n}" for n in COUNTS[3:] if self.counts.get(n)]
        text = ", ".join(parts)
        if self.skipped:
            total = sum(self.skipped.values())
            why = "; ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
            text += f"; {total} skipped: {why}"
        return text


def expired(result: RequestResult) -> bool:
    """QuickBooks no longer knows the iterator a Continue named."""
    return result.status_code == EXPIRED_ITERATOR


def watermark_after(
    since: datetime | None, newest: datetime | None, started: datetime
) -> datetime | None:
    """The next watermark (module docstring); None when nothing was seen and none was set."""
    if newest is None:
        return since
    mark = min(newest + timedelta(seconds=1), started - WATERMARK_MARGIN)
    return mark if since is None else max(since, mark)


class ListImport:
    """The (kind, "import") request of one ImportSpec."""

    action = "import"
    writes = False

    def __init__(self, spec: ImportSpec) -> None:
        self.spec = spec
        self.entity = spec.kind

    def build(self, req: RequestRow, env: SyncEnv) -> etree._Element | Built:
        params = req.params
        size = int(params.get("page_size", PAGE_SIZE))
        iterator_id = params.get("iterator_id")
        if iterator_id:
            return self.spec.query(env.ctx, Ask(None, "Continue", str(iterator_id), size))
        iterator: Literal["Start"] | None = "Start" if self.spec.iterates else None
        if "started_at" in params:  # a restart: the same window as the first try
            since = _moment(params.get("since"))
            return self.spec.query(env.ctx, Ask(since, iterator, None, size))
        since = env.tx.imports.watermark(env.company.id, self.spec.kind)
        element = self.spec.query(env.ctx, Ask(since, iterator, None, size))
        started = env.tx.now().isoformat()
        return Built(
            element, {"since": None if since is None else since.isoformat(), "started_at": started}
        )

    def apply(self, req: RequestRow, result: RequestResult, env: SyncEnv) -> Outcome:
        from qbwc_server.sync.imports._apply import apply_page

        spec, params = self.spec, req.params
        if params.get("iterator_id") and expired(result):
            return restart(req, result)
        if not (result.ok or result.no_match):
            return outcomes.decide(self, req, result, env)
        tally = apply_page(spec, list(result.rets), env, req).merged(params)
        if result.has_more:
            return Outcome(
                "continue",
                f"Imported a page of {spec.name} ({result.iterator_remaining_count} more to fetch)",
                params={"iterator_id": result.iterator_id, "tally": tally.as_params()},
                reset_attempts=True,
            )
        started = _moment(params.get("started_at")) or env.tx.now()
        mark = watermark_after(_moment(params.get("since")), tally.newest, started)
        if mark is not None:
            env.tx.imports.set_watermark(env.company.id, spec.kind, mark)
        return Outcome("done", f"Imported {spec.name}: {tally.words()}", event="imported")


def restart(req: RequestRow, result: RequestResult) -> Outcome:
    """An expired iterator: the import starts again from its first page (a few times)."""
    restarts = int(req.params.get("restarts", 0)) + 1
    said = outcomes.words(result)
    if restarts > MAX_RESTARTS:
        return Outcome(
            "failed",
            f"{said}. QuickBooks' iterator expired {restarts} times; queue the import again",
        )
    return Outcome(
        "continue",
        f"{said}. The iterator expired between two pages: starting again from the first page",
        params={"iterator_id": None, "restarts": restarts},
        event="restarted",
    )


def _moment(value: Any) -> datetime | None:
    return None if not value else datetime.fromisoformat(str(value))
