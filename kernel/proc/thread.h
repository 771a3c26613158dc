#pragma once
// A thread of a process. Each runs in its own worker and enters the kernel through its own
// kernel instance; it blocks on its wake word with memory.atomic.wait32 (DESIGN §1).
#include <atomic>

#include "../base/list.h"
#include "../base/refptr.h"
#include "../base/result.h"
#include "../base/vector.h"

namespace wasmux {

class Process;

class Thread : public RefCounted<Thread> {
public:
  Thread(i32 tid, Process& process);
  ~Thread();

  i32 tid() const { return m_tid; }
  Process& process() { return *m_process; }

  // Blocks the calling thread (the big lock held, its waiters registered) until woken or
  // until the monotonic clock reaches deadline_ns (negative: never). Drops the lock while
  // waiting and takes it back before returning. Returns Errno::etimedout on timeout.
  ErrorOr block(i64 deadline_ns);
  // Wakes this thread if it is blocked (the big lock held).
  void wake();

  // The worker's CPU clock when this thread started on it (workers are reused).
  i64 cpu_at_start() const { return m_cpu_at_start; }
  void set_cpu_at_start(i64 ns) { m_cpu_at_start = ns; }
  // execve: the new program image, waiting for the worker to replace the guest with it.
  void set_exec_image(Vector<u8> image) { m_exec_image = std::move(image); }
  Vector<u8>& exec_image() { return m_exec_image; }
  u32 kernel_region() const { return m_kernel_region; }
  void set_kernel_region(u32 base) { m_kernel_region = base; }
  ListNode m_process_node;

private:
  i32 m_tid;
  RefPtr<Process> m_process;
  std::atomic<i32> m_wake_word{0};
  u32 m_kernel_region{0};
  i64 m_cpu_at_start{0};
  Vector<u8> m_exec_image;
};

// The thread running in this kernel instance (nullptr on the boot or service instance).
Thread* current_thread();
void set_current_thread(Thread* thread);

} // namespace wasmux
