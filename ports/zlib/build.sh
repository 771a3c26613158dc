#!/usr/bin/env bash
# zlib, Debian's zlib1g and zlib1g-dev: debian/rules' configure line (a shared build,
# which zlib's configure turns into a static one when the compiler makes no shared
# libraries) with the SDK's compiler, then its own `make test` under wasmux.
set -euo pipefail
CC=$HOST-gcc AR=$HOST-ar CFLAGS="$DEB_CFLAGS $DEB_CPPFLAGS -Wall -D_REENTRANT -O3" LDFLAGS="$DEB_LDFLAGS" \
  uname=GNU ./configure --shared --prefix=/usr --libdir=/usr/lib
make -j"$JOBS"
# make test: minigzip compresses and decompresses, example runs its checks; QEMU_RUN is
# zlib's own hook for running cross-built programs.
if make teststatic QEMU_RUN=wasmux-emulator >test.log 2>&1 && grep -q '\*\*\* zlib test OK \*\*\*' test.log; then
  echo "PASS teststatic" >>"$PORT_TESTS"
else
  cat test.log
  echo "FAIL teststatic" >>"$PORT_TESTS"
fi
make install DESTDIR="$PORT_STAGE"
