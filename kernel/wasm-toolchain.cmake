# Cross-compiles the kernel to wasm32. Debian's wasm32 libc++ headers are found only with
# the wasm32-wasi spelling (TOOLCHAIN-NOTES); only header-only parts are used.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(CMAKE_CXX_COMPILER clang++-22)
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasi)
set(CMAKE_CXX_COMPILER_WORKS ON)
set(WASMUX_WASM ON)
