#include "timers.h"

#include "../host/host_port.h"
#include "../proc/process.h"
#include "../time/clocks.h"
#include "signal.h"

namespace wasmux {

namespace {

// An interval timer's next expiry after one at deadline (-1: a one-shot timer is done). It
// reloads from its last expiry, not from now, so it does not drift; expiries missed
// meanwhile are one signal, as a standard signal coalesces.
i64 reloaded(i64 deadline, i64 interval, i64 now) {
  if (interval <= 0) return -1;
  deadline += interval;
  return deadline <= now ? now + interval : deadline;
}

// Linux kernel/time/itimer.c: SIGVTALRM for ITIMER_VIRTUAL, SIGPROF for ITIMER_PROF.
constexpr i32 cpu_timer_signal[2] = {abi::sigvtalrm, abi::sigprof};

// The earliest wall-clock moment at which one of p's CPU timers could be due: each of its
// threads adds at most one nanosecond of CPU time per nanosecond (-1: none armed).
i64 earliest_cpu_expiry(Process& p, i64 now) {
  i64 left = -1;
  for (i32 i = 0; i < 2; ++i) {
    i64 l = cpu_timer_left(p, i);
    if (l > 0 && (left < 0 || l < left)) left = l;
  }
  p.posix_timers().for_each([&](PosixTimer& t) {
    if (t.deadline < 0 || !measures_cpu(t.clock)) return;
    i64 clock_now = posix_timer_now(t);
    if (clock_now < 0) return;
    i64 l = max<i64>(t.deadline - clock_now, 1);
    if (left < 0 || l < left) left = l;
  });
  if (left < 0) return -1;
  i64 threads = 0;
  p.for_each_thread([&](Thread&) { ++threads; });
  return now + max<i64>(left / max<i64>(threads, 1), 1000);
}

} // namespace

void RealTimer::set(i64 deadline, i64 interval) {
  m_interval = deadline >= 0 ? interval : 0;
  if (deadline >= 0)
    arm(deadline);
  else
    cancel();
}

void RealTimer::expire(i64 now) {
  if (m_process.has_exited()) return;
  i64 next = reloaded(deadline(), m_interval, now);
  if (next >= 0) arm(next);
  // Linux it_real_fn sends SIGALRM as the kernel does (SI_KERNEL).
  send_signal(m_process, make_siginfo(abi::sigalrm, abi::si_kernel));
}

void CpuTimersProbe::plan(i64 now) {
  i64 due = earliest_cpu_expiry(m_process, now);
  if (due < 0) return cancel();
  if (!armed() || due < deadline()) arm(due);
}

void CpuTimersProbe::expire(i64 now) {
  Process& p = m_process;
  if (p.has_exited() || !p.has_cpu_timers()) return;
  check_cpu_timers(p);
  // A thread asleep in the kernel told its CPU time when it blocked; those in user code
  // are asked (their interrupt check reports it, and check_cpu_timers runs then).
  p.for_each_thread([](Thread& t) {
    if (!t.in_kernel()) t.interrupt();
  });
  if (p.has_cpu_timers()) plan(now);
}

void timers_changed(Process& p) {
  p.cpu_timers_probe().cancel(); // the next expiry may be later as well as earlier
  p.cpu_timers_probe().plan(host().monotonic_ns());
}

void arm_cpu_timer(Process& p, i32 index, i64 value, i64 interval) {
  Process::CpuTimer& t = p.cpu_timer(index);
  t.deadline = value > 0 ? process_cpu_ns(p) + value : -1;
  t.interval = value > 0 ? interval : 0;
  timers_changed(p);
}

i64 cpu_timer_left(Process& p, i32 index) {
  Process::CpuTimer& t = p.cpu_timer(index);
  if (t.deadline < 0) return 0;
  return max<i64>(t.deadline - process_cpu_ns(p), 1);
}

void check_cpu_timers(Process& p) {
  if (p.has_exited()) return;
  i64 now = process_cpu_ns(p);
  bool fired = false;
  for (i32 i = 0; i < 2; ++i) {
    Process::CpuTimer& t = p.cpu_timer(i);
    if (t.deadline < 0 || now < t.deadline) continue;
    t.deadline = reloaded(t.deadline, t.interval, now);
    send_signal(p, make_siginfo(cpu_timer_signal[i], abi::si_kernel));
    fired = true;
  }
  p.posix_timers().for_each([&](PosixTimer& t) {
    if (t.deadline < 0 || !measures_cpu(t.clock)) return;
    i64 clock_now = posix_timer_now(t);
    if (clock_now < 0 || clock_now < t.deadline) return;
    fire_posix_timer(p, t, clock_now);
    fired = true;
  });
  // The next expiry moved: the probe plans anew.
  if (fired && !p.has_exited()) timers_changed(p);
}

} // namespace wasmux
