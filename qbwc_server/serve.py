"""``qbwc serve``: gunicorn running the WSGI app, every setting from QBWC_* variables.

Metrics are shared by the workers through prometheus_client's multiprocess files: unless
PROMETHEUS_MULTIPROC_DIR is set already, a fresh directory is made for this server before
any worker forks and removed when it stops.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from gunicorn.app.base import BaseApplication

from qbwc_server import collector, gunicorn_hooks
from qbwc_server.config import Settings
from qbwc_server.metrics import MULTIPROC_ENV
from qbwc_server.wsgi import create_app

NEWER_GUNICORN = frozenset({"control_socket_disable"})


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in NEWER_GUNICORN and key not in self.cfg.settings:
                continue  # a setting this gunicorn does not have yet
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Called in each worker (preload_app is off): every worker opens its own engine.
        app = create_app(self._settings)
        collector.freeze_startup()
        return app


def gunicorn_options(
    settings: Settings, *, bind: str | None, workers: int | None
) -> dict[str, Any]:
    """gunicorn's settings for our app: threaded workers, generous timeouts for big answers.

    gthread, not sync: a sync worker serves one connection at a time, so a few clients that
    send slowly (or just keep a connection open) would hold every worker. Threads keep the
    others answering; the body read deadline (bounded_read.py) frees a stalled thread.
    """
    return {
        "bind": bind or settings.bind,
        "workers": workers or settings.workers,
        "worker_class": "qbwc_server.gunicorn_hooks.QbwcWorker",  # gthread, no HTML errors
        "threads": max(1, settings.threads),
        "timeout": 300,
        "graceful_timeout": 30,
        "limit_request_line": 8190,
        "accesslog": "-",
        "access_log_format": gunicorn_hooks.ACCESS_LOG_FORMAT,  # no query strings
        "logger_class": "qbwc_server.gunicorn_hooks.AccessLogger",
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "proc_name": "qbwc-server",
        "child_exit": gunicorn_hooks.child_exit,
        # gunicorn 25+ opens a control socket at one path per user ($HOME/.gunicorn): a second
        # server on the host would take over the first one's. qbwc serve does not use it.
        "control_socket_disable": True,
    }


def serve(settings: Settings, *, bind: str | None = None, workers: int | None = None) -> int:
    """Run until stopped; returns gunicorn's exit status."""
    gunicorn_hooks.AccessLogger.log_format = settings.log_format
    made, master = None, os.getpid()
    if not os.environ.get(MULTIPROC_ENV):
        made = os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="qbwc-metrics-")
    try:
        _Gunicorn(settings, gunicorn_options(settings, bind=bind, workers=workers)).run()
    finally:
        # A worker's exit unwinds through here too (gunicorn forks inside run()).
        if made is not None and os.getpid() == master:
            shutil.rmtree(made, ignore_errors=True)
    return 0
