#!/usr/bin/env bash
# Builds the ports (real software from Debian source packages, compiled with bin/wasmux-cc)
# and the default root filesystem image build/rootfs.tar that the host loads at boot.
#
#   ports/build.sh            build what is out of date (a second run only checks)
#   ports/build.sh --force    rebuild every port and the image
#
# Each port is a directory ports/<pkg>/ holding build.sh (the recipe) and, when needed,
# patches/*.patch. The pristine source comes from scripts/fetch-debian-source.sh <pkg>; it
# is copied to build/ports/<pkg>/src and our patches are applied to the copy (never to the
# unpacked source). The recipe runs in that copy with:
#   WASMUX_ROOT  the repository          PORT_DIR    ports/<pkg>
#   PORT_SRC     the patched copy        PORT_STAGE  where to install, laid out like the
#   JOBS         make -j value                       root filesystem (bin/, etc/, ...)
# A port is rebuilt from a fresh copy when its recipe, config or patches, the SDK
# (bin/wasmux-*, sdk/) or the sysroot's libc is newer than its last build.
# The image is build/rootfs/ (ports/rootfs/ skeleton + every stage) as a ustar archive.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/.tools/node/node_modules/node/bin:$PATH"
ports=(dash busybox) # in install order: later stages may not overwrite earlier files
force=0
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    *) echo "usage: ports/build.sh [--force]" >&2; exit 2 ;;
  esac
done

# True when stamp is missing or anything under the given paths is newer than it.
out_of_date() {
  local stamp="$1"; shift
  [ "$force" = 1 ] || [ ! -e "$stamp" ] || [ -n "$(find "$@" -newer "$stamp" -print -quit 2>/dev/null)" ]
}

sdk_inputs=(bin/wasmux-cc bin/wasmux-ar bin/wasmux-ranlib sdk
  build/sysroot/lib/libc.a build/sysroot/lib/crt1.o ports/build.sh)
for f in "${sdk_inputs[@]}"; do
  [ -e "$f" ] || { echo "ports: $f is missing: run scripts/build.sh first" >&2; exit 1; }
done

build_port() {
  local pkg="$1"
  local work="build/ports/$pkg"
  local stamp="$work/.built"
  out_of_date "$stamp" "ports/$pkg" "${sdk_inputs[@]}" || return 0
  local upstream
  upstream="$(scripts/fetch-debian-source.sh "$pkg")"
  local started=$SECONDS
  echo "ports: building $pkg ($(basename "$upstream"); log in $work/build.log)"
  rm -rf "$work"
  mkdir -p "$work/stage"
  cp -a "$upstream" "$work/src"
  if [ -d "ports/$pkg/patches" ]; then
    for p in "ports/$pkg/patches"/*.patch; do
      [ -e "$p" ] || continue
      patch -d "$work/src" -p1 --quiet --forward < "$p" || { echo "ports: $p does not apply" >&2; exit 1; }
    done
  fi
  # The package's own date stands in for "now" (busybox's banner would show the build
  # time), so the same inputs give the same image: Debian's reproducible-builds convention.
  local epoch
  epoch="$(cd "$work/src" && dpkg-parsechangelog -STimestamp)"
  if ! WASMUX_ROOT="$root" PORT_DIR="$root/ports/$pkg" PORT_SRC="$root/$work/src" \
    PORT_STAGE="$root/$work/stage" JOBS=2 SOURCE_DATE_EPOCH="$epoch" \
    bash -c 'cd "$PORT_SRC" && "$PORT_DIR/build.sh"' >"$work/build.log" 2>&1; then
    tail -n 30 "$work/build.log" >&2
    echo "ports: $pkg failed (whole log: $work/build.log)" >&2
    exit 1
  fi
  touch "$stamp"
  echo "ports: $pkg built in $((SECONDS - started)) s"
}

for pkg in "${ports[@]}"; do build_port "$pkg"; done

# ---- the root filesystem image ----
image=build/rootfs.tar
stamps=()
for pkg in "${ports[@]}"; do stamps+=("build/ports/$pkg/.built"); done
out_of_date "$image" ports/rootfs ports/build.sh "${stamps[@]}" || exit 0
tree=build/rootfs
rm -rf "$tree"
mkdir -p "$tree"
cp -a ports/rootfs/. "$tree/"
for pkg in "${ports[@]}"; do
  # -n: a file an earlier port installed stays (dash's /bin/sh over busybox's).
  cp -a -n "build/ports/$pkg/stage/." "$tree/"
done
mkdir -p "$tree/tmp" "$tree/home" "$tree/root" "$tree/usr"
chmod 1777 "$tree/tmp"
chmod 0700 "$tree/root"
# One directory of programs: the other usual places lead there.
ln -sfn ../bin "$tree/usr/bin"
ln -sfn ../bin "$tree/usr/sbin"
ln -sfn bin "$tree/sbin"
# Entries sorted, owned by root, one fixed time: the same inputs give the same bytes.
tar --format=ustar --owner=0 --group=0 --numeric-owner --sort=name --mtime=@0 \
  -C "$tree" -cf "$image.tmp" .
mv "$image.tmp" "$image"
echo "ports: $image ready ($(du -k "$image" | cut -f1) KiB, $(tar -tf "$image" | wc -l) entries)"
