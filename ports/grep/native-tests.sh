#!/usr/bin/env bash
# grep's make check, natively: debian/rules' autoreconf (as the recipe runs it: a Debian
# patch edits src/Makefile.am), then the shared automake run (ports/automake-native-tests.sh).
set -euo pipefail
AUTOPOINT=true AUTOHEADER=true LIBTOOLIZE=true autoreconf -f -i >/dev/null 2>&1
chmod +x tests/proc
exec "$(dirname "$0")/../automake-native-tests.sh"
