#!/usr/bin/env bash
# Set up, create a demo company, show a simulated Web Connector session, then keep serving.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QBWC_DATABASE_URL=${QBWC_DATABASE_URL:-sqlite:///qbwc.db}
export QBWC_PUBLIC_URL=${QBWC_PUBLIC_URL:-http://localhost:8000/qbwc}
export QBWC_BIND=${QBWC_BIND:-127.0.0.1:8000}
qbwc=.venv/bin/qbwc
user=demo
password=demo-password-123
$qbwc init
$qbwc company create --name "Demo Contracting" --username "$user" --password "$password" --if-missing
$qbwc import "$user" accounts
$qbwc serve --workers 2 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  .venv/bin/python -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://$QBWC_BIND/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
echo
echo "== A simulated Web Connector and QuickBooks company sync against the server:"
$qbwc simulate --url "http://$QBWC_BIND/qbwc" --username "$user" --password "$password" || true
cat <<TXT

== qbwc-server is running at http://$QBWC_BIND/qbwc (WSDL: http://$QBWC_BIND/qbwc?wsdl)
   Web Connector user: $user   password: $password
   The .qwc file:      .venv/bin/qbwc qwc $user
   What happened:      .venv/bin/qbwc log $user
   Press Ctrl-C to stop.
TXT
wait $server
