# libuv's test runner (sourced by build.sh under wasmux and by native-tests.sh natively):
# it runs every test in a process of its own and prints TAP; one line per test into
# $PORT_TESTS: PASS, SKIP or FAIL and the test's name.
# libuv_as_user: as root, the current tree goes to the unprivileged user 65534, whom
# WASMUX_USER makes the program's user under wasmux (and LIBUV_RUN_AS natively).
libuv_as_user() {
  LIBUV_RUN_AS=()
  [ "$(id -u)" = 0 ] || return 0
  chown -R 65534:65534 .
  export WASMUX_USER=65534:65534
  LIBUV_RUN_AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
}

# libuv_suite [RUNNER...] PROGRAM: runs PROGRAM (through RUNNER) in the current directory
# (the source tree: the tests read test/fixtures).
# Some tests reach for other hosts (tcp_connect_timeout connects to 1.2.3.4), so nothing
# may leave this machine: under wasmux the guest has loopback only (WASMUX_NETWORK=none);
# natively, as root, the suite runs in a network namespace of its own with only loopback.
libuv_suite() {
  local isolate=()
  if [ "${WASMUX_NETWORK:-}" != none ] && [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
    isolate=(unshare -n sh -c 'ip link set lo up && exec "$@"' sh)
  fi
  "${isolate[@]}" "$@" >uv-tests.log 2>&1 || true
  awk '
    /^ok [0-9]+ - / { name = $4; print ($0 ~ / # SKIP/ ? "SKIP " : "PASS ") name; next }
    /^not ok [0-9]+ - / { print "FAIL " $5 }
  ' uv-tests.log >>"$PORT_TESTS"
}
