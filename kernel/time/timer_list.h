#pragma once
// Kernel timers (Linux's hrtimers, kernel/time/hrtimer.c): a timer armed for a moment on
// the monotonic clock runs its expire() on the timer service thread once that moment has
// passed. Every wall-time timer of the kernel is one: ITIMER_REAL, the POSIX timers on
// wall clocks, timerfds, and the probes that ask a process's threads for their CPU time
// (signal/timers.h). The timers are kept in deadline order, so the service sleeps until
// the first one and touches only those that are due (DESIGN §1: the service thread runs
// timers; it is started by the host the first time a timer is armed). Arming walks the
// list from its head: cheap for the tens of timers programs arm, linear past that.
#include "../base/list.h"
#include "../base/types.h"

namespace wasmux {

class KernelTimer {
public:
  KernelTimer() = default;
  virtual ~KernelTimer() { cancel(); }
  KernelTimer(const KernelTimer&) = delete;
  KernelTimer& operator=(const KernelTimer&) = delete;

  // Arms for `deadline` (monotonic ns; one already past fires at the service's next look),
  // replacing an earlier arming. The lock held.
  void arm(i64 deadline);
  void cancel() { m_node.unlink(); }
  bool armed() const { return m_node.linked(); }
  // When it fires (meaningful while armed).
  i64 deadline() const { return m_deadline; }
  ListNode m_node;

protected:
  friend i64 run_due_timers(i64 now);
  // Runs on the service thread with the lock held, the timer disarmed; it may arm itself
  // again, or arm and cancel other timers.
  virtual void expire(i64 now) = 0;

private:
  i64 m_deadline{-1};
};

// Runs every timer due by `now` in deadline order; returns the earliest deadline still
// armed (-1: none). The service's step; unit tests call it directly.
i64 run_due_timers(i64 now);

// The timer service's loop, on a kernel thread attached to init (the lock held). Never
// returns.
[[noreturn]] void run_timer_service();

} // namespace wasmux
