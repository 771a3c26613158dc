#!/usr/bin/env bash
# bzip2's test steps built and run natively (tests/ports/run.sh --native), for comparison.
set -euo pipefail
make -j"$JOBS" bzip2 >/dev/null
. "$(dirname "$0")/tests.sh"
bzip2_tests
