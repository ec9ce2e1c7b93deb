"""A live ``qbwc serve`` (gunicorn) in a subprocess, on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    env: dict[str, str]
    log_path: Path

    @property
    def soap_url(self) -> str:
        return self.base_url + "/qbwc"

    def qbwc(self, *args: str, stdin: str | None = None, check: bool = True) -> str:
        """Run the ``qbwc`` command against this server's database; return its stdout."""
        result = subprocess.run(
            [str(BIN / "qbwc"), *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"qbwc {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def server_log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(
    database_url: str, tmp: Path, *, workers: int = 2, extra_env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QBWC_")}
    env.update(
        {
            "QBWC_DATABASE_URL": database_url,
            "QBWC_PUBLIC_URL": f"{base}/qbwc",
            "QBWC_BIND": f"127.0.0.1:{port}",
            "QBWC_WORKERS": str(workers),
            "QBWC_PASSWORD_HASH_ITERATIONS": "1000",
            **(extra_env or {}),
        }
    )
    log_path = tmp / f"server-{port}.log"
    server = LiveServer(base, env, log_path)
    server.qbwc("init")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(BIN / "qbwc"), "serve"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"qbwc serve did not start:\n{server.server_log()}")
            time.sleep(0.1)
        yield server
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
