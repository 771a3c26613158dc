#!/usr/bin/env bash
# make, Debian's make (make-dfsg): debian/rules' steps (autoreconf, configure without
# Guile and with getloadavg's libutil check answered no) with the SDK's triple, then its
# own test suite (perl's run_make_tests.pl on the build machine) driving the built make
# under wasmux; the recipes' shell commands run in wasmux's /bin/sh.
set -euo pipefail
autoreconf -fi
mkdir -p debian/build-make
cd debian/build-make
CFLAGS="$(DEB_CFLAGS_APPEND=-Wall dpkg-buildflags --get CFLAGS)" CPPFLAGS="$DEB_CPPFLAGS" \
  LDFLAGS="$DEB_LDFLAGS" ac_cv_lib_util_getloadavg=no CONFIGURE=../../configure \
  deb_configure --with-guile=no
make -j"$JOBS"
# The test suite (long: only when ports/build.sh runs the long ones, --suites).
if [ "$PORT_SUITE" = 1 ]; then
  . "$PORT_DIR/tests.sh"
  wasm_wrap make
  make check >check.log 2>&1 || true
  make_results check.log
  wasm_unwrap make
fi
make install DESTDIR="$PORT_STAGE"
