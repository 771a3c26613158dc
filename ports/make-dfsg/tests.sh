# GNU make's test suite (tests/run_make_tests.pl) as one result per test script, from its
# output LOG: "features/archives ....... ok (10 passed)" or "... FAILED (4/10 passed)".
make_results() {
  sed -nE 's/^([a-z_-]+\/[A-Za-z0-9_.-]+) \.+ *(ok|FAILED|N\/A).*$/\2 \1/p' "$1" |
    sed -e 's/^ok /PASS /' -e 's/^FAILED /FAIL /' -e 's/^N\/A /SKIP /' >>"$PORT_TESTS"
}
