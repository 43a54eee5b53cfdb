#!/usr/bin/env bash
# The bulk import, measured: 100,000 stock rows in one .csv through POST /api/v1/imports/stock on
# the API in the embedded mode (or on a throwaway PostgreSQL with --postgres), the same file again
# (every row a replay), and the API's peak memory.
#   bench/import.sh [--rows 100000] [--postgres] [--xlsx]
# Builds nothing: run after `dotnet build -c Release`. Loopback only; the API is stopped on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
. "$here/common.sh"
cd "$repo"

rows=100000
postgres=""
xlsx=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --postgres) postgres=1; shift ;;
    --xlsx) xlsx=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d "${TMPDIR:-/tmp}/retail-import.XXXXXX")"
api_pid=""
cleanup() {
  if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
  if [ -n "$postgres" ]; then "$repo/deploy/throwaway-postgres.sh" stop "$pgdir" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mode="embedded"
if [ -n "$postgres" ]; then
  # Its own directory (the server runs as another user, which cannot enter this one's private temp folder).
  pgdir="$(mktemp -u "${TMPDIR:-/tmp}/retail-import-pg.XXXXXX")"
  connection="$("$repo/deploy/throwaway-postgres.sh" start "$pgdir")" || { echo "could not start PostgreSQL" >&2; exit 1; }
  export ConnectionStrings__Retail="$connection"
  mode="PostgreSQL"
fi

token="bench-$(date +%s)"
http_port="$(free_port)"
url="http://127.0.0.1:$http_port"
Retail__Auth__AdminToken="$token" Retail__Cluster__SiloPort="$(free_port)" Retail__Cluster__GatewayPort="$(free_port)" \
Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production \
  dotnet api/bin/Release/net10.0/Retail.Api.dll --urls "$url" >"$work/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 60); do curl -fs "$url/health/ready" >/dev/null 2>&1 && break; sleep 1; done
auth=(-H "Authorization: Bearer $token")

curl -fs "${auth[@]}" -X PUT -H 'Content-Type: application/json' "$url/api/v1/stores/store-1" \
  -d '{"name":"Store","address":"Moscow","timeZone":"Europe/Moscow","inn":"7707083893","taxationSystem":"osn"}' >/dev/null
for i in $(seq 0 49); do
  curl -fs "${auth[@]}" -X PUT -H 'Content-Type: application/json' "$url/api/v1/skus/sku-$i" \
    -d '{"name":"Item","unit":"pcs","vat":"vat10","price":10,"kind":"goods"}' >/dev/null
done
{
  echo "id,storeId,sku,type,quantity,reason,occurredAt"
  awk -v n="$rows" 'BEGIN { for (i = 0; i < n; i++) printf "gr-%d,store-1,sku-%d,goodsReceipt,%d,delivery,2026-03-02T09:00:00+03:00\n", i, i % 50, 1 + i % 3 }'
} >"$work/stock.csv"
file="$work/stock.csv"
if [ -n "$xlsx" ]; then
  dotnet bench/Retail.Bench/bin/Release/net10.0/Retail.Bench.dll sheet --from "$work/stock.csv" --to "$work/stock.xlsx" >/dev/null
  file="$work/stock.xlsx"
fi
kind="${file##*.}"
size_mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1048576 }')

upload() {
  curl -fs "${auth[@]}" -F "file=@$file" -o "$work/$1.json" -w '%{time_total}' "$url/api/v1/imports/stock"
}
first=$(upload first)
again=$(upload again)
peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$api_pid/status")
expected=$(awk -v n="$rows" 'BEGIN { s = 0; for (i = 0; i < n; i++) s += 1 + i % 3; print s }')
total=0
for i in $(seq 0 49); do
  on_hand=$(curl -fs "${auth[@]}" "$url/api/v1/stores/store-1/stock/sku-$i" | sed -E 's/.*"onHand":([0-9.]+).*/\1/')
  total=$(awk -v a="$total" -v b="$on_hand" 'BEGIN { print a + b }')
done

echo "mode: $mode"
echo "| import | rows | file | time | rows/s | result | API peak memory |"
echo "|---|---|---|---|---|---|---|"
echo "| stock .$kind, first upload | $(thousands "$rows") | $size_mb MB | ${first} s | $(thousands "$(awk -v r="$rows" -v t="$first" 'BEGIN { print r / t }')") | $(cat "$work/first.json" | cut -c1-60) | $((peak_kb / 1024)) MB |"
echo "| the same file again | $(thousands "$rows") | $size_mb MB | ${again} s | $(thousands "$(awk -v r="$rows" -v t="$again" 'BEGIN { print r / t }')") | $(cat "$work/again.json" | cut -c1-60) | $((peak_kb / 1024)) MB |"
echo
if [ "$total" = "$expected" ]; then echo "stock after both uploads: $total units, exactly the file's sum"; else echo "stock after both uploads: $total units, the file sums to $expected: MISMATCH"; exit 1; fi
