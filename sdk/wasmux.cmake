# CMake toolchain file for wasmux guests:
#   cmake -DCMAKE_TOOLCHAIN_FILE=<repo>/sdk/wasmux.cmake -S . -B build
# Programs come out as <name>.wasm, statically linked against the wasmux musl (and, for
# C++, the libc++ that libcxx/build.sh builds against it).

# Linux: the programs see Linux's system interface (musl, generic syscall numbers), so
# CMake's Linux conventions (UNIX, lib*.a, POSIX checks) are the right ones.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR wasm32)

get_filename_component(WASMUX_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(WASMUX_SYSROOT "${WASMUX_ROOT}/build/sysroot")

set(CMAKE_C_COMPILER "${WASMUX_ROOT}/bin/wasmux-cc")
set(CMAKE_CXX_COMPILER "${WASMUX_ROOT}/bin/wasmux-c++")
set(CMAKE_AR "${WASMUX_ROOT}/bin/wasmux-ar" CACHE FILEPATH "wasmux archiver")
set(CMAKE_RANLIB "${WASMUX_ROOT}/bin/wasmux-ranlib" CACHE FILEPATH "wasmux ranlib")
set(CMAKE_C_COMPILER_TARGET wasm32-unknown-unknown)

set(CMAKE_EXECUTABLE_SUFFIX_C ".wasm")
set(CMAKE_EXECUTABLE_SUFFIX_CXX ".wasm")
# Everything links statically; there is no dynamic loader.
set_property(GLOBAL PROPERTY TARGET_SUPPORTS_SHARED_LIBS FALSE)
set(BUILD_SHARED_LIBS OFF CACHE BOOL "wasmux has no shared libraries")

# Programs the build runs (try_run, add_test and ctest, custom commands) run under wasmux,
# with the host directories they name shown at their own paths (sdk/bin/wasmux-emulator).
set(CMAKE_CROSSCOMPILING_EMULATOR "${WASMUX_ROOT}/sdk/bin/wasmux-emulator")
# The SDK's pkg-config reads the sysroot's .pc files only.
set(PKG_CONFIG_EXECUTABLE "${WASMUX_ROOT}/sdk/bin/wasm32-unknown-linux-musl-pkg-config" CACHE FILEPATH "wasmux pkg-config")

# Look for headers and libraries in the sysroot only, for programs on the build machine.
set(CMAKE_SYSROOT "${WASMUX_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH "${WASMUX_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
