#!/usr/bin/env bash
# Builds the wasmux guest sysroot: musl 1.2.3 for wasm32 (libc/overlay laid over the
# pristine Debian source) plus the glue (glue/), installed into build/sysroot/{include,lib}.
# Usage: libc/build.sh [--force]
#
# Incremental: the inputs (pristine source, overlay, generated ABI headers, glue, this
# script, compiler version) are hashed; when nothing changed the run ends at once. musl's
# Makefile tracks .c files but not headers, so a change to any header we place wipes the
# object directory (a full build takes a few minutes on 2 cores).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

CC="${WASMUX_CLANG:-clang-22}"
AR="${WASMUX_AR:-llvm-ar-22}"
RANLIB="${WASMUX_RANLIB:-llvm-ranlib-22}"
jobs="${WASMUX_JOBS:-2}"
force=0; [ "${1:-}" = --force ] && force=1

work="$root/build/libc"
src="$work/musl-src"
sysroot="$root/build/sysroot"
overlay="$root/libc/overlay"
log() { echo "libc/build.sh: $*" >&2; }

for tool in "$CC" "$AR" "$RANLIB"; do
  command -v "$tool" >/dev/null || { log "$tool not found; run scripts/setup.sh"; exit 1; }
done
# One build at a time (parallel wasmux-cc calls may all find the sysroot missing).
mkdir -p "$work"
exec 9>"$work/lock"
flock 9
node_bin=node
[ -x "$root/.tools/node/node_modules/node/bin/node" ] && node_bin="$root/.tools/node/node_modules/node/bin/node"

pristine="$(scripts/fetch-debian-source.sh musl)"
[ -f "$pristine/VERSION" ] || { log "no musl source at $pristine"; exit 1; }
"$node_bin" abi/generate.mjs build/gen
gen="$root/build/gen"

# ---- fast path: nothing changed since the last successful run ----
rt_builtins="$("$CC" --target=wasm32-wasi -Wno-deprecated -print-libgcc-file-name 2>/dev/null || true)"
[ -f "$rt_builtins" ] || rt_builtins=/usr/lib/llvm-22/lib/clang/22/lib/wasi/libclang_rt.builtins-wasm32.a
inputs_hash="$( {
  echo "$pristine $CC $AR $RANLIB $rt_builtins"
  "$CC" --version | head -1
  dpkg-query -W -f='${Version}' linux-libc-dev
  sha1sum libc/build.sh libc/uapi-headers.sh "$gen/musl/bits/syscall.h.in" "$gen/musl/bits/stat.h" "$gen/include/wasmux/abi_c.h"
  find libc/overlay libc/patches glue -type f -print0 | sort -z | xargs -0 sha1sum
} | sha1sum | cut -d' ' -f1)"
if [ $force = 0 ] && [ -f "$work/stamp" ] && [ "$(cat "$work/stamp")" = "$inputs_hash" ] \
   && [ -f "$sysroot/lib/libc.a" ] && [ -f "$sysroot/lib/crt1.o" ]; then
  exit 0
fi
rm -f "$work/stamp"

# ---- the source tree: a private copy of the pristine source ----
if [ ! -f "$src/VERSION" ] || [ "$(cat "$work/pristine" 2>/dev/null)" != "$pristine" ]; then
  log "copying musl source from $pristine"
  rm -rf "$src" "$src.tmp"
  cp -a "$pristine" "$src.tmp"
  mv "$src.tmp" "$src"
  echo "$pristine" > "$work/pristine"
  : > "$work/placed.list"
fi

# put FROM TO: place a file into the tree, touching it only when its content differs, so
# make sees a new timestamp exactly when something changed.
placed=()
put() {
  local from="$1" to="$src/$2"
  placed+=("$2")
  if ! cmp -s "$from" "$to"; then mkdir -p "$(dirname "$to")"; cp "$from" "$to"; fi
}

# Our own files, mirroring musl's tree.
while IFS= read -r -d '' f; do put "$f" "${f#"$overlay/"}"; done \
  < <(find "$overlay" -type f -print0 | sort -z)
# Fixes to musl's own files (libc/patches/*.patch, each with its reason on its first
# line): applied to copies of the pristine files, which are then placed as ours are.
rm -rf "$work/patched"
mkdir -p "$work/patched"
for p in "$root"/libc/patches/*.patch; do
  [ -e "$p" ] || continue
  for rel in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p"); do
    [ -f "$work/patched/$rel" ] || { mkdir -p "$(dirname "$work/patched/$rel")" && cp "$pristine/$rel" "$work/patched/$rel"; }
  done
  patch -d "$work/patched" -p1 --quiet --forward <"$p" || { echo "libc: $p does not apply" >&2; exit 1; }
done
while IFS= read -r -d '' f; do put "$f" "${f#"$work/patched/"}"; done \
  < <(find "$work/patched" -type f ! -name '*.orig' -print0 | sort -z)
# Generated from abi/ (the one definition of numbers and struct layouts).
put "$gen/musl/bits/syscall.h.in" arch/wasm32/bits/syscall.h.in
put "$gen/musl/bits/stat.h" arch/wasm32/bits/stat.h
# musl's kernel-stat struct is the ABI's Stat too, with the timestamps as plain fields;
# deriving it keeps one definition.
sed -e '1s|.*|/* Derived by libc/build.sh from bits/stat.h (generated from abi/). */|' \
    -e 's/^struct stat {/struct kstat {/' \
    -e 's/^\tstruct timespec st_\(.\)tim;/\tlong long st_\1time_sec;\n\tlong long st_\1time_nsec;/' \
    "$gen/musl/bits/stat.h" > "$work/kstat.h"
put "$work/kstat.h" arch/wasm32/kstat.h
# The glue's header (struct layouts shared with the kernel), for the signal glue.
put "$gen/include/wasmux/abi_c.h" arch/wasm32/wasmux/abi_c.h
# Headers with nothing wasm-specific, borrowed from ports with the same Linux values:
# aarch64's fcntl.h (generic O_* and F_GETLK=5), aarch64's float.h (binary128 long
# double), x32's stdint.h (ILP32 limits).
put "$pristine/arch/aarch64/bits/fcntl.h" arch/wasm32/bits/fcntl.h
put "$pristine/arch/aarch64/bits/float.h" arch/wasm32/bits/float.h
put "$pristine/arch/x32/bits/stdint.h" arch/wasm32/bits/stdint.h

# configure cannot detect wasm32, so config.mak is written here.
cat > "$work/config.mak" <<EOF
# Written by libc/build.sh.
ARCH = wasm32
SUBARCH =
ASMSUBARCH =
srcdir = .
prefix = $sysroot
includedir = $sysroot/include
libdir = $sysroot/lib
CC = $CC
AR = $AR
RANLIB = $RANLIB
CFLAGS_C99FSE = -std=c99 -nostdinc -ffreestanding
CFLAGS_AUTO = -O2 -pipe -Qunused-arguments -Werror=implicit-function-declaration \\
  -Werror=implicit-int -Werror=pointer-sign -Werror=pointer-arith -Werror=int-conversion \\
  -Werror=incompatible-pointer-types -Wno-parentheses -Wno-string-plus-int \\
  -Wno-shift-op-parentheses -Wno-bitwise-op-parentheses -Wno-logical-op-parentheses \\
  -Wno-dangling-else -Wno-unknown-pragmas -Wno-ignored-attributes -Wno-ignored-pragmas \\
  -Wno-deprecated-non-prototype
CFLAGS = --target=wasm32-unknown-unknown -matomics -mbulk-memory
CFLAGS_MEMOPS =
CFLAGS_NOSSP =
LDFLAGS =
LIBCC =
ADD_CFI = no
# Static only: no libc.so, no dynamic loader, no musl-gcc wrapper.
SHARED_LIBS =
TOOL_LIBS =
ALL_TOOLS =
# longjmp throws a wasm exception. timer_create's SIGEV_THREAD helper calls setjmp, which
# exists only as clang's sjlj lowering (there is no setjmp function to link).
obj/src/setjmp/wasm32/longjmp.o obj/src/setjmp/wasm32/c_longjmp.o: CFLAGS_ALL += -mexception-handling
obj/src/time/timer_create.o: CFLAGS_ALL += -mexception-handling -mllvm -wasm-enable-sjlj
EOF
put "$work/config.mak" config.mak

# Files placed by an earlier run but not by this one: restore musl's own version or
# remove ours, so a deleted overlay file really disappears.
if [ -f "$work/placed.list" ]; then
  while IFS= read -r rel; do
    [ -n "$rel" ] || continue
    printf '%s\n' "${placed[@]}" | grep -qxF -- "$rel" && continue
    if [ -f "$pristine/$rel" ]; then cp "$pristine/$rel" "$src/$rel"; else rm -f "$src/$rel"; fi
    # Its object would otherwise stay in the archive, which make only rebuilds when a
    # listed object is newer.
    rm -f "$src/obj/${rel%.*}.o" "$src/lib/libc.a"
    log "dropped $rel"
  done < "$work/placed.list"
fi
printf '%s\n' "${placed[@]}" > "$work/placed.list"

# musl's objects do not depend on headers: any header change means a clean build.
headers_hash="$( (cd "$src" && find arch/wasm32 include src/include src/internal -type f \
  \( -name '*.h' -o -name '*.in' \) -print0 | sort -z | xargs -0 sha1sum; sha1sum config.mak) \
  | sha1sum | cut -d' ' -f1)"
if [ "$(cat "$work/headers.hash" 2>/dev/null)" != "$headers_hash" ]; then
  [ -d "$src/obj" ] && log "headers or flags changed: clean build"
  rm -rf "$src/obj" "$src/lib" "$sysroot/include"
fi

log "building musl (make -j$jobs; log in build/libc/make.log)"
empty_libs=(m rt pthread crypt util xnet resolv dl)
targets=(lib/libc.a)
for l in "${empty_libs[@]}"; do targets+=("lib/lib$l.a"); done
if ! make -C "$src" -j"$jobs" "${targets[@]}" >"$work/make.log" 2>&1; then
  # Only the diagnostics (every command line carries -Werror=...), and no SIGPIPE exit.
  grep -E ': (fatal )?error:|Error [0-9]+' "$work/make.log" | head -40 >&2 || true
  log "musl build failed; see build/libc/make.log"
  exit 1
fi
echo "$headers_hash" > "$work/headers.hash"
make -s -C "$src" install-headers >/dev/null
libc/uapi-headers.sh "$sysroot"

# ---- glue and the installed libraries ----
mkdir -p "$sysroot/lib" "$sysroot/include/wasmux" "$work/glue"
cmp -s "$gen/include/wasmux/abi_c.h" "$sysroot/include/wasmux/abi_c.h" \
  || cp "$gen/include/wasmux/abi_c.h" "$sysroot/include/wasmux/abi_c.h"
glue_cflags=(--target=wasm32-unknown-unknown --sysroot="$sysroot" -matomics -mbulk-memory
  -O2 -std=c11 -ffreestanding -Wall -Wextra -Werror)
"$CC" "${glue_cflags[@]}" -c glue/crt1.c -o "$work/glue/crt1.o"
glue_objs=()
for f in glue/lib/*.c; do
  o="$work/glue/$(basename "${f%.c}").o"
  "$CC" "${glue_cflags[@]}" -c "$f" -o "$o"
  glue_objs+=("$o")
done
# libc.a = musl's archive plus the glue's library members.
cp "$src/lib/libc.a" "$work/libc.a.tmp"
"$AR" rc "$work/libc.a.tmp" "${glue_objs[@]}"
"$RANLIB" "$work/libc.a.tmp"
mv "$work/libc.a.tmp" "$sysroot/lib/libc.a"
cp "$work/glue/crt1.o" "$sysroot/lib/crt1.o.tmp"
mv "$sysroot/lib/crt1.o.tmp" "$sysroot/lib/crt1.o"
for l in "${empty_libs[@]}"; do cp "$src/lib/lib$l.a" "$sysroot/lib/lib$l.a"; done
# compiler-rt builtins (long double arithmetic, 128-bit integer helpers). Debian ships
# them for wasm32-wasi only; they are plain wasm objects and need nothing from WASI.
cp "$rt_builtins" "$sysroot/lib/libclang_rt.builtins.a"

echo "$inputs_hash" > "$work/stamp"
log "sysroot ready in ${sysroot#"$root/"}"
