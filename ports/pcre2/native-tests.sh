#!/usr/bin/env bash
# pcre2's make check built and run natively (tests/ports/run.sh --native), for comparison,
# with debian/rules' options (JIT off as in the wasm build).
set -euo pipefail
./configure --enable-pcre2-16 --enable-pcre2-32 --disable-pcre2grep-callout --disable-jit --disable-shared >/dev/null
make -j"$JOBS" >/dev/null
make -k -j"$JOBS" check >check.log 2>&1 || true
automake_results .
