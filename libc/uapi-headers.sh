#!/usr/bin/env bash
# Installs Linux's user-space API headers into the wasmux sysroot (run by libc/build.sh):
# wasmux-cc defines __linux__, and programs then include <linux/...> and <asm/...>. They
# come from Debian's linux-libc-dev as installed on the build machine (scripts/setup.sh),
# whose linux/ and asm-generic/ directories are the same for every architecture. asm/ is
# that of an architecture with none of its own (the kernel's include/uapi/asm-generic/Kbuild:
# each header the asm-generic one), as wasmux's ABI is asm-generic's (abi/definitions.mjs),
# with two exceptions: byteorder.h (little-endian, which asm-generic leaves to the
# architecture) and unistd.h (musl's syscall numbers, that is wasmux's, abi/syscalls.tbl).
# Usage: libc/uapi-headers.sh SYSROOT
set -euo pipefail
sysroot="${1:?usage: uapi-headers.sh SYSROOT}"
from=/usr/include
for d in linux asm-generic; do
  [ -d "$from/$d" ] || { echo "uapi-headers.sh: no $from/$d: install linux-libc-dev (scripts/setup.sh)" >&2; exit 1; }
done
inc="$sysroot/include"
rm -rf "$inc/linux" "$inc/asm-generic" "$inc/asm"
cp -a "$from/linux" "$from/asm-generic" "$inc/"
mkdir -p "$inc/asm"
for h in "$inc"/asm-generic/*.h; do
  name="$(basename "$h")"
  printf '/* wasmux: the generic architecture'"'"'s (libc/uapi-headers.sh) */\n#include <asm-generic/%s>\n' "$name" >"$inc/asm/$name"
done
printf '/* wasmux: wasm32 is little-endian (libc/uapi-headers.sh) */\n#include <linux/byteorder/little_endian.h>\n' >"$inc/asm/byteorder.h"
printf '/* wasmux: the syscall numbers are musl'"'"'s, that is wasmux'"'"'s (libc/uapi-headers.sh) */\n#include <bits/syscall.h>\n' >"$inc/asm/unistd.h"
