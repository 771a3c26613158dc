#!/usr/bin/env bash
# gzip, Debian's gzip: debian/rules' steps (fresh config.sub/guess, autoreconf, configure in
# builddir with its arguments and flags) with the SDK's triple; then its own test suite
# under wasmux (debian/rules skips it when cross-building), the programs wrapped.
set -euo pipefail
export DEFS=NO_ASM # debian/rules: no assembler
cp -f /usr/share/misc/config.sub build-aux/config.sub
cp -f /usr/share/misc/config.guess build-aux/config.guess
autoreconf -v
mkdir -p builddir
cd builddir
CC=$HOST-gcc CFLAGS="$DEB_CFLAGS -Wall" CPPFLAGS="$DEB_CPPFLAGS" LDFLAGS="$DEB_LDFLAGS" \
  CONFIG_SHELL=/bin/sh GREP=grep ../configure --prefix=/usr --bindir=/bin \
  --infodir=/usr/share/info --mandir=/usr/share/man --disable-silent-rules --host="$HOST" --build="$BUILD"
make -j"$JOBS"
wasm_wrap gzip
make -k -j"$JOBS" check >check.log 2>&1 || true
automake_results tests
wasm_unwrap gzip
make install DESTDIR="$PORT_STAGE"
