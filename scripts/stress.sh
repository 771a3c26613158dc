#!/usr/bin/env bash
# Stress tests (tests/stress/stress.test.mjs): many processes at once, many short ones in a
# row, processes killed at random moments; each checks that nothing is left behind.
#
#   scripts/stress.sh           the default sizes (CI): 1,000 at once, 10,000 in a row,
#                               1,000 kills
#   scripts/stress.sh --quick   200, 2,000 and 200 (a minute or so)
#   WASMUX_STRESS_SEED=N scripts/stress.sh   replays the kill moments of seed N
# Run after scripts/setup.sh (scripts/test.sh runs it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/.tools/node/node_modules/node/bin:$PATH"
case "${1:-}" in
  --quick)
    export WASMUX_STRESS_CONCURRENT=${WASMUX_STRESS_CONCURRENT:-200}
    export WASMUX_STRESS_SHORT=${WASMUX_STRESS_SHORT:-2000}
    export WASMUX_STRESS_KILLS=${WASMUX_STRESS_KILLS:-200} ;;
  '') ;;
  -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "stress.sh: unknown option $1" >&2; exit 2 ;;
esac
exec node --test --test-concurrency=1 tests/stress/stress.test.mjs
