#!/usr/bin/env bash
# Deployment checks, run by CI after the tests (the solution must already be built):
#   1. promtool: deploy/prometheus.yml, the rules in deploy/alerts.yml and their unit tests;
#   2. docker-compose: docker-compose.yml;
#   3. the API in the embedded mode on free ports: a few requests, then GET /metrics through
#      `promtool check metrics`;
#   4. GET /openapi/v1.json of that API through `redocly lint` (deploy/redocly.yaml), and the
#      interactive reference at /scalar/.
# Installs Debian's prometheus (for promtool), docker-compose, curl and npm when they are missing.
# Exits non-zero, naming the failed check, on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

redocly_version="2.77.0"

fail() { echo "deploy/checks.sh: FAILED: $*" >&2; exit 1; }
step() { echo "== $*"; }

# Findings of `promtool check metrics` in Orleans' own instruments, which we cannot change: they
# have no descriptions, some count milliseconds or megabytes, and stream series carry PascalCase
# labels (QueueId, BlockPoolId). Any other finding, in any series, fails the check.
known_findings=(
  '^orleans_[a-z0-9_]+ no help text$'
  '^orleans_[a-z0-9_]+ use base unit "(seconds|bytes)" instead of "(milliseconds|megabytes)"$'
  "^orleans_streams_[a-z0-9_]+ label names should be written in 'snake_case' not 'camelCase'$"
)

missing=()
command -v promtool >/dev/null || missing+=(prometheus)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v curl >/dev/null || missing+=(curl)
command -v npx >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") >&2 \
    || fail "could not install ${missing[*]} with apt-get"
fi

step "promtool check config deploy/prometheus.yml"
promtool check config deploy/prometheus.yml || fail "deploy/prometheus.yml is not a valid Prometheus configuration"
step "promtool check rules deploy/alerts.yml"
promtool check rules deploy/alerts.yml || fail "deploy/alerts.yml has invalid rules"
step "promtool test rules deploy/alerts.test.yml"
promtool test rules deploy/alerts.test.yml || fail "the alert rule unit tests in deploy/alerts.test.yml failed"

step "docker-compose config -q"
# The compose file requires an admin token; any value will do for validating it.
RETAIL_ADMIN_TOKEN="${RETAIL_ADMIN_TOKEN:-checks-only}" docker-compose -f docker-compose.yml config -q \
  || fail "docker-compose.yml is not valid"

step "/metrics of the API in the embedded mode"
dll="$(ls -t api/bin/*/net10.0/Retail.Api.dll 2>/dev/null | head -n 1 || true)"
[ -n "$dll" ] || fail "api/bin/*/net10.0/Retail.Api.dll not found: build the solution first (dotnet build or dotnet test)"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null && return
  local port
  while :; do
    port=$(shuf -i 20000-60000 -n 1)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}
http_port=$(free_port)
silo_port=$(free_port)
gateway_port=$(free_port)
base="http://127.0.0.1:$http_port"
token="checks-admin-token"
work="$(mktemp -d)"
api_pid=""

stop_api() {
  [ -n "$api_pid" ] || return 0
  if kill -0 "$api_pid" 2>/dev/null; then
    kill "$api_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$api_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$api_pid" 2>/dev/null || true
  fi
  wait "$api_pid" 2>/dev/null || true
  api_pid=""
}
show_log() { echo "--- last lines of the API's log ---" >&2; tail -n 40 "$work/api.log" >&2 || true; }
cleanup() { stop_api; rm -rf "$work"; }
trap cleanup EXIT

# Embedded mode whatever the caller's environment says: no connection string, a co-hosted silo.
env -u ConnectionStrings__Retail -u Retail__Cluster__Mode \
  Retail__Auth__AdminToken="$token" \
  Retail__Cluster__SiloPort="$silo_port" Retail__Cluster__GatewayPort="$gateway_port" \
  dotnet "$dll" --urls "$base" >"$work/api.log" 2>&1 &
api_pid=$!

ready=""
for _ in $(seq 120); do
  kill -0 "$api_pid" 2>/dev/null || { show_log; fail "the API exited during start-up"; }
  if curl -fsS -o /dev/null "$base/health/ready" 2>/dev/null; then ready=1; break; fi
  sleep 0.5
done
[ -n "$ready" ] || { show_log; fail "the API was not ready within 60 s at $base/health/ready"; }
echo "API ready at $base"

# request METHOD PATH EXPECTED_STATUS [JSON]: a call with the admin token.
request() {
  local status args=(-sS -o "$work/response" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $token")
  if [ $# -ge 4 ]; then args+=(-H 'Content-Type: application/json' --data "$4"); fi
  status=$(curl "${args[@]}" "$base$2") || fail "$1 $2: no response"
  [ "$status" = "$3" ] || { cat "$work/response" >&2; echo >&2; fail "$1 $2 answered $status, expected $3"; }
}
request PUT /api/v1/stores/checks-1 200 '{"name":"Checks","address":"Moscow","timeZone":"Europe/Moscow","inn":"7707083893","taxationSystem":"osn"}'
request PUT /api/v1/skus/checks-milk 200 '{"name":"Milk","unit":"pcs","vat":"vat10","price":89.90,"kind":"goods"}'
request POST /api/v1/stores/checks-1/stock/checks-milk/movements 200 '{"id":"in-1","type":"goodsReceipt","quantity":10}'
request POST /api/v1/stores/checks-1/stock/checks-milk/movements 200 '{"id":"wo-1","type":"writeOff","quantity":1,"reason":"damaged"}'
request GET /api/v1/stores/checks-1/stock/checks-milk 200
unauthorized=$(curl -sS -o /dev/null -w '%{http_code}' "$base/api/v1/stores") || fail "GET /api/v1/stores: no response"
[ "$unauthorized" = 401 ] || fail "GET /api/v1/stores without a token answered $unauthorized, expected 401"

# No token: the scraper is not an API client. The exporter caches a scrape briefly, so retry.
scrape="$work/metrics.txt"
for _ in $(seq 25); do
  status=$(curl -sS -o "$scrape" -w '%{http_code}' "$base/metrics") || fail "GET /metrics: no response"
  [ "$status" = 200 ] || fail "GET /metrics answered $status, expected 200"
  grep -q '^retail_stock_movements_total{.*type="writeOff"' "$scrape" && break
  sleep 0.2
done
for series in retail_stock_movements_total orleans_grains http_server_request_duration_seconds_count kestrel_active_connections; do
  grep -q "^$series{" "$scrape" || { head -n 40 "$scrape" >&2; fail "/metrics has no $series series"; }
done
echo "/metrics: $(grep -vc '^#' "$scrape") samples"

step "promtool check metrics"
lint_status=0
promtool check metrics <"$scrape" >"$work/lint.txt" 2>&1 || lint_status=$?
patterns="$(printf '%s\n' "${known_findings[@]}")"
unexpected="$(grep -vE -e "$patterns" "$work/lint.txt" || true)"
if [ -n "$unexpected" ]; then
  echo "$unexpected" >&2
  fail "promtool check metrics found $(echo "$unexpected" | wc -l) problem(s) in /metrics (listed above)"
fi
if [ "$lint_status" -ne 0 ] && [ ! -s "$work/lint.txt" ]; then
  fail "promtool check metrics exited with $lint_status"
fi
echo "no findings beyond $(grep -c . "$work/lint.txt" || true) known ones in Orleans' own instruments"

step "redocly lint /openapi/v1.json"
status=$(curl -sS -o "$work/openapi.json" -w '%{http_code}' "$base/openapi/v1.json") || fail "GET /openapi/v1.json: no response"
[ "$status" = 200 ] || fail "GET /openapi/v1.json answered $status, expected 200"
# Pinned: a new release of the linter must not fail a build that did not change.
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  npx --yes "@redocly/cli@$redocly_version" lint --config deploy/redocly.yaml --format stylish "$work/openapi.json" \
  || fail "redocly lint found errors in /openapi/v1.json (listed above; warnings alone do not fail)"
status=$(curl -sS -o /dev/null -w '%{http_code}' "$base/scalar/") || fail "GET /scalar/: no response"
[ "$status" = 200 ] || fail "GET /scalar/ (the API reference page) answered $status, expected 200"

stop_api
echo "deploy/checks.sh: all checks passed"
