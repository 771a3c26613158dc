#!/usr/bin/env bash
# xz-utils, Debian's xz-utils and liblzma-dev: debian/rules' normal build (threads, the
# command-line programs and scripts; its shared library has no wasm counterpart, so
# libtool makes the static one) with the SDK's triple, then its `make check` under wasmux:
# the compiled tests through run-wasm-or-host, the scripts' xz, xzdec and
# create_compress_files wrapped.
set -euo pipefail
cp -f /usr/share/misc/config.sub build-aux/config.sub
cp -f /usr/share/misc/config.guess build-aux/config.guess
mkdir -p normal-build
cd normal-build
CFLAGS="$DEB_CFLAGS" CPPFLAGS="$DEB_CPPFLAGS" LDFLAGS="$DEB_LDFLAGS" CONFIGURE=../configure \
  deb_configure gl_cv_posix_shell=/bin/sh --enable-threads --disable-static \
  --disable-xzdec --disable-lzmadec
make -j"$JOBS"
make -j"$JOBS" -C tests create_compress_files
wasm_wrap src/xz/xz tests/create_compress_files
make -k -j"$JOBS" check LOG_COMPILER="$WASMUX_ROOT/sdk/libexec/run-wasm-or-host" >check.log 2>&1 || true
automake_results tests
wasm_unwrap src/xz/xz tests/create_compress_files
make install DESTDIR="$PORT_STAGE"
