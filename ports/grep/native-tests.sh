#!/usr/bin/env bash
# The package's make check built and run natively (tests/ports/run.sh --native), for
# comparison: the same test directories as the port's recipe.
set -euo pipefail
./configure >/dev/null
make -j"$JOBS" >/dev/null
make -k -j"$JOBS" check >check.log 2>&1 || true
for d in testsuite tests gnulib-tests; do [ -d "$d" ] && automake_results "$d"; done
true
