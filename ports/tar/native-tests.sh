#!/usr/bin/env bash
# tar's test suite built and run natively (tests/ports/run.sh --native), for comparison.
set -euo pipefail
FORCE_UNSAFE_CONFIGURE=1 ./configure >/dev/null # its configure refuses root without it
make -j"$JOBS" >/dev/null
make check TESTSUITEFLAGS=-j"$JOBS" >check.log 2>&1 || true
autotest_results check.log
