# bash's own test suite (tests/run-all: each tests/run-NAME runs NAME.tests with THIS_SH
# and diffs its output against NAME.right), one result per run-NAME script: PASS when it
# exits 0 (the diff found nothing), each bounded in time. Sourced by build.sh (THIS_SH, the
# built bash wrapped to run under wasmux) and native-tests.sh.
bash_tests() {
  local build_dir="$1" t out status
  cd tests
  export THIS_SH="$build_dir/bash" BUILD_DIR="$build_dir" TMPDIR=/tmp PATH=".:$PATH"
  for t in run-*; do
    case "$t" in run-all | run-minimal | run-gprof | *.orig | *~) continue ;; esac
    export BASH_TSTOUT="/tmp/bashtst-$$-$t"
    status=0
    out="$(timeout 300 sh "$t" </dev/null 2>&1)" || status=$?
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
