#!/usr/bin/env bash
# bash, Debian's bash: debian/rules' configure arguments and flags (hardening, -Wall) and
# make variables (TERMCAP_LIB=-ltinfo from the ncurses port, bash's own readline) with the
# SDK's triple, then its own test suite under wasmux (debian/rules skips it when
# cross-building; tests.sh).
set -euo pipefail
cp -f /usr/share/misc/config.sub support/config.sub
cp -f /usr/share/misc/config.guess support/config.guess
# configure's cross-compiling defaults that differ from what its test programs find when
# they run under wasmux (musl, the wasmux kernel; bash's aclocal.m4 names the checks):
export bash_cv_getcwd_malloc=yes      # musl's getcwd(NULL, 0) allocates
export bash_cv_printf_a_format=yes    # musl's printf has %a
export bash_cv_unusable_rtsigs=no     # SIGRTMIN..SIGRTMAX are distinct signals
export bash_cv_wexitstatus_offset=8   # Linux's wait status: the exit status in bits 8-15
export bash_cv_func_sigsetjmp=present # musl's sigsetjmp saves and restores the mask
export bash_cv_job_control_missing=present
export bash_cv_dev_fd=standard bash_cv_dev_stdin=present # /dev/fd -> /proc/self/fd
CFLAGS="$(DEB_BUILD_MAINT_OPTIONS=hardening=+all DEB_CFLAGS_MAINT_APPEND=-Wall dpkg-buildflags --get CFLAGS)"
CPPFLAGS="$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS)"
LDFLAGS="$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS)"
mkdir -p build-bash
cd build-bash
CC=$HOST-gcc CFLAGS="$CFLAGS" CPPFLAGS="$CPPFLAGS" LDFLAGS="$LDFLAGS" YACC="bison -y" \
  ../configure --enable-largefile --prefix=/usr --infodir=/usr/share/info \
  --mandir=/usr/share/man --without-bash-malloc --build "$BUILD" --host "$HOST"
# debian/rules refuses a bash without /dev/stdin.
grep -q '#define HAVE_DEV_STDIN 1' config.h || { echo "HAVE_DEV_STDIN not defined" >&2; exit 1; }
make -j"$JOBS" YACC="bison -y" TERMCAP_LIB=-ltinfo deb_builddir=build-bash/
# The test suite (long: only when ports/build.sh runs the long ones, --suites).
if [ "$PORT_SUITE" = 1 ]; then
  # The tests' helper programs run inside wasmux (bash runs them): built for it, not with
  # the build machine's compiler as the Makefile would (CC_FOR_BUILD), where `make tests`
  # puts them (tests/ of the build directory, first on PATH).
  make -j"$JOBS" recho zecho printenv xcase CC_FOR_BUILD="$HOST-gcc" CFLAGS_FOR_BUILD="$CFLAGS" \
    LDFLAGS_FOR_BUILD="$LDFLAGS"
  mkdir -p tests
  cp recho zecho printenv xcase tests/
  . "$PORT_DIR/tests.sh"
  (cd .. && bash_tests "$PWD/build-bash" wasmux-emulator "$PWD/build-bash/bash")
fi
make install YACC="bison -y" DESTDIR="$PORT_STAGE"
# debian/rules: bash in /bin, rbash beside it.
mkdir -p "$PORT_STAGE/bin"
mv "$PORT_STAGE/usr/bin/bash" "$PORT_STAGE/bin/bash"
ln -sf bash "$PORT_STAGE/bin/rbash"
