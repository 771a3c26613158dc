# GNU make's test suite (tests/run_make_tests.pl) as one result per test script, from its
# output LOG: "features/archives ....... ok (10 passed)" or "... FAILED (4/10 passed)",
# where the verdict may come lines later, after the "Error running ..." lines of the
# script's failing cases.
make_results() {
  awk '
    function emit(verdict) {
      if (verdict == "ok") v = "PASS"; else if (verdict == "FAILED") v = "FAIL"; else v = "SKIP"
      print v, name; name = ""
    }
    match($0, /^[a-z_-]+\/[A-Za-z0-9_.-]+ \.+ */) {
      split($0, parts, " "); name = parts[1]
      rest = substr($0, RLENGTH + 1)
      if (rest ~ /^(ok|FAILED|N\/A)/) { split(rest, w, " "); emit(w[1]) }
      next
    }
    name != "" && /^(ok|FAILED|N\/A)/ { split($0, w, " "); emit(w[1]) }
  ' "$1" >>"$PORT_TESTS"
}
