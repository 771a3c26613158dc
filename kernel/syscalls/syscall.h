#pragma once
// What every syscall handler sees: the raw arguments (each travelled as 64 bits; a handler
// truncates each to its declared width) and the calling thread.
#include <wasmux/abi.h>

#include "../base/result.h"
#include "../base/user_buffer.h"
#include "../proc/process.h"

namespace wasmux {

struct SyscallArgs {
  i64 a[6];
  i32 fd(int i) const { return static_cast<i32>(a[i]); }
  i32 i32_(int i) const { return static_cast<i32>(a[i]); }
  u32 u32_(int i) const { return static_cast<u32>(a[i]); }
  UserAddr ptr(int i) const { return static_cast<UserAddr>(a[i]); }
  // Argument i as a pointer to T in the caller's memory.
  template <typename T>
  UserPtr<T> user(int i) const {
    return UserPtr<T>(ptr(i));
  }
  usize size(int i) const { return static_cast<u32>(a[i]); }
  i64 i64_(int i) const { return a[i]; }
};

using SyscallResult = Result<i64>;

inline Thread& current() { return *current_thread(); }
inline Process& current_process() { return current_thread()->process(); }

// Declarations of every implemented handler, from the generated table.
#define WASMUX_SYSCALL_none(name)
#define WASMUX_SYSCALL_partial(name) SyscallResult sys_##name(const SyscallArgs&);
#define WASMUX_SYSCALL_full(name) SyscallResult sys_##name(const SyscallArgs&);
#define WASMUX_SYSCALL(nr, name, level, nargs, kinds, names) WASMUX_SYSCALL_##level(name)
#include <wasmux/syscall_table.inc>
#undef WASMUX_SYSCALL
#undef WASMUX_SYSCALL_none
#undef WASMUX_SYSCALL_partial
#undef WASMUX_SYSCALL_full

// Enters the kernel: takes the lock, dispatches, converts the result to -errno, and runs
// the signal exit path. must_stop: the calling thread's process has ended (exit_group, a
// fatal signal); its guest must not run again (the export traps).
i64 syscall_entry(u32 nr, const SyscallArgs& args, bool& must_stop);
// The same with the lock held and the thread in the kernel (tests and syscall_entry).
SyscallResult dispatch(Thread* t, u32 nr, const SyscallArgs& args);

// The name of system call nr ("?" when there is none).
const char* syscall_name(i32 nr);

class Formatter;
// The start of a trace line: "[pid] ", then the time when trace_times is on.
void trace_prefix(Formatter& f);

// Kernel-wide switches set at boot.
struct KernelConfig {
  bool trace_all{false};
  bool trace_unimplemented{false};
  bool trace_times{false};
  i64 boot_ns{0}; // monotonic clock at boot, for trace_times
  u32 cpus{1};    // the host's processors, for sched_getaffinity (nproc, sysconf)
};
KernelConfig& kernel_config();

// Waits until file is ready for events (the big lock held), or fails with EINTR later.
ErrorOr wait_for_readiness(class FileDescription& d, u32 events);
// One read or write at offset `at` (-1: the description's), waiting unless O_NONBLOCK;
// a write writes all unless interrupted (read_write.cpp).
Result<usize> do_read(class FileDescription& d, const IoBuffer& buf, i64 at);
Result<usize> do_write(class FileDescription& d, const IoBuffer& buf, i64 at);
// readv/writev on a socket: one message, as recvmsg/sendmsg (socket.cpp).
Result<i64> socket_vector_io(RefPtr<class FileDescription> d, UserAddr uiov, i32 count, bool write);
// The iovec array of readv, writev, sendmsg, recvmsg (EINVAL past IOV_MAX or 2 GiB).
Result<Vector<abi::Iovec>> copy_iovecs(UserAddr uiov, i32 count);

} // namespace wasmux
