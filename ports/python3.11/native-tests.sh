#!/usr/bin/env bash
# Python's regrtest on the port's list of modules, natively (tests/ports/run.sh --native):
# the same source built with gcc and Debian's static configuration, less the cross parts.
set -euo pipefail
mkdir -p build-native
cd build-native
../configure --prefix=/usr --enable-ipv6 --with-computed-gotos --without-ensurepip >/dev/null
make -j"$JOBS" >/dev/null 2>&1
. "$(dirname "$0")/tests.sh"
python_suite ./python
