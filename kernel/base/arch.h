#pragma once
// The two primitives blocking is built from: wait while a 32-bit word holds a value, and
// wake its waiters. wasm: memory.atomic.wait32/notify on kernel memory. Native: futex(2).
#include <atomic>

#include "types.h"

namespace wasmux::arch {

enum class WaitResult { woken, value_changed, timed_out };

// Sleeps while *word == expected, at most timeout_ns (negative: no limit).
WaitResult wait32(std::atomic<i32>* word, i32 expected, i64 timeout_ns);
// Wakes up to count waiters of word.
void notify(std::atomic<i32>* word, u32 count);

} // namespace wasmux::arch
