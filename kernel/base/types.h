#pragma once
// Fixed-width names used throughout the kernel.
#include <cstddef>
#include <cstdint>

namespace wasmux {
using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using i8 = int8_t;
using i16 = int16_t;
using i32 = int32_t;
using i64 = int64_t;
using usize = size_t;

// A user-space address in the calling process's memory (wasm32: 32 bits).
using UserAddr = u32;

template <typename T>
constexpr T min(T a, T b) { return a < b ? a : b; }
template <typename T>
constexpr T max(T a, T b) { return a < b ? b : a; }
template <typename T>
constexpr T round_up(T v, T to) { return (v + to - 1) / to * to; }
} // namespace wasmux
