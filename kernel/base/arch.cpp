#include "arch.h"

#if defined(__wasm__)

namespace wasmux::arch {

WaitResult wait32(std::atomic<i32>* word, i32 expected, i64 timeout_ns) {
  int r = __builtin_wasm_memory_atomic_wait32(reinterpret_cast<int*>(word), expected, timeout_ns);
  return r == 0 ? WaitResult::woken : r == 1 ? WaitResult::value_changed : WaitResult::timed_out;
}

void notify(std::atomic<i32>* word, u32 count) {
  __builtin_wasm_memory_atomic_notify(reinterpret_cast<int*>(word), count);
}

} // namespace wasmux::arch

#else

#include <cerrno>
#include <ctime>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace wasmux::arch {

WaitResult wait32(std::atomic<i32>* word, i32 expected, i64 timeout_ns) {
  timespec ts{};
  if (timeout_ns >= 0) {
    ts.tv_sec = timeout_ns / 1000000000;
    ts.tv_nsec = timeout_ns % 1000000000;
  }
  long r = syscall(SYS_futex, reinterpret_cast<int*>(word), FUTEX_WAIT_PRIVATE, expected,
                   timeout_ns >= 0 ? &ts : nullptr, nullptr, 0);
  if (r == 0) return WaitResult::woken;
  if (errno == ETIMEDOUT) return WaitResult::timed_out;
  return WaitResult::value_changed; // EAGAIN, or EINTR treated as a spurious wake-up
}

void notify(std::atomic<i32>* word, u32 count) {
  syscall(SYS_futex, reinterpret_cast<int*>(word), FUTEX_WAKE_PRIVATE, count, nullptr, nullptr, 0);
}

void catch_up_with_memory_growth() {}

} // namespace wasmux::arch

#endif

namespace wasmux::arch {

namespace {
std::atomic<u64> g_lost_wakeups{0};
}

WaitResult wait32_sliced(std::atomic<i32>* word, i32 expected, i64 timeout_ns) {
  i64 left = timeout_ns;
  for (;;) {
    i64 slice = left >= 0 && left < wait_slice_ns ? left : wait_slice_ns;
    WaitResult r = wait32(word, expected, slice);
    if (r != WaitResult::timed_out) return r;
    if (word->load(std::memory_order_acquire) != expected) {
      g_lost_wakeups.fetch_add(1, std::memory_order_relaxed);
      return WaitResult::woken;
    }
    if (left >= 0) {
      left -= slice;
      if (left <= 0) return WaitResult::timed_out;
    }
  }
}

u64 lost_wakeups() { return g_lost_wakeups.load(std::memory_order_relaxed); }

} // namespace wasmux::arch
