// The syscall entry a guest's import is bound to, and the kernel's answers about itself
// (ABI version, whether a trap came from kernel code, the state dump, the heap).
// Every export takes the big lock itself (entry/exports.h).
#if defined(__wasm__)
#include "exports.h"

using namespace wasmux;
using namespace wasmux::exports;

EXPORT(wasmux_syscall)
long long wasmux_syscall(int nr, long long a1, long long a2, long long a3, long long a4, long long a5, long long a6) {
  SyscallArgs args{{a1, a2, a3, a4, a5, a6}};
  bool must_stop = false;
  i64 r = syscall_entry(static_cast<u32>(nr), args, must_stop);
  // The process ended (exit_group, a fatal signal): the guest must not run on. Every kernel
  // frame has unwound and the lock is free, so trapping here is safe; the worker resets
  // this instance's stack pointer and finishes the thread.
  if (must_stop) __builtin_trap();
  return r;
}

EXPORT(wasmux_abi_version) unsigned wasmux_abi_version() { return abi::abi_version; }

// After a trap: 1 when it came from kernel code on this instance (the lock is held here).
// The kernel's state may then be half-changed and the lock is never released: a kernel
// panic, which the host must report rather than wait on forever.
EXPORT(wasmux_trapped_in_kernel) int wasmux_trapped_in_kernel() { return big_lock().held_by_caller(); }

// The kernel's processes and threads, on the host's log (bin/wasmux: on SIGUSR2).
EXPORT(wasmux_dump_state) void wasmux_dump_state() { dump_kernel_state(); }

// The kernel heap (kernel/base/heap.h): bytes in use, or (which = 1) taken from memory.
// 0: bytes in use, 1: bytes taken from the kernel memory, 2: of those in use, the worker
// regions (one per worker: wasmux_kthread_alloc), which come and go with the pool.
EXPORT(wasmux_heap_stat) unsigned wasmux_heap_stat(int which) {
  LockGuard lock;
  if (which == 2) return static_cast<unsigned>(kthread_region_bytes);
  return static_cast<unsigned>(which == 1 ? kernel_heap_size() : kernel_heap_in_use());
}
#endif
