#include "thread.h"

#include "../base/arch.h"
#include "../entry/big_lock.h"
#include "../host/host_port.h"
#include "process.h"

namespace wasmux {

namespace {
thread_local Thread* t_current = nullptr;
}

Thread* current_thread() { return t_current; }
void set_current_thread(Thread* thread) { t_current = thread; }

Thread::Thread(i32 tid, Process& process) : m_tid(tid), m_process(&process) {}

Thread::~Thread() { m_process_node.unlink(); }

ErrorOr Thread::block(i64 deadline_ns) {
  // Nobody can wake us between the caller's registration and here: wakers hold the lock.
  m_wake_word.store(0, std::memory_order_relaxed);
  bool timed_out = false;
  {
    Unlocked unlocked;
    while (m_wake_word.load(std::memory_order_acquire) == 0) {
      i64 timeout = -1;
      if (deadline_ns >= 0) {
        timeout = deadline_ns - host().monotonic_ns();
        if (timeout <= 0) {
          timed_out = true;
          break;
        }
      }
      arch::wait32(&m_wake_word, 0, timeout);
    }
  }
  if (timed_out && m_wake_word.load(std::memory_order_acquire) == 0) return Errno::etimedout;
  return {};
}

void Thread::wake() {
  m_wake_word.store(1, std::memory_order_release);
  arch::notify(&m_wake_word, 1);
}

} // namespace wasmux
