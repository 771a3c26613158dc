// sched_yield, sched_getaffinity, sched_setaffinity, sched_setscheduler, sched_getscheduler,
// sched_setparam, sched_getparam, sched_get_priority_max/min, sched_rr_get_interval.
// Policies and priorities are kept per thread with Linux's ranges and permission rules
// (sched(7)); the host's scheduler runs every worker alike, so they order nothing.
#include "syscall.h"

namespace wasmux {

SyscallResult sys_sched_yield(const SyscallArgs&) { return 0; }

namespace {

ErrorOr check_affinity_target(i32 pid) {
  if (pid < 0) return Errno::esrch;
  if (pid != 0 && !ProcessTable::the().find_thread(pid)) return Errno::esrch;
  return {};
}

bool is_realtime(i32 policy) { return policy == abi::sched_fifo || policy == abi::sched_rr; }

// sched_get_priority_max(2): 1..99 for the real-time policies, 0 for the others; EINVAL
// for an unknown policy (SCHED_DEADLINE has no priority: 0).
Result<i32> priority_range(i32 policy, bool max) {
  switch (policy) {
  case abi::sched_fifo:
  case abi::sched_rr: return max ? 99 : 1;
  case abi::sched_other:
  case abi::sched_batch:
  case abi::sched_idle:
  case abi::sched_deadline: return 0;
  default: return Errno::einval;
  }
}

// The thread a pid argument names: 0 is the caller; a negative one is EINVAL, an unknown
// one ESRCH (kernel/sched/syscalls.c find_process_by_pid and its callers).
Result<Thread*> target_thread(i32 pid) {
  if (pid < 0) return Errno::einval;
  if (pid == 0) return &current();
  Thread* t = ProcessTable::the().find_thread(pid);
  if (!t) return Errno::esrch;
  return t;
}

// kernel/sched/core.c __sched_setscheduler: the policy and priority must go together; an
// unprivileged caller may change only its own user's threads, may not raise a real-time
// priority (RLIMIT_RTPRIO is 0) and may not leave SCHED_IDLE.
ErrorOr set_scheduler(Thread& t, i32 policy, bool keep_policy, UserAddr uparam) {
  if (!uparam) return Errno::einval;
  auto param = TRY(copy_in<abi::SchedParam>(uparam));
  bool reset_on_fork = t.sched_reset_on_fork();
  if (keep_policy) {
    policy = t.sched_policy();
  } else {
    reset_on_fork = policy & abi::sched_reset_on_fork;
    policy &= ~static_cast<i32>(abi::sched_reset_on_fork);
    if (policy == abi::sched_deadline) return Errno::einval; // only through sched_setattr
  }
  i32 prio_max = TRY(priority_range(policy, true));
  i32 prio_min = TRY(priority_range(policy, false));
  if (param.sched_priority < prio_min || param.sched_priority > prio_max) return Errno::einval;
  Credentials& self = current_process().credentials();
  if (self.euid != 0) {
    Credentials& owner = t.process().credentials();
    if (self.euid != owner.uid && self.euid != owner.euid) return Errno::eperm;
    if (is_realtime(policy) && (!is_realtime(t.sched_policy()) || param.sched_priority > t.sched_priority()))
      return Errno::eperm;
    if (t.sched_policy() == abi::sched_idle && policy != abi::sched_idle) return Errno::eperm;
    if (t.sched_reset_on_fork() && !reset_on_fork) return Errno::eperm;
  }
  t.set_scheduling(policy, param.sched_priority, reset_on_fork);
  return {};
}

} // namespace

// sched_getaffinity(2): every processor the host has (cpu i is bit i). The size must hold
// them and be a multiple of a long; the result is the bytes written.
SyscallResult sys_sched_getaffinity(const SyscallArgs& a) {
  TRY(check_affinity_target(a.i32_(0)));
  usize len = a.size(1);
  u32 cpus = kernel_config().cpus;
  usize need = round_up<usize>((cpus + 7) / 8, 4);
  if (len < need || len % 4) return Errno::einval;
  u8 mask[1024 / 8] = {};
  for (u32 i = 0; i < cpus; ++i)
    mask[i / 8] |= static_cast<u8>(1u << (i % 8));
  TRY(a.user<u8>(2).write_array(mask, need));
  return static_cast<i64>(need);
}

// sched_setaffinity(2): accepted when the mask names a processor the host has; threads
// are scheduled by the host anyway.
SyscallResult sys_sched_setaffinity(const SyscallArgs& a) {
  TRY(check_affinity_target(a.i32_(0)));
  usize len = min<usize>(a.size(1), 1024 / 8);
  u8 mask[1024 / 8] = {};
  TRY(a.user<u8>(2).read_array(mask, len));
  u32 cpus = kernel_config().cpus;
  for (u32 i = 0; i < cpus && i / 8 < len; ++i)
    if (mask[i / 8] & (1u << (i % 8))) return 0;
  return Errno::einval;
}

SyscallResult sys_sched_setscheduler(const SyscallArgs& a) {
  if (a.i32_(1) < 0) return Errno::einval;
  Thread* t = TRY(target_thread(a.i32_(0)));
  TRY(set_scheduler(*t, a.i32_(1), false, a.ptr(2)));
  return 0;
}

SyscallResult sys_sched_setparam(const SyscallArgs& a) {
  Thread* t = TRY(target_thread(a.i32_(0)));
  TRY(set_scheduler(*t, 0, true, a.ptr(1)));
  return 0;
}

SyscallResult sys_sched_getscheduler(const SyscallArgs& a) {
  Thread* t = TRY(target_thread(a.i32_(0)));
  return t->sched_policy() | (t->sched_reset_on_fork() ? abi::sched_reset_on_fork : 0);
}

SyscallResult sys_sched_getparam(const SyscallArgs& a) {
  if (!a.ptr(1)) return Errno::einval;
  Thread* t = TRY(target_thread(a.i32_(0)));
  TRY(copy_out(a.ptr(1), abi::SchedParam{t->sched_priority()}));
  return 0;
}

SyscallResult sys_sched_get_priority_max(const SyscallArgs& a) { return TRY(priority_range(a.i32_(0), true)); }

SyscallResult sys_sched_get_priority_min(const SyscallArgs& a) { return TRY(priority_range(a.i32_(0), false)); }

// sched_rr_get_interval(2): SCHED_RR's time slice (RR_TIMESLICE, 100 ms), 0 for SCHED_FIFO
// (it has none); the fair policies get the period Linux's default latency target gives.
SyscallResult sys_sched_rr_get_interval(const SyscallArgs& a) {
  Thread* t = TRY(target_thread(a.i32_(0)));
  i64 ns = t->sched_policy() == abi::sched_rr ? 100000000 : t->sched_policy() == abi::sched_fifo ? 0 : 6000000;
  TRY(copy_out(a.ptr(1), abi::Timespec{ns / 1000000000, static_cast<i32>(ns % 1000000000), 0}));
  return 0;
}

} // namespace wasmux

namespace wasmux {

namespace {

// The processes setpriority/getpriority name (kernel/sys.c): a process (0: the caller), a
// process group (0: the caller's) or a user's processes (0: the caller's real uid).
template <typename F>
ErrorOr for_each_target(i32 which, i32 who, F f) {
  Process& self = current_process();
  bool found = false;
  if (which < abi::prio_process || which > abi::prio_user) return Errno::einval;
  if (who < 0) return Errno::esrch;
  if (which == abi::prio_process) {
    Process* p = who == 0 ? &self : ProcessTable::the().find(who);
    if (p && !p->has_exited()) f(*p), found = true;
  } else if (which == abi::prio_pgrp) {
    i32 pgid = who == 0 ? self.pgid() : who;
    ProcessTable::the().for_each([&](Process& p) {
      if (p.pgid() == pgid && !p.has_exited()) f(p), found = true;
    });
  } else {
    u32 uid = who == 0 ? self.credentials().uid : static_cast<u32>(who);
    ProcessTable::the().for_each([&](Process& p) {
      if (p.credentials().uid == uid && !p.has_exited()) f(p), found = true;
    });
  }
  return found ? ErrorOr{} : ErrorOr{Errno::esrch};
}

} // namespace

// setpriority(2): nice is clamped to -20..19; another user's process needs root (EPERM),
// and lowering a nice value needs root too (EACCES; RLIMIT_NICE is 0).
SyscallResult sys_setpriority(const SyscallArgs& a) {
  i32 nice = min(max(a.i32_(2), -20), 19);
  const Credentials& c = current_process().credentials();
  Errno refused{};
  bool failed = false;
  TRY(for_each_target(a.i32_(0), a.i32_(1), [&](Process& p) {
    if (c.euid != 0 && c.euid != p.credentials().uid && c.euid != p.credentials().euid) {
      refused = Errno::eperm, failed = true;
    } else if (nice < p.nice() && c.euid != 0) {
      refused = Errno::eacces, failed = true;
    } else {
      p.set_nice(nice);
    }
  }));
  if (failed) return refused;
  return 0;
}

// getpriority(2): the raw system call answers 20 - nice of the highest-priority target (so
// never negative); the C library turns it back into the nice value.
SyscallResult sys_getpriority(const SyscallArgs& a) {
  i32 best = 19;
  TRY(for_each_target(a.i32_(0), a.i32_(1), [&](Process& p) { best = min(best, p.nice()); }));
  return 20 - best;
}

} // namespace wasmux
