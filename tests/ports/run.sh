#!/usr/bin/env bash
# The ports' own test suites, compared per test with the committed list
# ports/<pkg>/test-results ("name<TAB>native<TAB>wasmux", each PASS, FAIL, SKIP, XFAIL...,
# or NOTRUN for a test the wasmux build does not have, as gawk's pma without mmap'd heaps): the wasmux
# results come from the port's build (ports/build.sh --full runs each suite under wasmux,
# or takes the cached results of an unchanged port); a test whose result differs from the
# list fails the port. One line per port: "PASS pkg: N tests as listed" or "FAIL pkg: ...".
#   tests/ports/run.sh --suites    also the long suites (ports/build.sh --suites)
#   tests/ports/run.sh             check every port that has a list
#   tests/ports/run.sh --native [PKG]...
#                                  run each suite (or those named) natively
#                                  (ports/<pkg>/native-tests.sh, in a fresh copy of the
#                                  source, with gcc) and rewrite the lists' native column;
#                                  the wasmux column from the build
#   tests/ports/run.sh --wasmux PKG...
#                                  run those suites under wasmux and rewrite only the lists'
#                                  wasmux column (after a kernel or SDK change; the native
#                                  column stays, and a test new to the suite is NEW there)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
native=0 native_only=() suites=() wasmux_only=()
if [ "${1:-}" = --wasmux ]; then
  wasmux_only=("${@:2}")
  [ ${#wasmux_only[@]} -gt 0 ] || { echo "usage: tests/ports/run.sh --wasmux PKG..." >&2; exit 2; }
  suites=("--suites=$(IFS=,; echo "${wasmux_only[*]}")")
fi
if [ "${1:-}" = --suites ]; then
  suites=(--suites)
  shift
fi
if [ "${1:-}" = --native ]; then
  native=1
  native_only=("${@:2}")
  # The wasmux column needs the suites run: those named, else every one.
  if [ ${#native_only[@]} -gt 0 ]; then
    suites=("--suites=$(IFS=,; echo "${native_only[*]}")")
  else
    suites=(--suites)
  fi
fi
ports/build.sh --full "${suites[@]}" >/dev/null || { echo "FAIL ports: the full image did not build"; exit 1; }
failures=0
for dir in ports/*/; do
  pkg="$(basename "$dir")"
  results="build/ports/$pkg/tests.txt"
  if [ ! -s "$results" ]; then
    [ -f "ports/$pkg/test-results" ] && echo "  $pkg: its suite runs with --suites (scripts/test.sh --full)"
    continue
  fi
  list="ports/$pkg/test-results"
  if [ $native = 1 ] && [ -x "ports/$pkg/native-tests.sh" ] &&
    { [ ${#native_only[@]} = 0 ] || [[ " ${native_only[*]} " == *" $pkg "* ]]; }; then
    work="build/ports-native/$pkg"
    rm -rf "$work" && mkdir -p "$work"
    cp -a "$(scripts/fetch-debian-source.sh "$pkg")" "$work/src"
    : >"$work/tests.txt"
    (cd "$work/src" && PORT_TESTS="$root/$work/tests.txt" JOBS=2 \
      bash -c '. "$0/ports/recipe-helpers.sh" && "$0/ports/'"$pkg"'/native-tests.sh"' "$root") ||
      echo "tests/ports: $pkg's native run failed" >&2
    while read -r verdict name; do
      wasmux="$(grep -F " $name" "$results" | grep -xE "[A-Z]+ $name" | cut -d' ' -f1)"
      printf '%s\t%s\t%s\n' "$name" "$verdict" "${wasmux:-NOTRUN}"
    done <"$work/tests.txt" >"$list"
    echo "tests/ports: wrote $list"
  fi
  if [ ${#wasmux_only[@]} -gt 0 ] && [[ " ${wasmux_only[*]} " == *" $pkg "* ]] && [ -f "$list" ]; then
    fresh="$(mktemp)"
    # Every test of the old list with its native verdict, then any the suite has now that
    # the list did not.
    while IFS=$'\t' read -r name native_verdict _; do
      wasmux="$(grep -xE "[A-Z]+ $name" "$results" | cut -d' ' -f1)"
      printf '%s\t%s\t%s\n' "$name" "$native_verdict" "${wasmux:-NOTRUN}"
    done <"$list" >"$fresh"
    cut -d' ' -f2- "$results" | grep -vxFf <(cut -f1 "$list") | while read -r name; do
      printf '%s\tNEW\t%s\n' "$name" "$(grep -xE "[A-Z]+ $name" "$results" | cut -d' ' -f1)"
    done >>"$fresh"
    mv "$fresh" "$list"
    echo "tests/ports: rewrote the wasmux column of $list"
  fi
  [ -f "$list" ] || { echo "FAIL $pkg: no list of expected results ($list)"; failures=$((failures + 1)); continue; }
  bad=0 count=0
  while IFS=$'\t' read -r name native_verdict expected; do
    count=$((count + 1))
    got="$(grep -xE "[A-Z]+ $name" "$results" | cut -d' ' -f1)"
    got="${got:-NOTRUN}"
    if [ "$got" != "$expected" ]; then
      echo "  $pkg: $name: $got under wasmux, listed $expected (native: $native_verdict)"
      bad=$((bad + 1))
    fi
  done <"$list"
  extra="$(cut -d' ' -f2- "$results" | grep -vxFf <(cut -f1 "$list") || true)"
  [ -z "$extra" ] || { echo "  $pkg: not in the list: $extra"; bad=$((bad + 1)); }
  if [ $bad = 0 ]; then
    echo "PASS $pkg: $count tests as listed ($(grep -c $'\tPASS$' "$list") pass under wasmux, $(cut -f2 "$list" | grep -c PASS) natively)"
  else
    echo "FAIL $pkg: $bad tests differ from $list"
    failures=$((failures + 1))
  fi
done
exit $failures
