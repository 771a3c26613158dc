#include "clocks.h"

#include "../host/host_port.h"
#include "../proc/process.h"

namespace wasmux {

namespace {
i64 g_realtime_offset = 0;

// Linux include/linux/posix-timers.h: the CPU-clock encoding of clock ids.
constexpr i32 cpuclock_perthread = 4;
constexpr i32 cpuclock_which_mask = 3;
constexpr i32 cpuclock_max = 3; // PROF 0, VIRT 1, SCHED 2
constexpr i32 cpuclock_sched = 2;
} // namespace

i64 realtime_now() { return host().realtime_ns() + g_realtime_offset; }

void set_realtime(i64 ns) { g_realtime_offset = ns - host().realtime_ns(); }

i64 thread_cpu_ns(Thread& t) {
  if (&t == current_thread()) return host().thread_cputime_ns() - t.cpu_at_start();
  return t.cpu_sample();
}

i64 process_cpu_ns(Process& p) {
  i64 ns = p.cpu_ns();
  p.for_each_thread([&](Thread& t) { ns += thread_cpu_ns(t); });
  return ns;
}

Result<ClockRef> resolve_clock(i32 clock) {
  Thread* self = current_thread();
  if (clock >= 0) {
    switch (clock) {
    case abi::clock_realtime:
    case abi::clock_realtime_coarse: return ClockRef{ClockRef::Kind::realtime};
    case abi::clock_monotonic:
    case abi::clock_monotonic_raw:
    case abi::clock_monotonic_coarse:
    case abi::clock_boottime: return ClockRef{ClockRef::Kind::monotonic};
    case abi::clock_process_cputime_id:
      if (!self) return Errno::einval;
      return ClockRef{ClockRef::Kind::process_cpu, &self->process()};
    case abi::clock_thread_cputime_id:
      if (!self) return Errno::einval;
      return ClockRef{ClockRef::Kind::thread_cpu, nullptr, self};
    default: return Errno::einval;
    }
  }
  if ((clock & cpuclock_which_mask) >= cpuclock_max || !self) return Errno::einval;
  i32 pid = ~(clock >> 3);
  Process& own = self->process();
  if (clock & cpuclock_perthread) {
    // Linux posix-cpu-timers.c lookup_task: a thread of the caller's own thread group.
    if (pid == 0) return ClockRef{ClockRef::Kind::thread_cpu, nullptr, self};
    Thread* found = nullptr;
    own.for_each_thread([&](Thread& t) {
      if (t.tid() == pid) found = &t;
    });
    if (!found) return Errno::einval;
    return ClockRef{ClockRef::Kind::thread_cpu, nullptr, found};
  }
  // A process clock names a thread-group leader (its pid).
  if (pid == 0) return ClockRef{ClockRef::Kind::process_cpu, &own};
  Process* p = ProcessTable::the().find(pid);
  if (!p || p->has_exited()) return Errno::einval;
  return ClockRef{ClockRef::Kind::process_cpu, p};
}

i64 clock_value(const ClockRef& c) {
  switch (c.kind) {
  case ClockRef::Kind::realtime: return realtime_now();
  case ClockRef::Kind::monotonic: return host().monotonic_ns();
  case ClockRef::Kind::process_cpu: return process_cpu_ns(*c.process);
  case ClockRef::Kind::thread_cpu: return thread_cpu_ns(*c.thread);
  }
  return 0;
}

// Linux posix_cpu_clock_getres: 1 ns for the SCHED CPU clocks (and the two CPU-time
// constants, which are SCHED clocks), a tick for PROF and VIRT; hrtimers 1 ns.
i64 clock_resolution(i32 clock) {
  if (clock < 0 && (clock & cpuclock_which_mask) != cpuclock_sched) return 10000000;
  return 1;
}

Result<i64> timer_value_ns(const abi::Timespec& ts) {
  constexpr i64 ns_per_s = 1000000000;
  if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= ns_per_s) return Errno::einval;
  if (ts.tv_sec > INT64_MAX / 4 / ns_per_s) return INT64_MAX / 4;
  return ts.tv_sec * ns_per_s + ts.tv_nsec;
}

abi::Timespec timespec_of_ns(i64 ns) { return {ns / 1000000000, static_cast<i32>(ns % 1000000000), 0}; }

} // namespace wasmux
