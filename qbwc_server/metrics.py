"""Prometheus metrics (GET /metrics): SOAP call latency, sessions, finished requests, queue depth.

Under gunicorn every worker is a process of its own, so the counters and histograms live in
prometheus_client's multiprocess files (PROMETHEUS_MULTIPROC_DIR, which ``qbwc serve`` sets
before any worker forks) and a scrape merges every worker's files. Without that variable
(tests, the CLI) they live in this process. Queue depth is not counted on the hot path: a
collector runs one GROUP BY when /metrics is scraped.

The metric objects are made on first use, in the process that uses them (after the fork),
so the value class is chosen once the multiprocess directory is known.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from qbwc_server.logs import DATABASE
from request_queue.errors import StoreError
from request_queue.store import Store

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
FINISHED_STATES = ("done", "failed")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


@dataclass(frozen=True)
class _Metrics:
    soap_seconds: Histogram
    sessions: Counter
    finished: Counter
    registry: CollectorRegistry | None  # this process's registry when not multiprocess


_lock = threading.Lock()
_metrics: _Metrics | None = None


def multiprocess_dir() -> str | None:
    """The multiprocess directory when it exists, else None (single-process metrics)."""
    path = os.environ.get(MULTIPROC_ENV)
    return path if path and os.path.isdir(path) else None


def _get() -> _Metrics:
    global _metrics
    if _metrics is None:
        with _lock:
            if _metrics is None:
                _metrics = _make()
    return _metrics


def _make() -> _Metrics:
    shared = multiprocess_dir() is not None
    if shared:
        # prometheus_client picks its value class when first imported; `qbwc serve` may have
        # imported it before it set the directory, so pick again now that it is known.
        values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
    registry = None if shared else CollectorRegistry()
    return _Metrics(
        soap_seconds=Histogram(
            "qbwc_soap_call_seconds",
            "Time to answer one Web Connector SOAP call, by method",
            ["method"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        sessions=Counter(
            "qbwc_sessions",
            "Web Connector sessions by how they ended (or why sign-in gave no session)",
            ["outcome"],
            registry=registry,
        ),
        finished=Counter(
            "qbwc_requests_finished",
            "Queued requests finished, by entity and final state (done or failed)",
            ["entity", "state"],
            registry=registry,
        ),
        registry=registry,
    )


def observe_call(method: str, seconds: float) -> None:
    """One SOAP call of ``method`` took ``seconds``."""
    _get().soap_seconds.labels(method=method).observe(seconds)


def record_session(outcome: str) -> None:
    """A session ended (closed, failed, expired, lost) or sign-in refused one (nvu, busy,
    none, paused)."""
    _get().sessions.labels(outcome=outcome).inc()


def record_finished(entity: str, state: str) -> None:
    """A request of ``entity`` reached ``state``; only done and failed are counted."""
    if state in FINISHED_STATES:
        _get().finished.labels(entity=entity, state=state).inc()


class QueueDepth(Collector):
    """Requests per state over every company, and whether the database answered, read from
    the database when scraped."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("qbwc_database_up", "1 when the database answered this scrape")
        try:
            with self.store.transaction() as tx:
                depth = tx.queue.depth_by_state()
        except StoreError as exc:
            DATABASE.failed(exc.message)
            up.add_metric([], 0)
            yield up
            return
        DATABASE.answered()
        up.add_metric([], 1)
        yield up
        gauge = GaugeMetricFamily(
            "qbwc_queue_requests", "Queued requests per state, every company", labels=["state"]
        )
        for state, count in sorted(depth.items()):
            gauge.add_metric([state], count)
        yield gauge


def render(store: Store) -> tuple[bytes, str]:
    """The /metrics body and its content type."""
    metrics = _get()
    registry = CollectorRegistry()
    if metrics.registry is None:
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(metrics.registry)
    registry.register(QueueDepth(store))
    return generate_latest(registry), CONTENT_TYPE_LATEST


def mark_process_dead(pid: int) -> None:
    """gunicorn's child_exit: forget a dead worker's live gauges (its counters and histograms
    stay, so totals never go down when a worker dies)."""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
