// setitimer, getitimer (alarm(3) is setitimer(ITIMER_REAL) in musl). Values travel as four
// 32-bit longs: musl converts its 64-bit timevals because time_t is wider than long.
#include "../signal/timers.h"
#include "syscall.h"

namespace wasmux {

namespace {

constexpr i64 ns_per_us = 1000;
constexpr i64 ns_per_s = 1000000000;

abi::Itimerval32 current_value(Process& p) {
  abi::Itimerval32 v{};
  i64 at = p.real_timer_deadline();
  if (at < 0) return v;
  i64 left = at - host().monotonic_ns();
  // getitimer(2): a timer about to fire reads as armed (1 µs), never as disarmed.
  if (left < ns_per_us) left = ns_per_us;
  i64 interval = p.real_timer_interval();
  v.interval_sec = static_cast<i32>(interval / ns_per_s);
  v.interval_usec = static_cast<i32>(interval % ns_per_s / ns_per_us);
  v.value_sec = static_cast<i32>(left / ns_per_s);
  v.value_usec = static_cast<i32>(left % ns_per_s / ns_per_us);
  return v;
}

// ITIMER_VIRTUAL and ITIMER_PROF count CPU time, which the kernel only learns at kernel
// entries; they are not offered (EINVAL) rather than offered wrong.
ErrorOr check_which(i32 which) {
  if (which == abi::itimer_real) return {};
  return Errno::einval;
}

} // namespace

SyscallResult sys_getitimer(const SyscallArgs& a) {
  TRY(check_which(a.i32_(0)));
  TRY(copy_out(a.ptr(1), current_value(current_process())));
  return 0;
}

SyscallResult sys_setitimer(const SyscallArgs& a) {
  TRY(check_which(a.i32_(0)));
  Process& p = current_process();
  abi::Itimerval32 v{};
  if (a.ptr(1)) v = TRY(copy_in<abi::Itimerval32>(a.ptr(1)));
  if (v.value_usec < 0 || v.value_usec >= 1000000 || v.interval_usec < 0 || v.interval_usec >= 1000000 ||
      v.value_sec < 0 || v.interval_sec < 0)
    return Errno::einval;
  abi::Itimerval32 old = current_value(p);
  i64 value = v.value_sec * ns_per_s + v.value_usec * ns_per_us;
  i64 interval = v.interval_sec * ns_per_s + v.interval_usec * ns_per_us;
  arm_real_timer(p, value ? host().monotonic_ns() + value : -1, interval);
  if (a.ptr(2)) TRY(copy_out(a.ptr(2), old));
  return 0;
}

} // namespace wasmux
