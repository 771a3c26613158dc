#!/usr/bin/env bash
# xz-utils' test suite built and run natively (tests/ports/run.sh --native), for comparison.
set -euo pipefail
./configure --enable-threads --disable-shared >/dev/null
make -j"$JOBS" >/dev/null
make -k -j"$JOBS" check >check.log 2>&1 || true
automake_results tests
