#pragma once
// Process interval timers (setitimer(2)): ITIMER_REAL (alarm(2) too) on the monotonic
// clock, ITIMER_VIRTUAL and ITIMER_PROF on the process's CPU time. ITIMER_REAL is a kernel
// timer (time/timer_list.h) that sends SIGALRM.
//
// CPU time is measured by each thread itself (the host has no other way), when it blocks
// or enters the kernel at an interrupt check. A process cannot use more CPU time than its
// threads times the wall time, so a kernel timer (the process's CPU-timer probe) waits
// until the earliest moment a CPU timer could be due, then asks the process's threads in
// user code for their CPU time (their interrupt words); the check comes from them
// (check_cpu_timers). Nothing is polled.
#include "../base/types.h"
#include "../time/posix_timers.h"
#include "../time/timer_list.h"

namespace wasmux {

class Process;

// A process's ITIMER_REAL: SIGALRM at each expiry, reloaded from its last expiry (not from
// now, so it does not drift).
class RealTimer final : public KernelTimer {
public:
  explicit RealTimer(Process& p) : m_process(p) {}
  // Arms (deadline on the monotonic clock, ≥ 0) or disarms (-1).
  void set(i64 deadline, i64 interval);
  i64 interval() const { return m_interval; }

protected:
  void expire(i64 now) override;

private:
  Process& m_process;
  i64 m_interval{0};
};

// The moment a process's threads are next asked for their CPU time.
class CpuTimersProbe final : public KernelTimer {
public:
  explicit CpuTimersProbe(Process& p) : m_process(p) {}
  // Plans the probe for the earliest moment a CPU timer of the process could be due; a
  // probe already planned earlier stays (re-planning must not push it later and later).
  void plan(i64 now);

protected:
  void expire(i64 now) override;

private:
  Process& m_process;
};

// A CPU-time POSIX timer of p was armed or changed: the probe plans anew.
void timers_changed(Process& p);
// Arms (value > 0: CPU nanoseconds from now) or disarms (0) ITIMER_VIRTUAL (index 0) or
// ITIMER_PROF (1).
void arm_cpu_timer(Process& p, i32 index, i64 value, i64 interval);
// CPU nanoseconds until a CPU timer expires (0: disarmed; at least 1 while armed).
i64 cpu_timer_left(Process& p, i32 index);
// Sends SIGVTALRM / SIGPROF for the CPU timers of p that are due by the CPU time known now.
void check_cpu_timers(Process& p);

} // namespace wasmux
