#!/usr/bin/env bash
# openssl, Debian's libssl-dev and openssl: debian/rules' static configuration (build_static:
# Configure no-shared with its CONFARGS) for a target of ours, debian-wasm32
# (wasmux-targets.conf), with the SDK as CROSS_COMPILE, as debian/rules cross-builds it.
# Built: libcrypto and libssl, and the openssl program; not the ~300 test programs that
# `make all` links nor the engines and providers as modules (no dlopen: the default and
# legacy providers are in libcrypto, as in every no-shared build). Its `make test` is not
# run yet (hours under wasmux).
set -euo pipefail
confargs=(--prefix=/usr --openssldir=/usr/lib/ssl --libdir=lib no-idea no-mdc2 no-rc5 no-zlib no-ssl3
  enable-unit-test no-ssl3-method enable-rfc3779 enable-cms no-capieng no-rdrand)
mkdir -p build_static
cd build_static
CROSS_COMPILE="$HOST-" CFLAGS="$DEB_CFLAGS" CPPFLAGS="$DEB_CPPFLAGS" LDFLAGS="$DEB_LDFLAGS" \
  ../Configure --config="$PORT_DIR/wasmux-targets.conf" no-shared "${confargs[@]}" debian-wasm32
perl configdata.pm -d | sed -n '/^Config target attributes/,/^Recorded environment/p' | head -40
make -j"$JOBS" build_libs
make -j"$JOBS" apps/openssl
make install_dev DESTDIR="$PORT_STAGE"
install -D -m 0755 apps/openssl "$PORT_STAGE/usr/bin/openssl"
# Debian keeps the configuration in /etc/ssl, with /usr/lib/ssl pointing at it.
install -D -m 0644 ../apps/openssl.cnf "$PORT_STAGE/etc/ssl/openssl.cnf"
mkdir -p "$PORT_STAGE/etc/ssl/certs" "$PORT_STAGE/etc/ssl/private" "$PORT_STAGE/usr/lib/ssl"
for f in certs openssl.cnf private; do ln -s "/etc/ssl/$f" "$PORT_STAGE/usr/lib/ssl/$f"; done
