#!/usr/bin/env bash
# sed, Debian's sed: debian/rules' configure arguments with the SDK's triple, then its own
# make check under wasmux (debian/rules runs it natively): the scripts' sed and helper
# programs wrapped, gnulib's compiled tests through run-wasm-or-host.
set -euo pipefail
CFLAGS="$DEB_CFLAGS" CPPFLAGS="$DEB_CPPFLAGS" LDFLAGS="$DEB_LDFLAGS" \
  deb_configure --exec-prefix=/ --with-packager=Debian --without-included-regex
make -j"$JOBS"
make -j"$JOBS" check TESTS= >/dev/null # the test programs, none run
wasm_wrap_dirs sed testsuite
make -j"$JOBS" check LOG_COMPILER="$WASMUX_ROOT/sdk/libexec/run-wasm-or-host" >check.log 2>&1 || true
automake_results testsuite
automake_results gnulib-tests
wasm_unwrap_dirs sed testsuite
make install DESTDIR="$PORT_STAGE"
