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

// Bytes of the kernel heap held as workers' stack and TLS regions (wasmux_kthread_alloc):
// they follow the host's pool, not what processes do (wasmux_heap_stat).
inline usize kthread_region_bytes = 0;

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

// What an export leaves in kernel memory for its caller to read once the lock is dropped
// (a table, argv): one buffer per kernel instance, reused by each call. It is freed with
// the instance's region (wasmux_kthread_free): a worker terminated because its thread was
// killed, or retired by the pool, must not leave its buffer in the kernel heap.
class Answer {
public:
  void clear() { m_bytes.clear(); }
  void put32(u32 v) {
    for (int i = 0; i < 4; ++i)
      m_bytes.append(static_cast<u8>(v >> (8 * i)));
  }
  void put_byte(u8 b) { m_bytes.append(b); }
  void set32(usize index, u32 v) { __builtin_memcpy(m_bytes.data() + 4 * index, &v, 4); }
  usize words() const { return m_bytes.size() / 4; }
  unsigned address() { return static_cast<unsigned>(reinterpret_cast<uintptr_t>(m_bytes.data())); }

private:
  Vector<u8> m_bytes;
};
// The calling instance's.
Answer& instance_answer();
// Frees the answers of the instances whose TLS lay in [base, base + size).
void free_instance_answers(uintptr_t base, usize size);

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
