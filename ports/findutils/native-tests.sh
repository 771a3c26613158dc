#!/usr/bin/env bash
# findutils' make check built and run natively (tests/ports/run.sh --native), for comparison.
set -euo pipefail
autoreconf -f -i >/dev/null 2>&1 # as the recipe (dh_autoreconf): configure.ac is newer than configure
./configure --localstatedir=/var/cache/locate --enable-d_type-optimisation >/dev/null
make -j"$JOBS" >/dev/null
make -k -j"$JOBS" check >check.log 2>&1 || true
automake_results tests
automake_results gnulib-tests
. "$(dirname "$0")/tests.sh"
dejagnu_results find/testsuite/find.sum xargs/testsuite/xargs.sum
