#!/usr/bin/env bash
# make's test suite built and run natively (tests/ports/run.sh --native), for comparison.
set -euo pipefail
autoreconf -fi >/dev/null 2>&1
./configure --with-guile=no >/dev/null
make -j"$JOBS" >/dev/null
make check >check.log 2>&1 || true
. "$(dirname "$0")/tests.sh"
make_results check.log
