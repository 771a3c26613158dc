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
    printf '#!/bin/sh\nWASMUX_ARGV0="$0" exec wasmux-emulator "$0.wasm" "$@"\n' >"$p"
    chmod +x "$p"
  done
}
wasm_unwrap() {
  local p
  for p in "$@"; do mv -f "$p.wasm" "$p"; done
}
# Each test of an automake test suite under DIR (its .trs files) as a "VERDICT name" line
# in PORT_TESTS (PASS, FAIL, SKIP, XFAIL, XPASS, ERROR).
automake_results() {
  local trs name
  find "$1" -name '*.trs' | sort | while read -r trs; do
    name="${trs#"$1"/}"
    echo "$(sed -n 's/^:test-result: //p' "$trs" | head -n 1) ${name%.trs}"
  done >>"$PORT_TESTS"
}
export -f wasm_wrap wasm_unwrap automake_results
