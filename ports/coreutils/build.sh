#!/usr/bin/env bash
# coreutils, Debian's coreutils: debian/rules' steps (dh with autoreconf, its syslog flags,
# configure with arch installed) with the SDK's triple, and its install's removals (kill
# and uptime come from procps, hostname from its own package). debian/rules runs no test
# suite ("tests fail a lot on the buildds"); ours is run with --suites.
set -euo pipefail
autoreconf -f -i
export DEB_CFLAGS_MAINT_APPEND="-DSYSLOG_SUCCESS -DSYSLOG_FAILURE -DSYSLOG_NON_ROOT"
CFLAGS="$(dpkg-buildflags --get CFLAGS)" CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)" \
  LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" deb_configure --enable-install-program=arch
make -j"$JOBS"
make install DESTDIR="$PORT_STAGE"
rm -f "$PORT_STAGE/usr/bin/kill" "$PORT_STAGE/usr/bin/hostname" "$PORT_STAGE/usr/bin/uptime"
mkdir -p "$PORT_STAGE/usr/sbin"
mv "$PORT_STAGE/usr/bin/chroot" "$PORT_STAGE/usr/sbin/chroot"
ln -s md5sum "$PORT_STAGE/usr/bin/md5sum.textutils"
