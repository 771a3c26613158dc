#!/usr/bin/env bash
# readline, Debian's readline (libreadline-dev): debian/rules' configure line (its flags with
# ncursesw's headers, fresh config.sub/guess) with the SDK's triple, and its make with
# tinfo as the terminal library. Static libraries only: support/shobj-conf knows no shared
# objects for this host. debian/rules runs no test suite (readline has none); bash's and
# Python's use of it are its tests here.
set -euo pipefail
cp -p /usr/share/misc/config.sub /usr/share/misc/config.guess support/
chmod +x configure
CFLAGS="$DEB_CFLAGS -I$WASMUX_ROOT/build/sysroot/usr/include/ncursesw" CPPFLAGS="$DEB_CPPFLAGS" \
  ./configure --prefix=/usr --host="$HOST" --build="$BUILD" --libdir='${prefix}/lib'
make -j"$JOBS" CFLAGS="$DEB_CFLAGS -I$WASMUX_ROOT/build/sysroot/usr/include/ncursesw" CPPFLAGS="$DEB_CPPFLAGS" \
  SHLIB_LIBS=-ltinfo
make install DESTDIR="$PORT_STAGE" CPPFLAGS="$DEB_CPPFLAGS -D_REENTRANT" SHLIB_LIBS=-ltinfo \
  mandir=/usr/share/man infodir=/usr/share/info
# Debian's cross builds (the cross profile) leave out rlfe, as here (it needs ptys).
# A program linked with the libraries, as a check that they are whole: examples/rl.
make -C examples rl LDFLAGS="$DEB_LDFLAGS" TERMCAP_LIB=-ltinfo
