# The DejaGnu suites' results (find/testsuite, xargs/testsuite: their .sum files), one
# "VERDICT name" line per test (the name without the reason a failure gives after a
# comma); a name seen again gets "#2", "#3"...
dejagnu_results() {
  local sum
  for sum in "$@"; do
    [ -f "$sum" ] || continue
    sed -nE 's/^(PASS|FAIL|UNRESOLVED|UNSUPPORTED|UNTESTED|XFAIL|XPASS|KFAIL|KPASS): ([^,]*).*$/\1 \2/p' "$sum"
  done | tr -c 'A-Za-z0-9._/ \n-' '-' | awk '{ seen[$2]++; if (seen[$2] > 1) $2 = $2 "#" seen[$2]; print }' >>"$PORT_TESTS"
}
