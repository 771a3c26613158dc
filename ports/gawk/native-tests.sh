#!/usr/bin/env bash
# gawk's make check built and run natively (tests/ports/run.sh --native), for comparison.
set -euo pipefail
./configure --disable-rpath >/dev/null
make -j"$JOBS" >/dev/null
make check >check.log 2>&1 || true
. "$(dirname "$0")/tests.sh"
gawk_results check.log
