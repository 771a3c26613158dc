#!/usr/bin/env bash
# Builds everything that is built (incrementally): the ABI headers, kernel.wasm, the musl
# sysroot, the TypeScript host. Assumes scripts/setup.sh has run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/.tools/node/node_modules/node/bin:$PATH"

node abi/generate.mjs build/gen
mkdir -p host/src/generated
cmp -s build/gen/ts/abi.ts host/src/generated/abi.ts || cp build/gen/ts/abi.ts host/src/generated/abi.ts
# The compatibility table is kept in docs/ so it can be read without building.
cmp -s build/gen/docs/syscalls.md docs/syscalls.md || cp build/gen/docs/syscalls.md docs/syscalls.md

if [ ! -f build/kernel-wasm/build.ninja ]; then
  cmake -S kernel -B build/kernel-wasm -G Ninja -DCMAKE_TOOLCHAIN_FILE="$root/kernel/wasm-toolchain.cmake" \
    -DWASMUX_GEN_DIR="$root/build/gen" >/dev/null
fi
out="$(ninja -C build/kernel-wasm 2>&1)" || { echo "$out"; exit 1; }

if [ -x libc/build.sh ]; then libc/build.sh; fi

# The host: recompiled only when a source is newer than the output.
if [ ! -f host/dist/cli/main.js ] || [ -n "$(find host/src host/tsconfig.json -newer host/dist/cli/main.js -print -quit)" ]; then
  node_modules/.bin/tsc -p host/tsconfig.json
  touch host/dist/cli/main.js
fi
