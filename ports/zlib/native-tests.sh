#!/usr/bin/env bash
# zlib's test suite built and run natively (tests/ports/run.sh --native), for comparison.
set -euo pipefail
./configure --static >/dev/null
make -j"$JOBS" >/dev/null
if make teststatic >test.log 2>&1 && grep -q '\*\*\* zlib test OK \*\*\*' test.log; then
  echo "PASS teststatic" >>"$PORT_TESTS"
else
  echo "FAIL teststatic" >>"$PORT_TESTS"
fi
