#!/usr/bin/env bash
# Builds every test program in this directory with bin/wasmux-cc.
# Usage: tests/programs/build.sh OUTDIR   → OUTDIR/<name>.wasm for each <name>.c
# Compiles with -O2 -c and links separately (a link step never gets -O).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cc="$here/../../bin/wasmux-cc"
out="${1:?usage: tests/programs/build.sh OUTDIR}"
mkdir -p "$out"
for src in "$here"/*.c; do
  name="$(basename "${src%.c}")"
  # Rebuild only when the source or the sysroot's libc is newer than the module.
  if [ "$out/$name.wasm" -nt "$src" ] && [ "$out/$name.wasm" -nt "$here/../../build/sysroot/lib/libc.a" ]; then
    continue
  fi
  "$cc" -O2 -Wall -Wextra -Werror -c "$src" -o "$out/$name.o"
  "$cc" "$out/$name.o" -o "$out/$name.wasm"
  rm -f "$out/$name.o"
done
