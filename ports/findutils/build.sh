#!/usr/bin/env bash
# findutils, Debian's findutils: debian/rules' flags (hardening, -Wall) and configure
# arguments with the SDK's triple, then its own make check under wasmux (debian/rules runs
# it natively): the shell tests and the DejaGnu suites of find and xargs (runtest) run the
# built programs wrapped, gnulib's compiled tests through run-wasm-or-host.
set -euo pipefail
autoreconf -f -i # dh_autoreconf (debhelper compat 13): configure.ac and Makefile.am are newer
export DEB_BUILD_MAINT_OPTIONS=hardening=+all DEB_CFLAGS_MAINT_APPEND=-Wall
export RUN_VERY_EXPENSIVE_TESTS=yes RUN_EXPENSIVE_TESTS=yes
CFLAGS="$(dpkg-buildflags --get CFLAGS)" CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)" \
  LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
  deb_configure --localstatedir=/var/cache/locate --enable-d_type-optimisation
make -j"$JOBS"
# The test suite (long: only when ports/build.sh runs the long ones, --suites).
if [ "$PORT_SUITE" = 1 ]; then
  make -k -j"$JOBS" check TESTS= RUNTESTFLAGS=--version >/dev/null 2>&1 || true # the test programs
  wasm_wrap_dirs find xargs locate tests gnulib-tests
  make -k -j"$JOBS" check LOG_COMPILER="$WASMUX_ROOT/sdk/libexec/run-wasm-or-host" >check.log 2>&1 || true
  automake_results tests
  automake_results gnulib-tests
  . "$PORT_DIR/tests.sh"
  dejagnu_results find/testsuite/find.sum xargs/testsuite/xargs.sum
  wasm_unwrap_dirs find xargs locate tests gnulib-tests
fi
make install DESTDIR="$PORT_STAGE"
# debian/rules: updatedb and locate are named *.findutils (the locate package has its own).
for p in updatedb locate; do mv "$PORT_STAGE/usr/bin/$p" "$PORT_STAGE/usr/bin/$p.findutils"; done
