#!/usr/bin/env bash
# The side-by-side baseline: a plain SQL system writing each 3-line sale receipt in one durable
# transaction (receipt.sql), driven by pgbench.
#   bench/baseline/run.sh [--clients 16] [--seconds 20] [--warmup 3] [--stores 10] [--skus 100] [--ceiling] [--row-to FILE]
# Uses the server in $RETAIL_BENCH_POSTGRES (an Npgsql connection string; a fresh database is
# created there and dropped afterwards), or starts a throwaway PostgreSQL 15 and stops it again.
# --stores 1 --skus 3 puts every client on the same three balance rows: the hot-SKU case.
# --ceiling measures the machine instead: one single-row insert per transaction (commit.sql), one client
# unless --clients says otherwise: how many durable commits a writer gets that does not batch them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$here/../common.sh"

clients="" seconds=20 warmup=3 stores=10 skus=100 row_to="" ceiling=""
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --stores) stores="$2"; shift 2 ;;
    --skus) skus="$2"; shift 2 ;;
    --row-to) row_to="$2"; shift 2 ;;
    --ceiling) ceiling=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
clients="${clients:-$([ -n "$ceiling" ] && echo 1 || echo 16)}"
if [ "$skus" -lt 3 ]; then echo "--skus is at least 3 (a receipt has 3 distinct lines)" >&2; exit 2; fi

bin=/usr/lib/postgresql/15/bin
pgbench="$bin/pgbench"; [ -x "$pgbench" ] || pgbench="$(command -v pgbench)"
psql="$bin/psql"; [ -x "$psql" ] || psql="$(command -v psql)"

work="$(mktemp -d "${TMPDIR:-/tmp}/retail-baseline.XXXXXX")"
# The server's directory must be reachable by the postgres user, so not inside the private work dir.
pgdir="$(mktemp -d "${TMPDIR:-/tmp}/retail-baseline-pg.XXXXXX")"; rmdir "$pgdir"
db=""
cleanup() {
  if [ -n "$db" ]; then "$psql" "$admin" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; fi
  if [ -z "${RETAIL_BENCH_POSTGRES:-}" ]; then "$repo/deploy/throwaway-postgres.sh" stop "$pgdir" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${RETAIL_BENCH_POSTGRES:-}" ]; then
  admin="$(conninfo_of "$RETAIL_BENCH_POSTGRES")"
  db="retail_baseline_$$"
  "$psql" "$admin" -qc "CREATE DATABASE $db" >/dev/null
  target="$(conninfo_of "$(with_database "$RETAIL_BENCH_POSTGRES" "$db")")"
  where="the server of \$RETAIL_BENCH_POSTGRES (database $db)"
else
  admin="$(conninfo_of "$("$repo/deploy/throwaway-postgres.sh" start "$pgdir")")"
  target="$admin"
  where="a throwaway PostgreSQL 15"
fi

"$psql" "$target" -q -v ON_ERROR_STOP=1 -f "$here/schema.sql" >/dev/null 2>&1
"$psql" "$target" -q -v ON_ERROR_STOP=1 -v stores="$stores" -v skus="$skus" -f "$here/data.sql" >/dev/null
settings="$("$psql" "$target" -Atc "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')")"
echo "baseline: $where; $settings; $(machine_note)"
echo "baseline: $clients clients, $stores stores x $skus SKUs, ${warmup}s warm-up then ${seconds}s measured"

script="$here/receipt.sql"; [ -z "$ceiling" ] || script="$here/commit.sql"
run=(-n -M prepared -c "$clients" -j "$(nproc)" -D stores="$stores" -D skus="$skus" -f "$script")
"$pgbench" "${run[@]}" -T "$warmup" "$target" >"$work/warmup.out" 2>&1 || { cat "$work/warmup.out" >&2; exit 1; }
(cd "$work" && "$pgbench" "${run[@]}" -T "$seconds" -l --log-prefix="$work/tx" "$target") >"$work/pgbench.out" 2>&1 || {
  cat "$work/pgbench.out" >&2; exit 1; }
grep -E '^(number of (transactions actually processed|failed transactions)|latency average|tps)' "$work/pgbench.out" | sed 's/^/  /'

tps="$(sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\)/\1/p' "$work/pgbench.out")"
failed="$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' "$work/pgbench.out")"
# The per-transaction log's third field is the latency in microseconds.
read -r p50 p99 < <(cat "$work"/tx.* | awk '{print $3}' | sort -n | awk '
  { v[NR] = $1 } END { i50 = int(NR * 0.50 + 0.999); i99 = int(NR * 0.99 + 0.999); printf "%.1f %.1f\n", v[i50] / 1000, v[i99] / 1000 }')
echo "  latency p50 $p50 ms, p99 $p99 ms"

if [ -n "$ceiling" ]; then
  # Every acknowledged commit left its row.
  processed="$(cat "$work/warmup.out" "$work/pgbench.out" | sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' | awk '{ n += $1 } END { print n + 0 }')"
  rows="$("$psql" "$target" -Atc "SELECT count(*) FROM baseline_commits")"
  echo "  check: $rows rows for $processed acknowledged commits"
  if [ -n "$row_to" ]; then
    printf '| %s | %s commits/s | %s | %s | %s | %s; rows %s | yes (fsync, synchronous_commit=on) |\n' \
      "machine: durable single-row commits, $clients client(s), one row per transaction (pgbench)" "$(thousands "$tps")" "$(thousands "$tps")" \
      "$p50" "$p99" "${failed:-0}" "$([ "$rows" = "$processed" ] && echo exact || echo "$rows for $processed WRONG")" >>"$row_to"
  fi
  [ "$rows" = "$processed" ]
  exit
fi

# Every receipt line decremented its balance row exactly once: the journal and the balances agree.
wrong="$("$psql" "$target" -Atc "
  SELECT count(*) FROM baseline_stock s
  LEFT JOIN (SELECT store_id, sku, sum(quantity) AS sold FROM baseline_movements GROUP BY 1, 2) m USING (store_id, sku)
  WHERE s.on_hand <> 1000000 - coalesce(m.sold, 0)")"
echo "  balance check: $wrong pair(s) where journal and balance disagree"

if [ -n "$row_to" ]; then
  label="baseline: plain SQL, one transaction per 3-line receipt (pgbench, $clients clients, $((stores * skus)) pairs)"
  if [ "$stores" -eq 1 ] && [ "$skus" -eq 3 ]; then
    label="baseline: plain SQL, every receipt on the same 3 rows (pgbench, $clients clients)"
  fi
  printf '| %s | %s receipts/s | %s | %s | %s | %s; balances %s | yes (fsync, synchronous_commit=on) |\n' \
    "$label" "$(thousands "$tps")" "$(thousands "$(awk -v t="$tps" 'BEGIN { print t * 3 }')")" "$p50" "$p99" "${failed:-0}" \
    "$([ "$wrong" = 0 ] && echo exact || echo "$wrong WRONG")" >>"$row_to"
fi
