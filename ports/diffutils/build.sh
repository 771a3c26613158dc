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
  make -k -j"$JOBS" check TESTS= >/dev/null # the test programs, none run
  wasm_wrap_dirs src tests gnulib-tests
  make -k -j"$JOBS" -C tests check >check.log 2>&1 || true
  make -k -j"$JOBS" -C gnulib-tests check LOG_COMPILER="$WASMUX_ROOT/sdk/libexec/run-wasm-or-host" >>check.log 2>&1 || true
  automake_results tests
  automake_results gnulib-tests
  wasm_unwrap_dirs src tests gnulib-tests
fi
make install DESTDIR="$PORT_STAGE"
