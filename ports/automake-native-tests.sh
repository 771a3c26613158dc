#!/usr/bin/env bash
# An automake package's make check built and run natively (tests/ports/run.sh --native),
# for comparison: its test directories, as the recipes report them. The native-tests.sh of
# sed, grep and diffutils run this.
set -euo pipefail
./configure >/dev/null
make -j"$JOBS" >/dev/null
make -k -j"$JOBS" check >check.log 2>&1 || true
for d in testsuite tests gnulib-tests; do [ -d "$d" ] && automake_results "$d"; done
true
