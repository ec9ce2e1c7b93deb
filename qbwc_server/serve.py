"""``qbwc serve``: gunicorn running the WSGI app, every setting from QBWC_* variables."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from qbwc_server.config import Settings
from qbwc_server.wsgi import create_app


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Called in each worker (preload_app is off): every worker opens its own engine.
        return create_app(self._settings)


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
        "worker_class": "gthread",
        "threads": max(1, settings.threads),
        "timeout": 300,
        "graceful_timeout": 30,
        "limit_request_line": 8190,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        "proc_name": "qbwc-server",
    }


def serve(settings: Settings, *, bind: str | None = None, workers: int | None = None) -> int:
    """Run until stopped; returns gunicorn's exit status."""
    _Gunicorn(settings, gunicorn_options(settings, bind=bind, workers=workers)).run()
    return 0
