#!/usr/bin/env bash
# Set up, create a demo company with a customer, a project and an invoice, show simulated
# Web Connector sessions import QuickBooks' accounts and then sync the project (Sync Job),
# then keep serving.
set -euo pipefail
cd "$(dirname "$0")/.."
export QBWC_DATABASE_URL=${QBWC_DATABASE_URL:-sqlite:///qbwc.db}
export QBWC_BIND=${QBWC_BIND:-127.0.0.1:8000}
export QBWC_PUBLIC_URL=${QBWC_PUBLIC_URL:-http://localhost:${QBWC_BIND##*:}/qbwc}

# Never start (and then report success) against another server already on the port.
python=.venv/bin/python
[ -x "$python" ] || python=python3
"$python" - "$QBWC_BIND" <<'PY' || exit 1
import errno, socket, sys

bind = sys.argv[1]
host, _, port = bind.rpartition(":")
host = host.strip("[]")
if not host or not port.isdigit():
    sys.exit(f"QBWC_BIND must be host:port, e.g. 127.0.0.1:8000 (got {bind!r})")


def free(p: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            s.bind((host, p))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                sys.exit(f"cannot listen on {bind}: {exc.strerror}")
            return False
    return True


if not free(int(port)):
    spare = next((p for p in range(int(port) + 1, min(int(port) + 100, 65536)) if free(p)), None)
    hint = f"; set QBWC_BIND={host}:{spare} to use another one" if spare else ""
    sys.exit(f"port {bind} is in use (another server is running there){hint}")
PY

bash scripts/setup.sh
qbwc=.venv/bin/qbwc
user=demo
password=demo-password-123
# The fake QuickBooks company file and the server's log live next to the database (so every
# run sees one QuickBooks company).
case $QBWC_DATABASE_URL in
  sqlite:///*) base=${QBWC_DATABASE_URL#sqlite:///} ;;
  *) base=qbwc.db ;;
esac
state=${QBWC_DEMO_STATE:-$base.quickbooks.json}
server_log=$base.server.log

$qbwc init
$qbwc company create --name "Demo Contracting" --username "$user" --password "$password" --if-missing
echo
echo "== The app's records (a customer, a project, an invoice) and an import of accounts:"
$qbwc put "$user" --file fixtures/demo/records.json
$qbwc import "$user" accounts

$qbwc serve --workers 2 >"$server_log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
up=
for _ in $(seq 1 150); do
  if ! kill -0 "$server" 2>/dev/null; then
    tail -n 20 "$server_log" >&2
    echo "qbwc serve exited before answering (its log: $server_log)" >&2
    exit 1
  fi
  if "$python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
      "http://$QBWC_BIND/healthz" >/dev/null 2>&1; then
    up=yes
    break
  fi
  sleep 0.2
done
if [ -z "$up" ] || ! kill -0 "$server" 2>/dev/null; then
  tail -n 20 "$server_log" >&2
  echo "qbwc serve did not answer http://$QBWC_BIND/healthz within 30 seconds" >&2
  exit 1
fi

simulate() {
  $qbwc simulate --url "http://$QBWC_BIND/qbwc" --username "$user" --password "$password" \
    --state "$state" || true
}
echo
echo "== 1. A simulated Web Connector session: QuickBooks' accounts are imported"
simulate

echo
echo "== An invoice item posting to the imported account \"Construction Income\", then Sync Job:"
income=$($qbwc records "$user" account --json | "$python" -c '
import json, sys
ids = [r["record_id"] for r in json.load(sys.stdin) if r["data"].get("full_name") == "Construction Income"]
if not ids:
    sys.exit("the account Construction Income was not imported")
print(ids[0])
')
$qbwc put "$user" --file - <<JSON
{"kind": "item", "id": "I-LABOR", "data": {"name": "Carpentry Labor",
 "description": "Carpentry labor, per hour", "rate": "85.00", "income_account_id": "$income"}}
JSON
$qbwc sync-job "$user" P-1001

echo
echo "== 2. The next session: the customer, its job, the item and the invoice go to QuickBooks"
simulate

echo
echo "== What happened (newest first):"
$qbwc log "$user" --limit 20
cat <<TXT

== qbwc-server is running at http://$QBWC_BIND/qbwc (WSDL: http://$QBWC_BIND/qbwc?wsdl)
   Web Connector user: $user   password: $password
   The .qwc file:      .venv/bin/qbwc qwc $user
   What happened:      .venv/bin/qbwc log $user
   The project:        .venv/bin/qbwc records $user project
   The server's log:   $server_log
   The fake QuickBooks company file: $state
   Press Ctrl-C to stop.
TXT
wait $server
