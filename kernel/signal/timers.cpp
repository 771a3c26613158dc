#include "timers.h"

#include "../host/host_port.h"
#include "../proc/process.h"
#include "../time/clocks.h"
#include "signal.h"

namespace wasmux {

namespace {

WaitQueue& timer_service_queue() {
  static WaitQueue* queue = new WaitQueue;
  return *queue;
}

bool g_service_requested = false;

void wake_service() {
  if (!g_service_requested) {
    g_service_requested = true;
    host().start_timer_service();
  }
  timer_service_queue().wake_all(); // it may need to wake earlier
}

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

void timers_changed(Process& p) {
  p.set_cpu_timers_probe(-1);
  wake_service();
}

void arm_real_timer(Process& p, i64 deadline, i64 interval) {
  p.set_real_timer(deadline, interval);
  if (deadline >= 0) wake_service();
}

void arm_cpu_timer(Process& p, i32 index, i64 value, i64 interval) {
  Process::CpuTimer& t = p.cpu_timer(index);
  t.deadline = value > 0 ? process_cpu_ns(p) + value : -1;
  t.interval = value > 0 ? interval : 0;
  if (value > 0) wake_service();
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
  if (fired && p.has_cpu_timers()) {
    p.set_cpu_timers_probe(-1); // the next expiry moved: the service plans anew
    timer_service_queue().wake_all();
  }
}

i64 fire_expired_timers(i64 now) {
  i64 next = -1;
  auto consider = [&](i64 at) {
    if (at >= 0 && (next < 0 || at < next)) next = at;
  };
  // Held by reference: a fatal signal sent here may take a process out of the table.
  Vector<RefPtr<Process>> live;
  ProcessTable::the().for_each([&](Process& p) {
    if (!p.has_exited()) live.append(RefPtr<Process>(&p));
  });
  for (auto& p : live) {
    i64 at = p->real_timer_deadline();
    if (at >= 0 && at <= now) {
      p->set_real_timer(reloaded(at, p->real_timer_interval(), now), p->real_timer_interval());
      // Linux it_real_fn sends SIGALRM as the kernel does (SI_KERNEL).
      send_signal(*p, make_siginfo(abi::sigalrm, abi::si_kernel));
    }
    consider(p->real_timer_deadline());
    // POSIX timers on wall-time clocks (their deadlines are on the monotonic clock).
    p->posix_timers().for_each([&](PosixTimer& t) {
      if (t.deadline < 0 || measures_cpu(t.clock) || p->has_exited()) return;
      if (t.deadline <= now) fire_posix_timer(*p, t, now);
      consider(t.deadline);
    });
    // CPU timers: at the earliest moment one could be due, the threads running user code
    // are asked for their CPU time (a thread asleep in the kernel told it when it blocked).
    if (!p->has_cpu_timers() || p->has_exited()) continue;
    check_cpu_timers(*p);
    i64 due = earliest_cpu_expiry(*p, now);
    if (due < 0) continue;
    // A probe already planned stays (other wake-ups of this service must not push it
    // later and later); one that is due goes out now.
    i64 probe = p->cpu_timers_probe();
    if (probe >= 0 && probe <= now) {
      p->for_each_thread([](Thread& t) {
        if (!t.in_kernel()) t.interrupt();
      });
      probe = -1;
    }
    if (probe < 0 || due < probe) probe = due;
    p->set_cpu_timers_probe(probe);
    consider(probe);
  }
  return next;
}

void run_timer_service() {
  Thread& self = *current_thread();
  for (;;) {
    i64 next = fire_expired_timers(host().monotonic_ns());
    ThreadWaiter w(self);
    timer_service_queue().add(w);
    (void)self.block_uninterruptible(next);
  }
}

} // namespace wasmux
