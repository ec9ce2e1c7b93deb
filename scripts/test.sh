#!/usr/bin/env bash
# Set up and run every check and the whole test suite (SQLite and PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
export QBWC_TEST_DATABASE_URL=${QBWC_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "PostgreSQL is not answering on 127.0.0.1:5432; trying to start it" >&2
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
fi
echo "== ruff"; .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== mypy"; .venv/bin/mypy qbxml request_queue qbwc_server
echo "== import-linter"; .venv/bin/lint-imports
echo "== pytest"; .venv/bin/pytest "$@"
