#!/usr/bin/env bash
# Builds libc++, libc++abi and libunwind for wasmux guests against our musl sysroot
# (build/sysroot, made by libc/build.sh) from Debian's LLVM source package, and installs
# them into the sysroot: include/c++/v1, lib/libc++.a, lib/libc++experimental.a,
# lib/libc++abi.a, lib/libunwind.a. Used by bin/wasmux-c++.
# Usage: libcxx/build.sh [--force]
#
# Cached: the inputs (source package and version, the files in libcxx/, the sysroot's C
# headers, the symbols libc.a defines, the compiler and CMake versions) are hashed; the
# built result is kept in ~/.cache/wasmux/libcxx-<hash>/ (outside the clone;
# WASMUX_CACHE_DIR moves it) and copied into the sysroot when the hash matches, so only
# the first build on a machine takes minutes. --force rebuilds and replaces the cache entry.
# Environment: WASMUX_LIBCXX_SOURCE (default llvm-toolchain-19, see libcxx/README.md),
# WASMUX_JOBS (default 2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

suffix=-22
CC="clang$suffix"; CXX="clang++$suffix"; AR="llvm-ar$suffix"; NM="llvm-nm$suffix"
RANLIB="llvm-ranlib$suffix"
pkg="${WASMUX_LIBCXX_SOURCE:-llvm-toolchain-19}"
jobs="${WASMUX_JOBS:-2}"
force=0; [ "${1:-}" = --force ] && force=1

work="$root/build/libcxx"
sysroot="$root/build/sysroot"
here="$root/libcxx"
cache_root="${WASMUX_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wasmux}"
log() { echo "libcxx/build.sh: $*" >&2; }

for tool in "$CC" "$CXX" "$AR" "$NM" "$RANLIB" cmake ninja xz; do
  command -v "$tool" >/dev/null || { log "$tool not found; run scripts/setup.sh"; exit 1; }
done
mkdir -p "$work"
exec 9>"$work/lock"
flock 9

# The C library first (a no-op when it is up to date).
libc/build.sh

# ---- the source: Debian's package, the version apt offers ----
# The project-local apt configuration of scripts/fetch-debian-source.sh (made by the libc
# build's musl fetch); the machine's own apt sources stay untouched.
apt_dir="$root/build/apt"
[ -s "$apt_dir/sources.list" ] || scripts/fetch-debian-source.sh musl >/dev/null
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=-
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
  -o APT::Get::List-Cleanup=0)
version=""
for v in $(apt-cache "${apt_opts[@]}" showsrc --only-source "$pkg" 2>/dev/null | sed -n 's/^Version: //p'); do
  if [ -z "$version" ] || dpkg --compare-versions "$v" gt "$version"; then version="$v"; fi
done
[ -n "$version" ] || { log "apt knows no source package $pkg"; exit 1; }
upstream="${version#*:}"; upstream="${upstream%-*}"   # 1:19.1.7-3~deb12u1 -> 19.1.7

# ---- the inputs' hash ----
# The C headers, but not ours (c++/) nor the glue's ABI header (wasmux/, which libc++ never
# includes: it changes with every kernel ABI change).
headers_hash="$( (cd "$sysroot/include" && find . \( -path ./c++ -o -path ./wasmux \) -prune -o -type f \
  -print0 | sort -z | xargs -0 sha1sum) | sha1sum | cut -d' ' -f1)"
# What configure checks link against: libc.a's defined symbols, not its code (the glue
# changes often and never changes what libc++ is built to use).
libc_symbols_hash="$("$NM" -g --defined-only --format=just-symbols "$sysroot/lib/libc.a" 2>/dev/null \
  | sort -u | sha1sum | cut -d' ' -f1)"
hash="$( {
  echo "$pkg $version"
  "$CXX" --version | head -1
  cmake --version | head -1
  echo "headers $headers_hash libc $libc_symbols_hash"
  (cd "$here" && find . -type f ! -name '*.md' -print0 | sort -z | xargs -0 sha1sum)
} | sha1sum | cut -d' ' -f1)"
hash="${hash:0:16}"
cached="$cache_root/libcxx-$hash"

# Copies a finished result (the cache entry) into the sysroot.
install_into_sysroot() {
  local from="$1"
  rm -rf "$sysroot/include/c++.tmp"
  mkdir -p "$sysroot/include/c++.tmp"
  cp -a "$from/include/c++/v1" "$sysroot/include/c++.tmp/v1"
  rm -rf "$sysroot/include/c++"
  mv "$sysroot/include/c++.tmp" "$sysroot/include/c++"
  for lib in "$from"/lib/*.a; do
    cp "$lib" "$sysroot/lib/$(basename "$lib").tmp"
    mv "$sysroot/lib/$(basename "$lib").tmp" "$sysroot/lib/$(basename "$lib")"
  done
  echo "$hash" > "$work/stamp"
}
installed() {
  [ -f "$sysroot/include/c++/v1/__config_site" ] && [ -f "$sysroot/lib/libc++.a" ] \
    && [ -f "$sysroot/lib/libc++abi.a" ] && [ -f "$sysroot/lib/libunwind.a" ]
}

# ---- fast paths: installed already, or in the cache ----
if [ $force = 0 ] && [ "$(cat "$work/stamp" 2>/dev/null)" = "$hash" ] && installed; then
  exit 0
fi
rm -f "$work/stamp"
if [ $force = 0 ] && [ -f "$cached/manifest" ]; then
  install_into_sysroot "$cached"
  touch "$cached/manifest"   # last used: the pruning below keeps the newest
  log "libc++ $upstream from the cache (${cached/#"$HOME"/\~}) installed into ${sysroot#"$root/"}"
  exit 0
fi

start=$SECONDS
log "building libc++, libc++abi, libunwind $upstream ($pkg $version) for wasmux; a few minutes on 2 cores"

# ---- download (only the .dsc, orig and debian tarballs; not unpacked by dpkg-source) ----
dl="$work/download"
mkdir -p "$dl"
orig="$dl/${pkg}_$upstream.orig.tar.xz"
fetch() { (cd "$dl" && apt-get "${apt_opts[@]}" source --download-only -qq "$pkg=$version" >&2); }
if [ ! -f "$orig" ] || [ ! -f "$dl/.complete-$version" ]; then
  if ! fetch; then
    log "download failed; refreshing the package lists once"
    apt-get "${apt_opts[@]}" update -qq >&2
    fetch
  fi
  [ -f "$orig" ] || { log "no $orig after the download"; exit 1; }
  touch "$dl/.complete-$version"
fi

# ---- the source tree: only what the runtimes build reads, from the orig tarball ----
# The upstream source as Debian ships it; Debian's own patches to these directories only
# concern their tests and arm/ppc builds, so they are not applied. Our patches (if any)
# are libcxx/patches/*.patch, applied to this private copy.
src="$work/src"
rm -rf "$src" "$src.tmp"
mkdir -p "$src.tmp"
top="${pkg}_$upstream"
tar -xJf "$orig" -C "$src.tmp" --strip-components=1 \
  --exclude="$top/libcxx/test" --exclude="$top/libcxx/benchmarks" --exclude="$top/libcxx/docs" \
  --exclude="$top/libcxxabi/test" --exclude="$top/libunwind/test" --exclude="$top/libunwind/docs" \
  "$top/runtimes" "$top/cmake" "$top/llvm/cmake" "$top/llvm/utils/llvm-lit" \
  "$top/libcxx" "$top/libcxxabi" "$top/libunwind"
if compgen -G "$here/patches/*.patch" >/dev/null; then
  for p in "$here"/patches/*.patch; do
    log "applying ${p#"$root/"}"
    patch -s -p1 -d "$src.tmp" < "$p"
  done
fi
mv "$src.tmp" "$src"

# ---- configure and build (CMake runtimes build, static libraries only) ----
bld="$work/build"
stage="$work/install"
rm -rf "$bld" "$stage"
cmake_args=(
  -G Ninja -S "$src/runtimes" -B "$bld"
  -DCMAKE_TOOLCHAIN_FILE="$here/toolchain.cmake" -DWASMUX_SYSROOT="$sysroot"
  -DWASMUX_CLANG_SUFFIX="$suffix"
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$stage"
  -DLLVM_ENABLE_RUNTIMES="libcxx;libcxxabi;libunwind"
  -DLLVM_INCLUDE_TESTS=OFF -DLLVM_INCLUDE_DOCS=OFF
  # Static only: wasmux programs link statically.
  -DLIBCXX_ENABLE_SHARED=OFF -DLIBCXXABI_ENABLE_SHARED=OFF -DLIBUNWIND_ENABLE_SHARED=OFF
  -DLIBCXX_ENABLE_STATIC=ON -DLIBCXXABI_ENABLE_STATIC=ON -DLIBUNWIND_ENABLE_STATIC=ON
  # Our musl, with threads through the pthread API (the target triple names no OS, so
  # libc++ cannot guess it).
  -DLIBCXX_HAS_MUSL_LIBC=ON
  -DLIBCXX_ENABLE_THREADS=ON -DLIBCXX_HAS_PTHREAD_API=ON
  -DLIBCXXABI_ENABLE_THREADS=ON -DLIBCXXABI_HAS_PTHREAD_API=ON
  -DLIBUNWIND_ENABLE_THREADS=ON
  # Plain visibility attributes (otherwise libunwind marks its API __declspec(dllexport)
  # on targets that are neither ELF nor Mach-O); nothing is exported from a static library.
  -DLIBUNWIND_HIDE_SYMBOLS=ON
  # Exceptions: wasm exception handling; libc++abi over libunwind (of which only
  # Unwind-wasm.c has code for wasm).
  -DLIBCXX_ENABLE_EXCEPTIONS=ON -DLIBCXXABI_ENABLE_EXCEPTIONS=ON
  -DLIBCXX_CXX_ABI=libcxxabi -DLIBCXXABI_USE_LLVM_UNWINDER=ON
  -DLIBCXXABI_ENABLE_STATIC_UNWINDER=OFF -DLIBCXX_ENABLE_STATIC_ABI_LIBRARY=OFF
  -DLIBCXX_ENABLE_FILESYSTEM=ON -DLIBCXX_ENABLE_LOCALIZATION=ON
  -DLIBCXX_ENABLE_RANDOM_DEVICE=ON
  # std::chrono::tzdb: the root image has no tzdata (/usr/share/zoneinfo) to read.
  -DLIBCXX_ENABLE_TIME_ZONE_DATABASE=OFF
  -DLIBCXX_INCLUDE_BENCHMARKS=OFF -DLIBCXX_INCLUDE_TESTS=OFF -DLIBCXXABI_INCLUDE_TESTS=OFF
  -DLIBUNWIND_INCLUDE_TESTS=OFF -DLIBCXX_INCLUDE_DOCS=OFF -DLIBUNWIND_INCLUDE_DOCS=OFF
  -DLIBCXX_INSTALL_MODULES=OFF -DLIBUNWIND_INSTALL_HEADERS=OFF
)
log "configuring (log in build/libcxx/cmake.log)"
if ! cmake "${cmake_args[@]}" >"$work/cmake.log" 2>&1; then
  tail -n 30 "$work/cmake.log" >&2
  log "configure failed; see build/libcxx/cmake.log"
  exit 1
fi
log "building (ninja -j$jobs; log in build/libcxx/ninja.log)"
if ! ninja -C "$bld" -j"$jobs" install-cxx install-cxxabi install-unwind >"$work/ninja.log" 2>&1; then
  grep -E ': (fatal )?error:|^FAILED:' "$work/ninja.log" | head -40 >&2 || true
  log "build failed; see build/libcxx/ninja.log"
  exit 1
fi

# The exception tag C++ throws (__builtin_wasm_throw's tag 0) and catches: clang only
# references it, so it goes into libunwind.a next to Unwind-wasm.c, which throws it.
"$CC" --target=wasm32-unknown-unknown -matomics -mbulk-memory -fwasm-exceptions \
  -c "$here/cpp_exception.S" -o "$bld/cpp_exception.o"
"$AR" rc "$stage/lib/libunwind.a" "$bld/cpp_exception.o"
"$RANLIB" "$stage/lib/libunwind.a"

# ---- into the cache, then into the sysroot ----
mkdir -p "$cache_root"
tmp="$cached.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/include/c++" "$tmp/lib"
cp -a "$stage/include/c++/v1" "$tmp/include/c++/v1"
cp "$stage"/lib/*.a "$tmp/lib/"
{
  echo "source: $pkg $version (upstream $upstream)"
  echo "compiler: $("$CXX" --version | head -1)"
  echo "built: $(date -u +%FT%TZ) in $((SECONDS - start)) s, from $root"
} > "$tmp/manifest"
rm -rf "$cached"
mv "$tmp" "$cached"
# Keep the four newest entries (other clones may use other hashes); drop older ones.
ls -dt "$cache_root"/libcxx-*/manifest 2>/dev/null | tail -n +5 | while IFS= read -r m; do
  rm -rf "$(dirname "$m")"
done
install_into_sysroot "$cached"
log "libc++ $upstream built in $((SECONDS - start)) s, cached in ${cached/#"$HOME"/\~}, installed into ${sysroot#"$root/"}"
