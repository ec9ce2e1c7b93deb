"""Every benchmark, one command: ``.venv/bin/python bench/run.py [--quick]``.

Each benchmark runs in its own process (so one's memory, caches and loaded rows do not skew
the next one's figures) and prints markdown; this prints each under a heading with the exact
command, then a summary table. Benchmarks another change has not added yet are skipped with a
note. PostgreSQL figures use QBWC_BENCH_POSTGRES_URL (default the local server, as the tests);
they are skipped, saying so, when no server answers. Exit status 1 when a benchmark failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
QUICK = ["--quick"]
# (module, what it measures, arguments with --quick, arguments always); an argument a module
# does not know (its source does not name it) is left out.
PARTS: tuple[tuple[str, str, list[str], list[str]], ...] = (
    (
        "idle_poll",
        "Idle poll: CPU against the floor and the password scheme",
        ["--quick", "--polls", "500", "--rounds", "3"],
        ["--postgres", "{postgres}"],
    ),
    ("bulk_answers", "Bulk answers: 1k, 10k and 50k objects against lxml's parse", QUICK, []),
    ("queue_scale", "Queue at scale: claims at 10k-1M queued; idle poll vs history", QUICK, []),
    ("web_connectors", "Simulated Web Connectors against a live qbwc serve", QUICK, []),
    ("sync_job_round_trips", "sendRequestXML calls of a 421-object Sync Job", QUICK, []),
)


def _present(module: str) -> bool:
    """Is bench/<module>.py there (another change may not have added it yet)?"""
    return (BENCH / f"{module}.py").is_file()


def _known(module: str, arguments: list[str]) -> list[str]:
    """``arguments`` without the options (and their values) the module does not name."""
    source = (BENCH / f"{module}.py").read_text(encoding="utf-8")
    kept: list[str] = []
    skipping = False
    for argument in arguments:
        if argument.startswith("--"):
            skipping = f'"{argument}"' not in source
        if not skipping:
            kept.append(argument)
    return kept


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few minutes: smaller sizes")
    parser.add_argument("--only", nargs="*", default=None, help="run only these modules")
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("QBWC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    summary = []
    failed = False
    load = os.getloadavg()[0]
    print(
        f"# Benchmarks ({'quick' if args.quick else 'full'}; load average {load:.1f} "
        f"on {os.cpu_count()} cores at the start)\n",
        flush=True,
    )
    for module, what, quick, always in PARTS:
        if args.only is not None and module not in args.only:
            continue
        command = [".venv/bin/python", f"bench/{module}.py"]
        if not _present(module):
            shown = " ".join(command)
            summary.append((what, shown, f"skipped: bench/{module}.py is not there yet", 0.0))
            continue
        wanted = (quick if args.quick else []) + always
        postgres = env["QBWC_BENCH_POSTGRES_URL"]
        command += [a.replace("{postgres}", postgres) for a in _known(module, wanted)]
        shown = " ".join(command)
        print(f"## {what}\n\nCommand: `{shown}`\n", flush=True)
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, *command[1:]],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # one stream: a traceback shows where it happened
            text=True,
        )
        assert child.stdout is not None
        for line in child.stdout:  # as it comes: a long benchmark shows its progress
            if "alembic.runtime" not in line:
                print(line, end="", flush=True)
        returncode = child.wait()
        spent = time.perf_counter() - started
        print(flush=True)
        status = "ok" if returncode == 0 else f"FAILED (exit {returncode})"
        failed = failed or returncode != 0
        summary.append((what, shown, status, spent))
    print("## Summary\n")
    print("| benchmark | command | result | seconds |")
    print("|---|---|---|---|")
    for what, shown, status, spent in summary:
        print(f"| {what} | `{shown}` | {status} | {spent:.0f} |")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
