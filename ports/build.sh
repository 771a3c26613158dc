#!/usr/bin/env bash
# Builds the ports (real software from Debian source packages, cross-compiled with the SDK)
# and the root filesystem images the host loads at boot:
#   build/rootfs.tar       the default image: dash and busybox (a fast boot)
#   build/rootfs-full.tar  the full image: the default one plus the full ports below
#                          (bin/wasmux --image full)
#
#   ports/build.sh [--full] [--suites[=PORT,...]] [--force] [PORT]...
#     --full    also the full ports and image (scripts/test.sh passes it)
#     --suites  also the long test suites (long_suites below; scripts/test.sh --full);
#               --suites=grep,sed only those ports' long suites
#     --force   rebuild, ignoring the stamps and the cache
#     PORT...   only these ports (and what they need), no image
#
# Each port is a directory ports/<pkg>/ holding build.sh (the recipe), optionally
# patches/*.patch (each with a one-line reason at its top) and needs (the ports whose
# libraries it links, one per line). The pristine source comes from
# scripts/fetch-debian-source.sh <pkg>; it is copied to build/ports/<pkg>/src and our
# patches are applied to the copy (never to the unpacked source). The recipe runs in that
# copy with (ports/recipe-env.sh):
#   WASMUX_ROOT  the repository           PORT_DIR    ports/<pkg>
#   PORT_SRC     the patched copy         PORT_STAGE  where `make install DESTDIR=` goes
#   HOST, BUILD  the GNU triples          JOBS        make -j value
#   PATH         sdk/bin first            CONFIG_SITE sdk/config.site
#   DEB_CFLAGS, DEB_CPPFLAGS, DEB_CXXFLAGS, DEB_LDFLAGS  Debian's build flags
#   PORT_TESTS   where the recipe writes its test suite's results, "PASS|FAIL name" lines
# A port's result (stage, test results) is kept under build/ports/<pkg> and in
# ~/.cache/wasmux/ports (WASMUX_CACHE_DIR moves it), keyed by a hash of the source
# version, the recipe, the SDK, the sysroot's libraries and the ports it needs: an
# unchanged port is taken from there, not rebuilt. Its headers, static libraries and
# pkg-config files go into the sysroot's usr/ (build/sysroot/usr), for the ports that need it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/.tools/node/node_modules/node/bin:$PATH"
# The ports, in order, and those with long suites (ports/lists.sh: outside every port's
# cache key, so adding a port builds that one only).
. ports/lists.sh
force=0 full=0 suites=0 only=() suite_ports=()
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    --full) full=1 ;;
    --suites) suites=1 ;;
    --suites=*) suites=1; IFS=, read -r -a suite_ports <<<"${a#--suites=}" ;;
    -*) echo "usage: ports/build.sh [--full] [--suites[=PORT,...]] [--force] [PORT]..." >&2; exit 2 ;;
    *) [ -f "ports/$a/build.sh" ] || { echo "ports: no port $a (ports/$a/build.sh)" >&2; exit 2; }
       only+=("$a") ;;
  esac
done
cache_root="${WASMUX_CACHE_DIR:-$HOME/.cache/wasmux}/ports"
sysroot="$root/build/sysroot"

# The SDK and the build's own scripts: every port's result depends on them.
sdk_files=(bin/wasmux-cc bin/wasmux-c++ bin/wasmux-ar bin/wasmux-ranlib sdk ports/build.sh ports/recipe-env.sh
  ports/recipe-helpers.sh)
for f in "${sdk_files[@]}" build/sysroot/lib/libc.a build/sysroot/lib/crt1.o; do
  [ -e "$f" ] || { echo "ports: $f is missing: run scripts/build.sh first" >&2; exit 1; }
done
# What every port's result depends on besides its own recipe and source.
sdk_hash="$( {
  find "${sdk_files[@]}" -type f -print0 | sort -z | xargs -0 sha1sum
  # Contents and names only: the same inputs in another clone give the same hash.
  for f in libc.a libc++.a libc++abi.a libunwind.a libclang_rt.builtins.a crt1.o; do
    [ -f "$sysroot/lib/$f" ] && (cd "$sysroot/lib" && sha1sum "$f")
  done
  clang-22 --version | head -1
} | sha1sum | cut -d' ' -f1)"

declare -A port_hash
needs_of() { [ -f "ports/$1/needs" ] && grep -v '^#' "ports/$1/needs" | grep . || true; }

# Copies a port's development files (headers, static libraries, pkg-config files) from
# its stage into the sysroot's usr/ (the C library's are at its top: the libc++ build,
# which hashes those, does not see the ports'), where the ports that need it find them:
# the SDK's compiler searches usr/include after the C library's headers and usr/lib when
# linking, and its pkg-config reads usr/lib/pkgconfig.
install_dev_files() {
  local stage="$1" d
  mkdir -p "$sysroot/usr/include" "$sysroot/usr/lib/pkgconfig" "$sysroot/usr/share/pkgconfig"
  [ -d "$stage/usr/include" ] && cp -a "$stage/usr/include/." "$sysroot/usr/include/"
  if [ -d "$stage/usr/lib" ]; then
    find "$stage/usr/lib" -maxdepth 1 -name '*.a' -exec cp {} "$sysroot/usr/lib/" \;
    [ -d "$stage/usr/lib/pkgconfig" ] && cp -a "$stage/usr/lib/pkgconfig/." "$sysroot/usr/lib/pkgconfig/"
  fi
  [ -d "$stage/usr/share/pkgconfig" ] && cp -a "$stage/usr/share/pkgconfig/." "$sysroot/usr/share/pkgconfig/"
  return 0
}

build_port() {
  local pkg="$1"
  local work="build/ports/$pkg"
  local upstream version epoch hash n suite=1
  [[ " ${long_suites[*]} " != *" $pkg "* ]] || suite=$suites
  [ ${#suite_ports[@]} = 0 ] || [[ " ${long_suites[*]} " != *" $pkg "* ]] ||
    [[ " ${suite_ports[*]} " == *" $pkg "* ]] || suite=0
  upstream="$(scripts/fetch-debian-source.sh "$pkg")"
  version="$(cd "$upstream" && dpkg-parsechangelog -SVersion)"
  hash="$( {
    echo "$pkg $version $sdk_hash"
    [ $suite = 1 ] || echo "without its test suite"
    (cd "ports/$pkg" && find . -type f ! -name '*.md' ! -name 'test-results*' ! -name 'native-tests.sh' -print0 | sort -z | xargs -0 sha1sum)
    for n in $(needs_of "$pkg"); do echo "needs $n ${port_hash[$n]:?ports: $pkg needs $n, which is built after it}"; done
  } | sha1sum | cut -d' ' -f1)"
  hash="${hash:0:16}"
  port_hash[$pkg]=$hash
  if [ $force = 0 ] && [ "$(cat "$work/.hash" 2>/dev/null)" = "$hash" ] && [ -d "$work/stage" ]; then
    install_dev_files "$work/stage"
    return 0
  fi
  local cached="$cache_root/$pkg-$hash"
  if [ $force = 0 ] && [ -f "$cached/.complete" ]; then
    rm -rf "$work" && mkdir -p "$work"
    cp -a "$cached/stage" "$work/stage"
    [ -f "$cached/tests.txt" ] && cp "$cached/tests.txt" "$work/tests.txt"
    echo "$hash" > "$work/.hash"
    touch "$cached/.complete"
    install_dev_files "$work/stage"
    echo "ports: $pkg $version from the cache"
    return 0
  fi
  local started=$SECONDS
  echo "ports: building $pkg $version (log in $work/build.log)"
  rm -rf "$work"
  mkdir -p "$work/stage"
  cp -a "$upstream" "$work/src"
  local patched=0
  if [ -d "ports/$pkg/patches" ]; then
    for p in "ports/$pkg/patches"/*.patch; do
      [ -e "$p" ] || continue
      patch -d "$work/src" -p1 --quiet --forward < "$p" || { echo "ports: $p does not apply" >&2; exit 1; }
      patched=$((patched + $(grep -c '^+++ ' "$p")))
    done
  fi
  # The package's own date stands in for "now" (busybox's banner would show the build
  # time), so the same inputs give the same image: Debian's reproducible-builds convention.
  epoch="$(cd "$work/src" && dpkg-parsechangelog -STimestamp)"
  if ! WASMUX_ROOT="$root" PORT_DIR="$root/ports/$pkg" PORT_SRC="$root/$work/src" \
    PORT_STAGE="$root/$work/stage" PORT_TESTS="$root/$work/tests.txt" PORT_SUITE=$suite JOBS=2 SOURCE_DATE_EPOCH="$epoch" \
    bash -c '. "$WASMUX_ROOT/ports/recipe-env.sh" && cd "$PORT_SRC" && "$PORT_DIR/build.sh"' >"$work/build.log" 2>&1; then
    tail -n 30 "$work/build.log" >&2
    echo "ports: $pkg failed (whole log: $work/build.log)" >&2
    exit 1
  fi
  echo "$hash" > "$work/.hash"
  install_dev_files "$work/stage"
  local tests=""
  [ -s "$work/tests.txt" ] && tests=", its tests: $(grep -c '^PASS ' "$work/tests.txt" || true) passed, $(grep -c '^FAIL ' "$work/tests.txt" || true) failed"
  echo "ports: $pkg built in $((SECONDS - started)) s ($patched patched file(s)$tests)"
  # Into the cache (whole, or not at all), and only the four newest entries of a port kept.
  mkdir -p "$cache_root"
  rm -rf "$cached" "$cached.tmp"
  mkdir -p "$cached.tmp"
  cp -a "$work/stage" "$cached.tmp/stage"
  [ -f "$work/tests.txt" ] && cp "$work/tests.txt" "$cached.tmp/tests.txt"
  touch "$cached.tmp/.complete"
  mv "$cached.tmp" "$cached"
  ls -dt "$cache_root/$pkg-"* 2>/dev/null | tail -n +5 | xargs -r rm -rf
}

all=("${default_ports[@]}")
[ $full = 1 ] || [ ${#only[@]} -gt 0 ] && all+=("${full_ports[@]}")
# A port named on the command line is built even when no image holds it yet.
for w in "${only[@]}"; do [[ " ${all[*]} " == *" $w "* ]] || all+=("$w"); done
wanted() {
  [ ${#only[@]} -eq 0 ] && return 0
  local w
  for w in "${only[@]}"; do [ "$w" = "$1" ] && return 0; done
  # A port a wanted port needs.
  for w in "${only[@]}"; do needs_of "$w" | grep -qx "$1" && return 0; done
  return 1
}
for pkg in "${all[@]}"; do wanted "$pkg" && build_port "$pkg"; done
[ ${#only[@]} -eq 0 ] || exit 0

# ---- the root filesystem images (ports/images.sh) ----
. ports/images.sh
make_image build/rootfs.tar "${default_ports[@]}"
# The full ports first: their programs win over busybox's applets of the same name (GNU
# gzip over busybox's gzip); dash stays /bin/sh.
[ $full = 0 ] || make_image build/rootfs-full.tar "${full_ports[@]}" "${default_ports[@]}"
