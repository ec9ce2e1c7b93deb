"""Settings: one frozen object read once from QBWC_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from qbwc_server.errors import ConfigError

# OwnerID is one GUID per application (Programmer's Guide, Table 4-1), not per .qwc file.
DEFAULT_OWNER_ID = "{5d1a7c1e-7b0f-4a53-9d0c-2f4bb1e0c9a1}"


@dataclass(frozen=True)
class Settings:
    """Every limit and setting of the service, each a named field with its default."""

    database_url: str = "sqlite:///qbwc.db"
    public_url: str = "http://localhost:8000/qbwc"
    bind: str = "127.0.0.1:8000"
    workers: int = 2
    threads: int = 4
    body_read_timeout_seconds: int = 60
    max_body_bytes: int = 64 * 1024 * 1024
    session_idle_seconds: int = 1800
    busy_seconds: int = 300
    login_max_failures: int = 5
    login_lockout_seconds: int = 300
    trusted_proxies: str = ""
    connection_error_retries: int = 2
    request_max_attempts: int = 5
    message_set_max_requests: int = 500
    message_set_max_bytes: int = 2 * 1024 * 1024
    max_noops_per_session: int = 12
    noop_horizon_seconds: int = 60
    min_client_version: str = "2.0"
    owner_id: str = DEFAULT_OWNER_ID
    password_hash_iterations: int = 600_000
    password_cache_seconds: int = 300  # a right chosen password is remembered this long idle
    admin_session_seconds: int = 8 * 3600  # an /admin/ sign-in ends after this long idle
    log_level: str = "INFO"
    log_format: str = "text"  # text | json (one JSON object per line, with a request id)

    def __post_init__(self) -> None:
        if self.log_format not in ("text", "json"):
            raise ConfigError("QBWC_LOG_FORMAT must be text or json")
        url = urlsplit(self.public_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError("QBWC_PUBLIC_URL must be an http(s) URL, e.g. https://host/qbwc")
        if url.scheme == "http" and url.hostname not in ("localhost", "127.0.0.1", "::1"):
            raise ConfigError(
                "QBWC_PUBLIC_URL must use https: the Web Connector refuses http "
                "for any host but localhost (QBWC1010)"
            )
        for name in (
            "workers",
            "max_body_bytes",
            "session_idle_seconds",
            "request_max_attempts",
            "message_set_max_requests",
            "message_set_max_bytes",
            "password_hash_iterations",
            "admin_session_seconds",
        ):
            if getattr(self, name) < 1:
                raise ConfigError(f"QBWC_{name.upper()} must be at least 1")

    @property
    def support_url(self) -> str:
        """The AppSupport page: the public URL's path + ``/support`` (its query and fragment
        left out), which the server answers (``support_path``), as well as /qbwc/support."""
        url = urlsplit(self.public_url)
        return urlunsplit((url.scheme, url.netloc, self.support_path, "", ""))

    @property
    def support_path(self) -> str:
        """The path of ``support_url`` (``/sync/qbwc/support`` for ``https://h/sync/qbwc``)."""
        return urlsplit(self.public_url).path.rstrip("/") + "/support"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read QBWC_<FIELD> variables; unknown QBWC_* names are an error, not ignored."""
        env = os.environ if environ is None else environ
        known = {f"QBWC_{f.name.upper()}": f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, raw in env.items():
            if not key.startswith("QBWC_") or key.startswith("QBWC_TEST_"):
                continue
            field = known.get(key)
            if field is None:
                raise ConfigError(f"unknown setting {key}; known: {', '.join(sorted(known))}")
            if field.type in ("int", int):
                try:
                    values[field.name] = int(raw)
                except ValueError:
                    raise ConfigError(f"{key} must be a whole number, got {raw!r}") from None
            else:
                values[field.name] = raw
        return cls(**values)
