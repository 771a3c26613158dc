#include "thread.h"

#include "../base/arch.h"
#include "../base/verify.h"
#include "../entry/big_lock.h"
#include "../host/host_port.h"
#include "../signal/timers.h"
#include "process.h"

namespace wasmux {

namespace {
thread_local Thread* t_current = nullptr;
}

Thread* current_thread() { return t_current; }
void set_current_thread(Thread* thread) { t_current = thread; }

Thread::Thread(i32 tid, Process& process) : m_tid(tid), m_process(&process) {}

Thread::~Thread() { m_process_node.unlink(); }

ErrorOr Thread::block(i64 deadline_ns) { return wait_for_wake(deadline_ns, true); }

ErrorOr Thread::block_uninterruptible(i64 deadline_ns) { return wait_for_wake(deadline_ns, false); }

void Thread::update_cpu_sample() {
  VERIFY(current_thread() == this); // only a thread can measure its own CPU time
  m_cpu_sample = host().thread_cputime_ns() - m_cpu_at_start;
  // The kernel learns a process's CPU time when its threads tell it: a CPU-time interval
  // timer may be due now.
  if (m_process->has_cpu_timers()) check_cpu_timers(*m_process);
}

ErrorOr Thread::wait_for_wake(i64 deadline_ns, bool interruptible) {
  // Only the thread itself sleeps, with its waiters registered under the lock it drops.
  VERIFY(current_thread() == this);
  VERIFY_LOCKED();
  // Asleep, this thread uses no CPU: what it used so far is what others see of it.
  update_cpu_sample();
  // Nobody can wake us between the caller's registration and here: wakers hold the lock.
  // A signal that came earlier is seen here (Linux checks signal_pending before sleeping).
  if (interruptible && signal_pending()) return Errno::restart_sys;
  m_wake_word.store(0, std::memory_order_relaxed);
  bool timed_out = false;
  m_sleeping = true;
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
      arch::wait32_sliced(&m_wake_word, 0, timeout);
    }
  }
  m_sleeping = false;
  if (interruptible && signal_pending()) return Errno::restart_sys;
  if (timed_out && m_wake_word.load(std::memory_order_acquire) == 0) return Errno::etimedout;
  return {};
}

bool Thread::signal_pending() {
  Process& p = process();
  if (p.has_exited() || p.stopped() || m_exiting) return true;
  return ((m_pending.pending() | p.shared_pending().pending()) & (~m_blocked | m_sigwait_set)) != 0;
}

const char* Thread::run_state_name() const {
  switch (m_run_state.load(std::memory_order_relaxed)) {
  case run_user: return "user";
  case run_kernel: return "kernel";
  default: return "killed";
  }
}

bool Thread::enter_kernel() {
  i32 expected = run_user;
  return m_run_state.compare_exchange_strong(expected, run_kernel, std::memory_order_acquire);
}

void Thread::leave_kernel() { m_run_state.store(run_user, std::memory_order_release); }

bool Thread::mark_killed() {
  i32 expected = run_user;
  return m_run_state.compare_exchange_strong(expected, run_killed, std::memory_order_acq_rel);
}

// A thread in the kernel but awake may be on its way back to user code past its last check
// (syscall_entry after the lock, a fork's snapshot), where only the interrupt word reaches
// it. A sleeper rechecks on waking, and a spurious interrupt would cost it a message and
// one empty check.
void Thread::interrupt() {
  i32 state = m_run_state.load(std::memory_order_acquire);
  if (state == run_killed || (state == run_kernel && m_sleeping)) return;
  host().interrupt_thread(process().pid(), m_tid);
}

void Thread::set_temporary_mask(SigSet set) {
  if (!m_restore_mask) m_saved_mask = m_blocked;
  m_restore_mask = true;
  set_blocked(set);
}

SigSet Thread::take_mask_to_restore() {
  SigSet mask = m_restore_mask ? m_saved_mask : m_blocked;
  m_restore_mask = false;
  return mask;
}

void Thread::restore_temporary_mask() {
  if (!m_restore_mask) return;
  m_restore_mask = false;
  set_blocked(m_saved_mask);
}

void Thread::wake() {
  VERIFY_LOCKED(); // a waker holds the lock, or a sleeper could miss the wake-up
  m_wake_word.store(1, std::memory_order_release);
  // Every waiter: the thread is its word's only rightful one, and a notify for one only
  // may be taken by another (arch.h wait_slice_ns).
  arch::notify(&m_wake_word, arch::all_waiters);
}

} // namespace wasmux
