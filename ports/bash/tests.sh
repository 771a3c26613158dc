# bash's own test suite (tests/run-all: each tests/run-NAME runs NAME.tests with THIS_SH
# and diffs its output against NAME.right), one result per run-NAME script: PASS when it
# exits 0 (the diff found nothing), each bounded in time. Sourced by build.sh and
# native-tests.sh: bash_tests BUILD_DIR RUNNER... runs each run-NAME with RUNNER (sh
# natively; under wasmux the built bash itself through wasmux-emulator, so that the whole
# test, THIS_SH's runs, diff and the helper programs, runs inside wasmux, and an exported
# function or exec -a reaches THIS_SH unchanged).
bash_tests() {
  local build_dir="$1" t out status
  shift
  cd tests
  # As bash's `make tests` runs them: its helper programs (recho, zecho, printenv, xcase)
  # first on PATH.
  export THIS_SH="$build_dir/bash" BUILD_DIR="$build_dir" TMPDIR=/tmp PATH="$build_dir/tests:$PATH"
  for t in run-*; do
    case "$t" in run-all | run-minimal | run-gprof | *.orig | *~) continue ;; esac
    export BASH_TSTOUT="/tmp/bashtst-$$-$t"
    status=0
    out="$(timeout 300 "$@" "$t" </dev/null 2>&1)" || status=$?
    rm -f "$BASH_TSTOUT"
    if [ $status = 0 ]; then
      echo "PASS $t" >>"$PORT_TESTS"
    else
      echo "FAIL $t" >>"$PORT_TESTS"
      printf '%s: exit %s\n%s\n' "$t" "$status" "$(printf '%s\n' "$out" | head -n 40)" >>"$build_dir/test-failures.log"
    fi
  done
  cd ..
}
