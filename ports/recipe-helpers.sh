# Helpers for ports' recipes (sourced by ports/recipe-env.sh) and for their native test
# runs (tests/ports/run.sh --native).

# A package's own test suite runs programs it built, often from shell scripts. A Debian
# cross build skips it or runs the target's programs under qemu's binfmt; here each named
# program becomes PROG.wasm and PROG a script running it under wasmux-emulator, until
# wasm_unwrap puts them back (before `make install`).
wasm_wrap() {
  local p
  for p in "$@"; do
    mv "$p" "$p.wasm"
    # Inside wasmux (a test that runs it from a wrapped shell) the module runs as itself,
    # through a link with the program's own name (its argv[0]: bash names itself by it).
    mkdir -p "$(dirname "$p")/.wasmux"
    ln -sf "../$(basename "$p").wasm" "$(dirname "$p")/.wasmux/$(basename "$p")"
    cat >"$p" <<'END'
#!/bin/sh
if [ "$(uname -m)" = wasm32 ]; then
  case "$0" in */*) exec "${0%/*}/.wasmux/${0##*/}" "$@" ;; *) exec "./.wasmux/$0" "$@" ;; esac
fi
# argv[0] as the caller most likely gave it: the bare name when PATH finds this script by
# it (a script's $0 is the path the kernel found, which may be spelled otherwise than the
# PATH entry: compare the directories themselves), else the path.
name="${0##*/}"
found="$(command -v "$name" 2>/dev/null || true)"
case "$found" in
  */*) [ "$(cd "${found%/*}" 2>/dev/null && pwd -P)" = "$(cd "${0%/*}" && pwd -P)" ] || name="$0" ;;
  *) name="$0" ;;
esac
case "$0" in /*) ;; *) name="$0" ;; esac # a relative path was typed (PATH's entries are absolute)
WASMUX_ARGV0="$name" exec wasmux-emulator "$0.wasm" "$@"
END
    chmod +x "$p"
  done
}
wasm_unwrap() {
  local p
  for p in "$@"; do
    mv -f "$p.wasm" "$p"
    rm -f "$(dirname "$p")/.wasmux/$(basename "$p")"
    rmdir "$(dirname "$p")/.wasmux" 2>/dev/null || true
  done
}
# Every wasm program directly in each DIR (a test suite's helper programs) wrapped as
# wasm_wrap does, and back.
is_wasm() { [ -f "$1" ] && [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '\0asm' ]; }
wasm_wrap_dirs() {
  local f
  for f in $(find "$@" -maxdepth 1 -type f -perm -u+x ! -name '*.wasm' | sort); do
    if is_wasm "$f"; then wasm_wrap "$f"; fi
  done
}
wasm_unwrap_dirs() {
  local f
  for f in $(find "$@" -maxdepth 1 -type f -name '*.wasm' | sort); do
    [ -f "${f%.wasm}" ] && wasm_unwrap "${f%.wasm}"
  done
}
# Each test of an automake test suite under DIR (its .trs files) as a "VERDICT name" line
# in PORT_TESTS (PASS, FAIL, SKIP, XFAIL, XPASS, ERROR).
# A GNU tool's suites, built natively except the programs they test: the test programs
# compiled (none run), those of DIRS wrapped, `make check` in TESTS_DIR and gnulib-tests
# (the gnulib test programs run under wasmux, their scripts on the build machine), one
# result per test, and the wrappers undone. gnulib_suites TESTS_DIR DIR...
gnulib_suites() {
  local tests_dir="$1"
  shift
  make -k -j"$JOBS" check TESTS= >/dev/null
  wasm_wrap_dirs "$@" "$tests_dir" gnulib-tests
  make -k -j"$JOBS" -C "$tests_dir" check >check.log 2>&1 || true
  make -k -j"$JOBS" -C gnulib-tests check LOG_COMPILER="$WASMUX_ROOT/sdk/libexec/run-wasm-or-host" >>check.log 2>&1 || true
  automake_results "$tests_dir"
  automake_results gnulib-tests
  wasm_unwrap_dirs "$@" "$tests_dir" gnulib-tests
}

automake_results() {
  local trs name
  find "$1" -name '*.trs' | sort | while read -r trs; do
    name="${trs#"$1"/}"
    echo "$(sed -n 's/^:test-result: //p' "$trs" | head -n 1) ${name%.trs}"
  done >>"$PORT_TESTS"
}
# Each test of an Autotest suite (GNU tar's tests/testsuite) from its output LOG ("  12:
# name  ok", "FAILED", "skipped", "expected failure") as a "VERDICT NNN-name" line.
autotest_results() {
  sed -nE 's/^ *([0-9]+): (.*[^ ]) +(ok|FAILED|skipped|expected failure|UNEXPECTED PASS)( \(.*\))?$/\1\t\2\t\3/p' "$1" |
    while IFS=$'\t' read -r number name verdict; do
      case "$verdict" in
        ok) verdict=PASS ;; FAILED) verdict=FAIL ;; skipped) verdict=SKIP ;;
        "expected failure") verdict=XFAIL ;; *) verdict=XPASS ;;
      esac
      printf '%s %03d-%s\n' "$verdict" "$number" "$(printf '%s' "$name" | tr -c 'A-Za-z0-9._\n-' '-')"
    done >>"$PORT_TESTS"
}
export -f autotest_results
export -f wasm_wrap wasm_unwrap is_wasm wasm_wrap_dirs wasm_unwrap_dirs automake_results gnulib_suites
