#!/usr/bin/env bash
# What the dashboard's browser tests need, installed when missing: Debian's chromium (Playwright drives
# it; no browser is downloaded) and the pinned axe-core from npm in tests/Retail.Tests/Dashboard.
# Idempotent and quiet; called by the tests themselves (as the PostgreSQL tests call throwaway-postgres.sh)
# and by .ci/run.
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
status=0
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium" >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1; then
    echo "could not install chromium (apt-get as root is needed)" >&2
    status=1
  fi
fi
dashboard="$repo/tests/Retail.Tests/Dashboard"
if [ ! -f "$dashboard/node_modules/axe-core/axe.min.js" ]; then
  if ! (cd "$dashboard" && npm ci --no-audit --no-fund --loglevel=error) >&2; then
    echo "could not install axe-core with npm" >&2
    status=1
  fi
fi
exit $status
