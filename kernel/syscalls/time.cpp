// clock_gettime, clock_getres, clock_settime, gettimeofday, nanosleep, clock_nanosleep,
// getrandom. The clocks themselves are in time/clocks.h.
#include "../time/clocks.h"
#include "syscall.h"

namespace wasmux {

namespace {

Result<i64> clock_now(i32 clock) { return clock_value(TRY(resolve_clock(clock))); }

abi::Timespec to_timespec(i64 ns) { return {ns / 1000000000, static_cast<i32>(ns % 1000000000), 0}; }

Result<i64> timespec_in(UserAddr addr) {
  auto ts = TRY(copy_in<abi::Timespec>(addr));
  if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return Errno::einval;
  if (ts.tv_sec > INT64_MAX / 1000000000 - 1) return INT64_MAX / 2;
  return ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// Sleeps on nothing but the deadline. A signal ends the sleep: the time left goes to rem
// (when given) and the call fails with EINTR once a handler has run (nanosleep(2)).
ErrorOr sleep_until_monotonic(i64 deadline, UserAddr rem) {
  while (host().monotonic_ns() < deadline) {
    auto r = current().block(deadline);
    if (r.is_error() && r.error() != Errno::etimedout) {
      if (rem) TRY(copy_out(rem, to_timespec(max<i64>(deadline - host().monotonic_ns(), 0))));
      return Errno::restart_nohand;
    }
  }
  return {};
}

} // namespace

SyscallResult sys_clock_gettime(const SyscallArgs& a) {
  i64 now = TRY(clock_now(a.i32_(0)));
  TRY(copy_out(a.ptr(1), to_timespec(now)));
  return 0;
}

SyscallResult sys_clock_getres(const SyscallArgs& a) {
  TRY(resolve_clock(a.i32_(0)));
  if (a.ptr(1)) TRY(copy_out(a.ptr(1), to_timespec(clock_resolution(a.i32_(0)))));
  return 0;
}

// clock_settime(2): only CLOCK_REALTIME can be set (EINVAL for the other constants; EPERM
// for the CPU clock ids of clock_getcpuclockid, as Linux posix_cpu_clock_set), by a
// privileged process (CAP_SYS_TIME); the value is checked first (do_sys_settimeofday64).
// The host's clock is not touched: the kernel keeps the difference.
SyscallResult sys_clock_settime(const SyscallArgs& a) {
  i32 clock = a.i32_(0);
  TRY(resolve_clock(clock));
  auto ts = TRY(copy_in<abi::Timespec>(a.ptr(1)));
  if (clock < 0) return Errno::eperm;
  if (clock != abi::clock_realtime) return Errno::einval;
  if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000 || ts.tv_sec > INT64_MAX / 1000000000 - 1)
    return Errno::einval;
  if (current_process().credentials().euid != 0) return Errno::eperm;
  set_realtime(ts.tv_sec * 1000000000 + ts.tv_nsec);
  return 0;
}

SyscallResult sys_gettimeofday(const SyscallArgs& a) {
  i64 now = realtime_now();
  if (a.ptr(0)) TRY(copy_out(a.ptr(0), abi::Timeval{now / 1000000000, (now % 1000000000) / 1000}));
  if (a.ptr(1)) TRY(copy_out(a.ptr(1), u64{0}));
  return 0;
}

SyscallResult sys_nanosleep(const SyscallArgs& a) {
  i64 duration = TRY(timespec_in(a.ptr(0)));
  TRY(sleep_until_monotonic(host().monotonic_ns() + duration, a.ptr(1)));
  return 0;
}

SyscallResult sys_clock_nanosleep(const SyscallArgs& a) {
  i32 clock = a.i32_(0);
  if (clock == abi::clock_thread_cputime_id) return Errno::einval;
  i64 now = TRY(clock_now(clock));
  i64 t = TRY(timespec_in(a.ptr(2)));
  i64 duration = (a.u32_(1) & abi::timer_abstime) ? t - now : t;
  // clock_nanosleep(2): rem is not written for an absolute sleep.
  bool absolute = a.u32_(1) & abi::timer_abstime;
  if (duration > 0) TRY(sleep_until_monotonic(host().monotonic_ns() + duration, absolute ? 0 : a.ptr(3)));
  return 0;
}

SyscallResult sys_getrandom(const SyscallArgs& a) {
  if (a.u32_(2) & ~static_cast<u32>(abi::grnd_nonblock | abi::grnd_random | 4 /* GRND_INSECURE */)) return Errno::einval;
  usize len = min<usize>(a.size(1), 33554431); // Linux caps one call at 32 MiB - 1
  u8 chunk[4096];
  for (usize done = 0; done < len;) {
    usize n = min(len - done, sizeof chunk);
    host().random_bytes(chunk, n);
    if ((a.user<u8>(0) + done).write_array(chunk, n).is_error()) return done ? static_cast<i64>(done) : Result<i64>(Errno::efault);
    done += n;
  }
  return static_cast<i64>(len);
}

} // namespace wasmux
