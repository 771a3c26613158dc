// setitimer, getitimer (alarm(3) is setitimer(ITIMER_REAL) in musl). Values travel as four
// 32-bit longs: musl converts its 64-bit timevals because time_t is wider than long.
// ITIMER_REAL counts wall time; ITIMER_VIRTUAL and ITIMER_PROF the process's CPU time (all
// of it counts as user time here, so the two count alike: signal/timers.h).
#include "../signal/timers.h"
#include "syscall.h"

namespace wasmux {

namespace {

constexpr i64 ns_per_us = 1000;
constexpr i64 ns_per_s = 1000000000;

// The time left and the interval; left 0 means disarmed.
struct TimerState {
  i64 left;
  i64 interval;
};

Result<TimerState> timer_state(Process& p, i32 which) {
  switch (which) {
  case abi::itimer_real: {
    RealTimer& t = p.real_timer();
    if (!t.armed()) return TimerState{0, 0};
    return TimerState{t.deadline() - host().monotonic_ns(), t.interval()};
  }
  case abi::itimer_virtual:
  case abi::itimer_prof: {
    i32 index = which == abi::itimer_virtual ? 0 : 1;
    return TimerState{cpu_timer_left(p, index), p.cpu_timer(index).interval};
  }
  default: return Errno::einval;
  }
}

abi::Itimerval32 to_itimerval(TimerState s) {
  abi::Itimerval32 v{};
  if (s.left == 0 && s.interval == 0) return v;
  // getitimer(2): a timer about to fire reads as armed (1 µs), never as disarmed.
  i64 left = s.left == 0 ? 0 : max<i64>(s.left, ns_per_us);
  v.interval_sec = static_cast<i32>(s.interval / ns_per_s);
  v.interval_usec = static_cast<i32>(s.interval % ns_per_s / ns_per_us);
  v.value_sec = static_cast<i32>(left / ns_per_s);
  v.value_usec = static_cast<i32>(left % ns_per_s / ns_per_us);
  return v;
}

} // namespace

SyscallResult sys_getitimer(const SyscallArgs& a) {
  TimerState s = TRY(timer_state(current_process(), a.i32_(0)));
  TRY(copy_out(a.ptr(1), to_itimerval(s)));
  return 0;
}

SyscallResult sys_setitimer(const SyscallArgs& a) {
  Process& p = current_process();
  i32 which = a.i32_(0);
  TimerState old = TRY(timer_state(p, which));
  abi::Itimerval32 v{};
  if (a.ptr(1)) v = TRY(copy_in<abi::Itimerval32>(a.ptr(1)));
  if (v.value_usec < 0 || v.value_usec >= 1000000 || v.interval_usec < 0 || v.interval_usec >= 1000000 ||
      v.value_sec < 0 || v.interval_sec < 0)
    return Errno::einval;
  i64 value = v.value_sec * ns_per_s + v.value_usec * ns_per_us;
  i64 interval = v.interval_sec * ns_per_s + v.interval_usec * ns_per_us;
  if (which == abi::itimer_real)
    p.real_timer().set(value ? host().monotonic_ns() + value : -1, interval);
  else
    arm_cpu_timer(p, which == abi::itimer_virtual ? 0 : 1, value, interval);
  if (a.ptr(2)) TRY(copy_out(a.ptr(2), to_itimerval(old)));
  return 0;
}

} // namespace wasmux
