#!/usr/bin/env bash
# gawk's make check built and run natively (tests/ports/run.sh --native), for comparison.
set -euo pipefail
./configure --disable-rpath >/dev/null
# As the recipe (debian/rules): the manuals, stripped from Debian's source, are not rebuilt.
touch --date="Jan 01 2000" doc/gawktexi.in doc/sidebar.awk doc/gawk.texi doc/gawk.info \
  doc/gawkinet.texi doc/gawkinet.info doc/gawkworkflow.texi doc/gawkworkflow.info doc/pm-gawk.texi doc/pm-gawk.info
make -j"$JOBS" >/dev/null
make check >check.log 2>&1 || true
. "$(dirname "$0")/tests.sh"
gawk_results check.log
