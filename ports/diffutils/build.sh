#!/usr/bin/env bash
# diffutils, Debian's diffutils: debian/rules' configure with the SDK's triple, then its
# own make check under wasmux (debian/rules runs it natively): the scripts' programs
# wrapped, gnulib's compiled tests through run-wasm-or-host (its own tests are scripts
# run by $(SHELL)).
set -euo pipefail
autoreconf -f -i # dh_autoreconf (debhelper compat 13)
CFLAGS="$DEB_CFLAGS" CPPFLAGS="$DEB_CPPFLAGS" LDFLAGS="$DEB_LDFLAGS" deb_configure
make -j"$JOBS"
# The test suite (long: only when ports/build.sh runs the long ones, --suites).
if [ "$PORT_SUITE" = 1 ]; then
  gnulib_suites tests src
fi
make install DESTDIR="$PORT_STAGE"
