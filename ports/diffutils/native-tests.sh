#!/usr/bin/env bash
# diffutils's make check, natively: the shared automake run (ports/automake-native-tests.sh).
exec "$(dirname "$0")/../automake-native-tests.sh"
