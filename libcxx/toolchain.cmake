# CMake toolchain for building libc++, libc++abi and libunwind for wasmux guests
# (libcxx/build.sh passes it with -DWASMUX_SYSROOT=<build/sysroot>). The compile flags
# are wasmux-cc's target flags plus -fwasm-exceptions; the link flags let CMake's
# configure checks link real programs against our musl (the checks must see, e.g., that
# musl has no __cxa_thread_atexit_impl).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
if(NOT WASMUX_SYSROOT)
  message(FATAL_ERROR "libcxx/toolchain.cmake: pass -DWASMUX_SYSROOT=<sysroot>")
endif()
set(WASMUX_CLANG_SUFFIX "-22" CACHE STRING "suffix of the clang tools")
# Seen by the projects configure checks make, too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES WASMUX_SYSROOT WASMUX_CLANG_SUFFIX)

set(triple wasm32-unknown-unknown)
set(CMAKE_C_COMPILER "clang${WASMUX_CLANG_SUFFIX}")
set(CMAKE_CXX_COMPILER "clang++${WASMUX_CLANG_SUFFIX}")
set(CMAKE_ASM_COMPILER "clang${WASMUX_CLANG_SUFFIX}")
set(CMAKE_AR "llvm-ar${WASMUX_CLANG_SUFFIX}" CACHE FILEPATH "archiver")
set(CMAKE_RANLIB "llvm-ranlib${WASMUX_CLANG_SUFFIX}" CACHE FILEPATH "ranlib")
set(CMAKE_NM "llvm-nm${WASMUX_CLANG_SUFFIX}" CACHE FILEPATH "nm")
set(CMAKE_C_COMPILER_TARGET ${triple})
set(CMAKE_CXX_COMPILER_TARGET ${triple})
set(CMAKE_ASM_COMPILER_TARGET ${triple})
set(CMAKE_SYSROOT "${WASMUX_SYSROOT}")

# Shared memory (atomics, bulk memory) as in every wasmux program; wasm exception
# handling (legacy encoding, clang-22's default) for C++ exceptions.
# __linux__ and __unix__ as bin/wasmux-cc defines them for programs: the headers see the
# same system when libc++ is built and when it is used.
set(flags "-matomics -mbulk-memory -fwasm-exceptions -D__wasmux__ -D__linux__ -D__linux -D__unix__ -D__unix")
set(CMAKE_C_FLAGS_INIT "${flags}")
set(CMAKE_CXX_FLAGS_INIT "${flags}")
set(CMAKE_ASM_FLAGS_INIT "${flags}")
# Programs linked by configure checks: wasmux-cc's memory flags, libc and compiler-rt
# named explicitly (clang would look for builtins where Debian has none for this triple).
set(CMAKE_EXE_LINKER_FLAGS_INIT "--no-wasm-opt -nodefaultlibs -Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=1073741824")
set(CMAKE_C_STANDARD_LIBRARIES "-lc ${WASMUX_SYSROOT}/lib/libclang_rt.builtins.a" CACHE STRING "")
set(CMAKE_CXX_STANDARD_LIBRARIES "-lc ${WASMUX_SYSROOT}/lib/libclang_rt.builtins.a" CACHE STRING "")

set(CMAKE_FIND_ROOT_PATH "${WASMUX_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
