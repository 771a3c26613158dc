#pragma once
// What the kernel module's exports share (entry/exports_*.cpp): the export attribute, the
// guard of exports a process's worker calls between guest runs, and the one way their
// errors reach the host (-errno, as a system call's do: base/errno.h abi_error).
#if defined(__wasm__)
#include "../base/format.h"
#include "../base/heap.h"
#include "../entry/big_lock.h"
#include "../fd/file_description.h"
#include "../fs/hostfs/hostfs.h"
#include "../host/host_channels.h"
#include "../signal/signal.h"
#include "../signal/timers.h"
#include "../syscalls/program.h"
#include "../syscalls/syscall.h"
#include "../vfs/vfs.h"
#include "kernel.h"
#include "state_dump.h"

#define EXPORT(name) extern "C" __attribute__((export_name(#name)))

namespace wasmux::exports {

// What the exports return when the calling thread was killed while it ran user code: its
// worker is being terminated and must not touch the kernel again (DESIGN §4).
constexpr int thread_killed = -1000000;

// The exports a process's worker calls between guest runs (fork, exec) enter the kernel as
// a syscall does: only while the thread has not been killed. A raw pointer: reference
// counts change only under the lock, and this guard lives outside it. A thread already in
// the kernel state (between wasmux_fork and wasmux_fork_posted) is left in it.
class ThreadEntry {
public:
  ThreadEntry() : m_thread(current_thread()) {
    m_ok = !m_thread || m_thread->in_kernel() || (m_entered = m_thread->enter_kernel());
  }
  ~ThreadEntry() {
    if (m_entered) m_thread->leave_kernel();
  }
  bool ok() const { return m_ok; }

private:
  Thread* m_thread;
  bool m_ok;
  bool m_entered{false};
};

// An export's answer: -errno for an error, else 0 or the value.
inline int error_of(Errno e) { return static_cast<int>(abi_error(e)); }
template <typename T> int status_of(const Result<T>& r) { return r.is_error() ? error_of(r.error()) : 0; }

// count NUL-terminated strings from p, which ends past them.
inline Vector<String> unpack_strings(const char*& p, u32 count) {
  Vector<String> out;
  for (u32 i = 0; i < count; ++i) {
    std::string_view s(p);
    out.append(String(s));
    p += s.size() + 1;
  }
  return out;
}

} // namespace wasmux::exports
#endif
