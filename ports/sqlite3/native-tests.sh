#!/usr/bin/env bash
# fuzzcheck built and run natively (tests/ports/run.sh --native), for comparison: the same
# compile-time options as the port.
set -euo pipefail
CFLAGS="-O2 -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_RTREE=1" ./configure --disable-tcl >/dev/null
make -j"$JOBS" fuzzcheck >/dev/null
for db in test/fuzzdata*.db; do
  if ./fuzzcheck "$db" >>fuzzcheck.log 2>&1; then
    echo "PASS fuzzcheck $(basename "$db")" >>"$PORT_TESTS"
  else
    echo "FAIL fuzzcheck $(basename "$db")" >>"$PORT_TESTS"
  fi
done
