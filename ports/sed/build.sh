#!/usr/bin/env bash
# sed, Debian's sed: debian/rules' configure arguments with the SDK's triple (but gnulib's
# regex, as Debian's grep chooses for a musl host: musl has no GNU regex API, re_search
# and the like, which --without-included-regex expects of the C library), then its own
# make check under wasmux (debian/rules runs it natively): the scripts' sed and helper
# programs wrapped, gnulib's compiled tests through run-wasm-or-host.
set -euo pipefail
CFLAGS="$DEB_CFLAGS" CPPFLAGS="$DEB_CPPFLAGS" LDFLAGS="$DEB_LDFLAGS" \
  deb_configure --exec-prefix=/ --with-packager=Debian --with-included-regex
make -j"$JOBS"
# The test suite (long: only when ports/build.sh runs the long ones, --suites).
if [ "$PORT_SUITE" = 1 ]; then
  make -k -j"$JOBS" check TESTS= >/dev/null # the test programs, none run
  wasm_wrap_dirs sed testsuite gnulib-tests
  make -k -j"$JOBS" check LOG_COMPILER="$WASMUX_ROOT/sdk/libexec/run-wasm-or-host" >check.log 2>&1 || true
  automake_results testsuite
  automake_results gnulib-tests
  wasm_unwrap_dirs sed testsuite gnulib-tests
fi
make install DESTDIR="$PORT_STAGE"
