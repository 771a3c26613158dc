#!/usr/bin/env bash
# Stress tests (tests/stress/stress.test.mjs): many processes at once, many short ones in a
# row, processes killed at random moments; each checks that nothing is left behind.
#
#   scripts/stress.sh           CI's sizes: 300 processes at once, 10,000 in a row,
#                               1,000 kills (about 3 minutes)
#   scripts/stress.sh --full    1,000 processes at once (about 12 GiB of host memory and
#                               4 minutes more on two cores)
#   scripts/stress.sh --quick   100, 1,000 and 100 (under a minute)
#   WASMUX_STRESS_SEED=N ...    replays the kill moments of seed N
# Run after scripts/setup.sh (scripts/test.sh runs it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/.tools/node/node_modules/node/bin:$PATH"
concurrent=300 short=10000 kills=1000
case "${1:-}" in
  '') ;;
  --full) concurrent=1000 ;;
  --quick) concurrent=100 short=1000 kills=100 ;;
  -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "stress.sh: unknown option $1" >&2; exit 2 ;;
esac
export WASMUX_STRESS_CONCURRENT=${WASMUX_STRESS_CONCURRENT:-$concurrent}
export WASMUX_STRESS_SHORT=${WASMUX_STRESS_SHORT:-$short}
export WASMUX_STRESS_KILLS=${WASMUX_STRESS_KILLS:-$kills}
exec node --test --test-concurrency=1 tests/stress/stress.test.mjs
