#!/usr/bin/env bash
# dash, Debian's /bin/sh, for wasmux (run by ports/build.sh in the patched source copy).
set -euo pipefail
cc="$WASMUX_ROOT/bin"
# Debian's patches change configure.ac and src/Makefile.am (priv.c is a new source file),
# and Debian's own build runs autoreconf for that reason; so do we.
autoreconf -fi
# Cross build: the helpers (mknodes, mksyntax, mksignames, mkinit) run here at build time,
# so they are compiled by the native compiler (CC_FOR_BUILD). Debian's patch 0013 adds
# CFLAGS to the helpers' command line too, so CFLAGS must suit both compilers.
./configure --host=wasm32-unknown-linux-musl --build="$(cc -dumpmachine)" \
  CC="$cc/wasmux-cc" AR="$cc/wasmux-ar" RANLIB="$cc/wasmux-ranlib" \
  CC_FOR_BUILD=cc CFLAGS=-O2 --prefix=/ --bindir=/bin
make -j"$JOBS"
install -D -m 0755 src/dash "$PORT_STAGE/bin/dash"
ln -s dash "$PORT_STAGE/bin/sh"
