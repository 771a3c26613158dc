# bzip2's `make test` (its Makefile's six steps: compress the three samples at levels 1-3
# and compare with the reference .bz2 files, decompress them and compare with the
# originals), each step reported as one test instead of stopping at the first failure.
# Sourced by build.sh (./bzip2 wrapped to run under wasmux) and native-tests.sh.
bzip2_test() {
  local name="$1" want="$2" got="$3"
  shift 3
  if ./bzip2 "$@" >"$got" && cmp "$want" "$got"; then
    echo "PASS $name" >>"$PORT_TESTS"
  else
    echo "FAIL $name" >>"$PORT_TESTS"
  fi
}
bzip2_tests() {
  bzip2_test compress-sample1 sample1.bz2 sample1.rb2 -1 <sample1.ref
  bzip2_test compress-sample2 sample2.bz2 sample2.rb2 -2 <sample2.ref
  bzip2_test compress-sample3 sample3.bz2 sample3.rb2 -3 <sample3.ref
  bzip2_test decompress-sample1 sample1.ref sample1.tst -d <sample1.bz2
  bzip2_test decompress-sample2 sample2.ref sample2.tst -d <sample2.bz2
  bzip2_test decompress-sample3-small sample3.ref sample3.tst -ds <sample3.bz2
}
