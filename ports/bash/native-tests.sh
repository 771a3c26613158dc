#!/usr/bin/env bash
# bash's test suite built and run natively (tests/ports/run.sh --native), for comparison:
# Debian's configure arguments, each run-NAME script as the port's recipe runs it.
set -euo pipefail
mkdir -p build-bash
cd build-bash
../configure --enable-largefile --prefix=/usr --without-bash-malloc >/dev/null
make -j"$JOBS" >/dev/null
make -j"$JOBS" recho zecho printenv xcase >/dev/null
mkdir -p tests
cp recho zecho printenv xcase tests/
cd ..
. "$(dirname "$0")/tests.sh"
bash_tests "$PWD/build-bash" sh
