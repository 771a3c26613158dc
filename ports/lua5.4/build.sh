#!/usr/bin/env bash
# Lua 5.4, Debian's lua5.4 and liblua5.4-dev: debian/rules' steps (a libtool made from
# debian/configure.ac, the Makefile's linux-readline target through it) with the SDK's
# compilers. The static readline needs its terminal library named (-ltinfo after its
# -lpthread in MYLIBS), which Debian's shared libreadline brings along itself.
set -euo pipefail
mkdir debian/libtool
cp debian/configure.ac debian/libtool/
(cd debian/libtool && LIBTOOLIZE='libtoolize -i' autoreconf -f -i && deb_configure)
multiarch=src/lua5.4-deb-multiarch.h
printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "%s"\n#endif\n' "$HOST" >"$multiarch"
# Not parallel, as debian/rules runs it: two targets would make liblua5.4.la at once.
make linux-readline MYLIBS="-lpthread -ltinfo" LIBTOOL="$PWD/debian/libtool/libtool" CC="$HOST-gcc -std=gnu99" CXX="$HOST-g++"
# Lua's own test suite is not in Debian's source package; the port's checks are in
# tests/ports (scripts/test.sh).
# The manual pages as debian/rules renames them.
sed 's/TH LUA 1/TH LUA5.4 1/' doc/lua.1 >doc/lua5.4.1
sed 's/TH LUAC 1/TH LUAC5.4 1/' doc/luac.1 >doc/luac5.4.1
make install LIBTOOL="$PWD/debian/libtool/libtool" INSTALL_TOP="$PORT_STAGE/usr" DEB_HOST_MULTIARCH=
mkdir -p "$PORT_STAGE/usr/include/$HOST"
cp "$multiarch" "$PORT_STAGE/usr/include/$HOST/"
# pkg-config file as debian/rules writes it.
mkdir -p "$PORT_STAGE/usr/lib/pkgconfig"
version="5.4.$(grep 'define LUA_VERSION_RELEASE\b' src/lua.h | cut -d '"' -f 2)"
{ echo "prefix=/usr"; echo "major_version=5.4"; echo "version=$version"; echo "lib_name_include=lua5.4"
  echo "deb_host_multiarch="; cat debian/lua.pc.in; } >"$PORT_STAGE/usr/lib/pkgconfig/lua5.4.pc"
ln -s lua5.4.pc "$PORT_STAGE/usr/lib/pkgconfig/lua-5.4.pc"
ln -s lua5.4.pc "$PORT_STAGE/usr/lib/pkgconfig/lua54.pc"
# The command names Debian's alternatives give it.
ln -s lua5.4 "$PORT_STAGE/usr/bin/lua"
ln -s luac5.4 "$PORT_STAGE/usr/bin/luac"
