#!/usr/bin/env bash
# grep, Debian's grep: debian/rules' flags (-O3, -z defs) and configure arguments (the
# included regex, as debian/rules chooses for a musl host; without PCRE, which is not
# ported) with the SDK's triple, then its own make check under wasmux (debian/rules runs
# it natively): the scripts' grep and helper programs wrapped, gnulib's compiled tests
# through run-wasm-or-host (its own tests are scripts run by $(SHELL)).
set -euo pipefail
# debian/rules' steps: CDBS's autoreconf (a Debian patch edits src/Makefile.am) without
# autopoint, autoheader and libtoolize, as its exports say; a test script made executable.
AUTOPOINT=true AUTOHEADER=true LIBTOOLIZE=true autoreconf -f -i
chmod +x tests/proc
cp -f /usr/share/misc/config.sub build-aux/config.sub
cp -f /usr/share/misc/config.guess build-aux/config.guess
CFLAGS="$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS) -O3" \
  LDFLAGS="$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS) -Wl,-z,defs" \
  CPPFLAGS="-DHAVE_DYNAMIC_LIBPCRE $(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS)" \
  LIBS="-Wl,--no-as-needed -ldl -Wl,--as-needed" \
  deb_configure --with-included-regex --exec-prefix=/ --disable-perl-regexp
make -j"$JOBS"
# The test suite (long: only when ports/build.sh runs the long ones, --suites).
if [ "$PORT_SUITE" = 1 ]; then
  gnulib_suites tests src
fi
make install DESTDIR="$PORT_STAGE"
