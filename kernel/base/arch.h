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
constexpr u32 all_waiters = 0xffffffffu;

// The longest a kernel sleep waits on its word before it looks at the word again. A wake-up
// is a store then a notify; the stress tests once saw a sleeper that was never woken though
// its word held the store (docs/reliability.md): the notify went elsewhere. Sleeping in
// slices bounds what such a lost notify costs; lost_wakeups() counts those that happened.
constexpr i64 wait_slice_ns = 1000000000;
// Sleeps while *word == expected, in slices of wait_slice_ns, at most timeout_ns (negative:
// no limit). A slice that ends with the word changed is a lost notify (counted).
WaitResult wait32_sliced(std::atomic<i32>* word, i32 expected, i64 timeout_ns);
u64 lost_wakeups();

// Makes the calling thread's view of the kernel memory as large as the memory is. V8 bounds
// checks memory.copy, memory.fill, atomics and memory.size against a size each thread's
// instance caches, and refreshes it when that thread grows the memory itself, not when
// another thread does: a memcpy into a heap block that another worker's memory.grow made
// traps as "memory access out of bounds" (plain loads and stores are fine: guard pages).
// Only the heap grows the kernel memory, always under the big lock, so the lock calls this
// on every acquisition; it costs a compare unless the memory grew. No-op natively.
void catch_up_with_memory_growth();

} // namespace wasmux::arch
