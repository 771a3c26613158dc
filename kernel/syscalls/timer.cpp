// timer_create, timer_settime, timer_gettime, timer_getoverrun, timer_delete (POSIX
// per-process timers, timer_create(2)); the timers are in time/posix_timers.h and run by
// the timer service (signal/timers.h).
#include "../signal/timers.h"
#include "../time/posix_timers.h"
#include "syscall.h"

namespace wasmux {

namespace {

Result<PosixTimer*> timer_of(i32 id) {
  PosixTimer* t = current_process().posix_timers().find(id);
  if (!t) return Errno::einval;
  return t;
}

abi::Itimerspec timer_value(const PosixTimer& t) {
  abi::Itimerspec v{};
  v.it_interval = timespec_of_ns(t.interval);
  if (t.deadline >= 0) {
    i64 now = posix_timer_now(t);
    // An armed timer reads as armed, however close its expiry (timer_gettime(2)).
    v.it_value = timespec_of_ns(now < 0 ? 1 : max<i64>(t.deadline - now, 1));
  }
  return v;
}

} // namespace

SyscallResult sys_timer_create(const SyscallArgs& a) {
  ClockRef clock = TRY(resolve_clock(a.i32_(0)));
  Process& p = current_process();
  PosixTimerSpec proto;
  proto.clock = clock.kind;
  if (clock.kind == ClockRef::Kind::process_cpu) proto.clock_owner = clock.process->pid();
  if (clock.kind == ClockRef::Kind::thread_cpu) proto.clock_owner = clock.thread->tid();
  // No sigevent: SIGALRM to the process, the value being the timer's id (timer_create(2)).
  bool default_event = !a.ptr(1);
  proto.notify = abi::sigev_signal;
  proto.signo = abi::sigalrm;
  if (!default_event) {
    auto ev = TRY(a.user<abi::KSigevent>(1).read());
    proto.notify = ev.sigev_notify;
    proto.signo = ev.sigev_signo;
    proto.value = ev.sigev_value;
    switch (ev.sigev_notify) {
    case abi::sigev_none: break;
    case abi::sigev_thread_id: {
      Thread* target = ProcessTable::the().find_thread(ev.sigev_tid);
      if (!target || &target->process() != &p) return Errno::einval;
      proto.target_tid = ev.sigev_tid;
      [[fallthrough]];
    }
    case abi::sigev_signal:
      if (!valid_signal(ev.sigev_signo)) return Errno::einval;
      break;
    default: return Errno::einval; // SIGEV_THREAD is the C library's (musl: SIGEV_THREAD_ID)
    }
  }
  i32 id = TRY(p.posix_timers().create(p, proto));
  if (default_event) p.posix_timers().find(id)->value = id;
  auto written = a.user<i32>(2).write(id);
  if (written.is_error()) {
    (void)p.posix_timers().remove(id);
    return written.error();
  }
  return 0;
}

SyscallResult sys_timer_settime(const SyscallArgs& a) {
  PosixTimer* t = TRY(timer_of(a.i32_(0)));
  u32 flags = a.u32_(1);
  if (flags & ~static_cast<u32>(abi::timer_abstime)) return Errno::einval;
  auto next = TRY(a.user<abi::Itimerspec>(2).read());
  i64 value = TRY(timer_value_ns(next.it_value));
  i64 interval = TRY(timer_value_ns(next.it_interval));
  abi::Itimerspec old = timer_value(*t);
  if (value == 0) {
    t->deadline = -1;
  } else {
    i64 now = posix_timer_now(*t);
    if (now < 0) return Errno::einval;
    if (!(flags & abi::timer_abstime))
      t->deadline = now + value;
    else if (t->clock == ClockRef::Kind::realtime)
      t->deadline = now + (value - realtime_now()); // on the monotonic clock from here
    else
      t->deadline = value;
    if (t->deadline <= now) t->deadline = now; // already due: it fires at once
  }
  t->interval = value ? interval : 0;
  t->overrun = t->overrun_next = 0;
  t->schedule();
  if (measures_cpu(t->clock)) timers_changed(current_process());
  if (a.ptr(3)) TRY(a.user<abi::Itimerspec>(3).write(old));
  return 0;
}

SyscallResult sys_timer_gettime(const SyscallArgs& a) {
  PosixTimer* t = TRY(timer_of(a.i32_(0)));
  TRY(a.user<abi::Itimerspec>(1).write(timer_value(*t)));
  return 0;
}

SyscallResult sys_timer_getoverrun(const SyscallArgs& a) {
  PosixTimer* t = TRY(timer_of(a.i32_(0)));
  return t->overrun;
}

SyscallResult sys_timer_delete(const SyscallArgs& a) {
  TRY(current_process().posix_timers().remove(a.i32_(0)));
  return 0;
}

} // namespace wasmux
