#!/usr/bin/env bash
# libuv1, Debian's libuv1 and libuv1-dev: debian/rules builds it with CMake through
# debhelper (dh_auto_configure's cmake line, below) with the SDK's CMake toolchain. The
# shared library (target uv) has no wasm counterpart and CMake's Linux platform builds an
# explicit SHARED target whatever the toolchain says, so the static targets are built and
# installed (what libuv1-dev's libuv_a.a and headers hold). Then its own test runner (uv_run_tests_a, as debian/rules runs it: one test at a time,
# time limits doubled, from the source directory) under wasmux, one result per test.
set -euo pipefail
mkdir -p obj-wasm
cd obj-wasm
CFLAGS="$DEB_CFLAGS $DEB_CPPFLAGS" LDFLAGS="$DEB_LDFLAGS" cmake .. -G "Unix Makefiles" \
  -DCMAKE_TOOLCHAIN_FILE="$WASMUX_ROOT/sdk/wasmux.cmake" \
  -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=None -DCMAKE_INSTALL_SYSCONFDIR=/etc \
  -DCMAKE_INSTALL_LOCALSTATEDIR=/var -DCMAKE_EXPORT_NO_PACKAGE_REGISTRY=ON \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DFETCHCONTENT_FULLY_DISCONNECTED=ON \
  -DCMAKE_INSTALL_RUNSTATEDIR=/run -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON \
  -DCMAKE_VERBOSE_MAKEFILE=ON -DCMAKE_INSTALL_LIBDIR=lib
make -j"$JOBS" uv_a uv_run_tests_a
if [ "$PORT_SUITE" = 1 ]; then
  . "$PORT_DIR/tests.sh"
  # The suite refuses root ("cannot be run as root"), as Debian's build runs it as a user.
  (cd .. && libuv_as_user && UV_TEST_TIMEOUT_MULTIPLIER=2 WASMUX_NETWORK=none \
    libuv_suite wasmux-emulator "$PWD/obj-wasm/uv_run_tests_a.wasm")
fi
mkdir -p "$PORT_STAGE/usr/include/uv" "$PORT_STAGE/usr/lib/pkgconfig"
cp ../include/uv.h "$PORT_STAGE/usr/include/"
cp ../include/uv/*.h "$PORT_STAGE/usr/include/uv/"
cp libuv_a.a "$PORT_STAGE/usr/lib/"
ln -s libuv_a.a "$PORT_STAGE/usr/lib/libuv.a"
cp libuv-static.pc "$PORT_STAGE/usr/lib/pkgconfig/"
cp libuv-static.pc "$PORT_STAGE/usr/lib/pkgconfig/libuv.pc"
