#!/usr/bin/env bash
# gawk, Debian's gawk: debian/rules' configure argument (no rpath) with the SDK's triple,
# then its own make check under wasmux (debian/rules runs it natively): the tests' gawk
# wrapped (their shell commands and cmp run on the build machine).
set -euo pipefail
cp -f /usr/share/misc/config.sub build-aux/config.sub
cp -f /usr/share/misc/config.guess build-aux/config.guess
CFLAGS="$DEB_CFLAGS" CPPFLAGS="$DEB_CPPFLAGS" LDFLAGS="$DEB_LDFLAGS" deb_configure --disable-rpath
# debian/rules: the manuals are not rebuilt.
touch --date="Jan 01 2000" doc/gawktexi.in doc/sidebar.awk doc/gawk.texi doc/gawk.info \
  doc/gawkinet.texi doc/gawkinet.info doc/gawkworkflow.texi doc/gawkworkflow.info doc/pm-gawk.texi doc/pm-gawk.info
make -j"$JOBS"
# The test suite (long: only when ports/build.sh runs the long ones, --suites).
if [ "$PORT_SUITE" = 1 ]; then
  wasm_wrap gawk
  make check >check.log 2>&1 || true
  . "$PORT_DIR/tests.sh"
  gawk_results check.log
  wasm_unwrap gawk
fi
make install DESTDIR="$PORT_STAGE"
# debian/rules: no gawk-VERSION copies, awk comes from alternatives (here: a link).
rm -f "$PORT_STAGE"/usr/bin/*awk-* "$PORT_STAGE/usr/bin/awk"
ln -s gawk "$PORT_STAGE/usr/bin/awk"
rm -rf "$PORT_STAGE/usr/share/info"
