#!/usr/bin/env bash
# tar, Debian's tar: debian/rules' steps (fresh config.sub/guess, autoreconf, configure with
# its arguments and flags: large files, -Wall) with the SDK's triple, then its own test
# suite under wasmux (Autotest's tests/testsuite; debian/rules runs it natively, not as
# root: some tests check permissions that root bypasses, and the results say so).
set -euo pipefail
cp -f /usr/share/misc/config.sub build-aux/config.sub
cp -f /usr/share/misc/config.guess build-aux/config.guess
autoreconf --force -v --install
export DEB_BUILD_MAINT_OPTIONS=future=+lfs DEB_CFLAGS_MAINT_APPEND="-Wall"
CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)" CFLAGS="$(dpkg-buildflags --get CFLAGS)" \
  LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" RSH=/usr/bin/rsh ./configure --prefix=/usr \
  --libexecdir=/usr/sbin --enable-backup-scripts --with-lzma=xz --disable-silent-rules \
  --host="$HOST" --build="$BUILD"
make -j"$JOBS"
# The test suite (long: only when ports/build.sh runs the long ones, --suites).
if [ "$PORT_SUITE" = 1 ]; then
  make -k -j"$JOBS" check TESTSUITEFLAGS=--version >/dev/null # the test programs, none run
  wasm_wrap_dirs src tests
  make check TESTSUITEFLAGS=-j"$JOBS" >check.log 2>&1 || true
  autotest_results check.log
  wasm_unwrap_dirs src tests
fi
make install DESTDIR="$PORT_STAGE"
# Debian's tar: /bin/tar, rmt as /usr/sbin/rmt-tar.
mkdir -p "$PORT_STAGE/bin"
mv "$PORT_STAGE/usr/bin/tar" "$PORT_STAGE/bin/tar"
[ ! -e "$PORT_STAGE/usr/sbin/rmt" ] || mv "$PORT_STAGE/usr/sbin/rmt" "$PORT_STAGE/usr/sbin/rmt-tar"
