#!/usr/bin/env bash
# libuv's test runner built and run natively (tests/ports/run.sh --native), with gcc and
# Debian's CMake line less the cross parts, for comparison.
set -euo pipefail
mkdir -p obj-native
(cd obj-native && cmake .. -DCMAKE_BUILD_TYPE=None >/dev/null && make -j"$JOBS" uv_run_tests_a >/dev/null)
. "$(dirname "$0")/tests.sh"
libuv_as_user
UV_TEST_TIMEOUT_MULTIPLIER=2 libuv_suite "${LIBUV_RUN_AS[@]}" "$PWD/obj-native/uv_run_tests_a"
