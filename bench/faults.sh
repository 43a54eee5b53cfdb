#!/usr/bin/env bash
# The fault harness: PostgreSQL, three silos and the API (client mode) as separate processes on
# loopback; tills post receipts and movements and retry every unanswered request with the same id
# while silos are killed -9 (and started again) and PostgreSQL restarts once; then every
# acknowledgement is checked from SQL and through the API. See bench/README.md.
#   bench/faults.sh --short                     # CI: 90 s of load, 4 kills, 1 PostgreSQL restart
#   bench/faults.sh [--seconds 300] [--kills 20] [--every S] [--restart-after 2] [--postgres-down 10]
#                   [--tills 16] [--silos 3] [--stores 3] [--skus 8] [--drain 120] [--out DIR]
# Exit code: 0 no anomaly, 1 anomalies (listed in the summary and in DIR/report.json), 2 a bad
# command line, 3 the harness itself failed. The logs and report.json stay in DIR (printed at the end).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

out="" args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --short|--no-postgres-restart) args+=("$1"); shift ;;
    --*) [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }; args+=("$1" "$2"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || out="$(mktemp -d "${TMPDIR:-/tmp}/retail-faults.XXXXXX")"
mkdir -p "$out"
# The server's directory must be reachable by the postgres user, so not inside the output dir.
pgdir="$(mktemp -d "${TMPDIR:-/tmp}/retail-faults-pg.XXXXXX")"; rmdir "$pgdir"
harness_pid=""

cleanup() {
  if [ -n "$harness_pid" ] && kill -0 "$harness_pid" 2>/dev/null; then
    kill -TERM "$harness_pid" 2>/dev/null || true
    for _ in $(seq 10); do kill -0 "$harness_pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$harness_pid" 2>/dev/null || true
  fi
  # The harness kills its silos and API itself; if it was killed first, these are what it left.
  if [ -f "$out/children.pids" ]; then
    while read -r pid; do
      if [ -n "$pid" ] && grep -qa 'Retail\.' "/proc/$pid/cmdline" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    done <"$out/children.pids"
  fi
  deploy/throwaway-postgres.sh stop "$pgdir" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== build (Release)"
for project in silo/Retail.Silo.csproj api/Retail.Api.csproj bench/Retail.Faults/Retail.Faults.csproj; do
  dotnet build -c Release -v q -nologo "$project" >>"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; exit 3; }
done

echo "== PostgreSQL"
server="$(deploy/throwaway-postgres.sh start "$pgdir")"
echo "   $server"

set +e
RETAIL_FAULTS_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  dotnet bench/Retail.Faults/bin/Release/net10.0/Retail.Faults.dll \
  --connection "$server" --postgres-dir "$pgdir" --repo "$repo" --out "$out" "${args[@]}" &
harness_pid=$!
wait "$harness_pid"
status=$?
set -e
harness_pid=""
echo "logs and report: $out"
exit "$status"
