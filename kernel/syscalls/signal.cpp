// rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend, rt_sigtimedwait, kill, tkill,
// tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, sigaltstack, rt_sigreturn, wasmux_sigdeliver.
// The semantics are signal(7) and the man pages of each call; the machinery is in signal/.
#include "../entry/kernel.h"
#include "../signal/delivery.h"
#include "syscall.h"

namespace wasmux {

namespace {

constexpr usize sigset_size = 8; // the kernel's sigset_t: 64 signals

Result<SigSet> sigset_in(UserAddr addr) { return copy_in<u64>(addr); }

// Sends to every process selected (kill(2) with pid 0, -1 or -pgrp): ESRCH when none
// exists, EPERM when none may be signalled, success when one was.
SyscallResult send_to_many(Process& self, i32 sig, const abi::Siginfo& info, bool all, i32 pgid) {
  Vector<RefPtr<Process>> targets;
  ProcessTable::the().for_each([&](Process& q) {
    if (q.has_exited()) return;
    if (all ? (q.pid() > 1 && &q != &self) : q.pgid() == pgid) targets.append(RefPtr<Process>(&q));
  });
  if (targets.empty()) return Errno::esrch;
  bool sent = false;
  for (auto& q : targets) {
    if (!may_signal(self, *q, sig)) continue;
    if (sig) send_signal(*q, info);
    sent = true;
  }
  return sent ? SyscallResult(0) : SyscallResult(Errno::eperm);
}

SyscallResult send_to_pid(i32 pid, i32 sig, const abi::Siginfo& info) {
  Process& self = current_process();
  if (!valid_signal(sig) && sig != 0) return Errno::einval;
  if (pid > 0) {
    Process* target = pid == 1 ? &init_process() : ProcessTable::the().find(pid);
    if (!target) return Errno::esrch;
    if (!may_signal(self, *target, sig)) return Errno::eperm;
    if (sig && !send_signal(*target, info)) return Errno::eagain;
    return 0;
  }
  if (pid == -1) return send_to_many(self, sig, info, true, 0);
  // Before negating: -INT_MIN overflows (kill_something_info answers ESRCH).
  if (pid == INT32_MIN) return Errno::esrch;
  return send_to_many(self, sig, info, false, pid == 0 ? self.pgid() : -pid);
}

SyscallResult send_to_tid(i32 tgid, i32 tid, i32 sig, const abi::Siginfo& info) {
  if (tid <= 0 || (tgid != -1 && tgid <= 0)) return Errno::einval;
  if (!valid_signal(sig) && sig != 0) return Errno::einval;
  Thread* t = ProcessTable::the().find_thread(tid);
  if (!t || (tgid != -1 && t->process().pid() != tgid) || t->process().has_exited()) return Errno::esrch;
  if (!may_signal(current_process(), t->process(), sig)) return Errno::eperm;
  if (sig && !send_signal_to_thread(*t, info)) return Errno::eagain;
  return 0;
}

// A siginfo from user space (sigqueue): its sender may not pose as the kernel or as kill,
// unless it signals itself (rt_sigqueueinfo(2) EPERM).
Result<abi::Siginfo> user_siginfo(UserAddr addr, i32 sig, bool to_self) {
  auto info = TRY(copy_in<abi::Siginfo>(addr));
  if (!to_self && (info.si_code >= 0 || info.si_code == abi::si_tkill)) return Errno::eperm;
  info.si_signo = sig;
  return info;
}

} // namespace

SyscallResult sys_rt_sigaction(const SyscallArgs& a) {
  i32 sig = a.i32_(0);
  if (a.size(3) != sigset_size || !valid_signal(sig)) return Errno::einval;
  Process& p = current_process();
  SigAction old = p.action(sig);
  if (a.ptr(1)) {
    // sigaction(2): SIGKILL and SIGSTOP cannot be caught or ignored.
    if (sig == abi::sigkill || sig == abi::sigstop) return Errno::einval;
    auto k = TRY(copy_in<abi::KSigaction>(a.ptr(1)));
    SigAction& act = p.action(sig);
    act.handler = k.handler;
    act.flags = k.flags;
    act.mask = (k.mask[0] | static_cast<SigSet>(k.mask[1]) << 32) & ~unblockable_signals;
    act.restorer = k.restorer;
    // POSIX: setting a pending signal's action to SIG_IGN (or to SIG_DFL when that
    // ignores it) discards it, blocked or not.
    bool ignores =
        act.handler == abi::sig_ign || (act.handler == abi::sig_dfl && default_action(sig) == DefaultAction::ignore);
    if (ignores) {
      p.shared_pending().discard(sig_bit(sig));
      p.for_each_thread([&](Thread& t) { t.pending().discard(sig_bit(sig)); });
    }
  }
  if (a.ptr(2)) {
    abi::KSigaction k{
        old.handler, old.flags, old.restorer, {static_cast<u32>(old.mask), static_cast<u32>(old.mask >> 32)}};
    TRY(copy_out(a.ptr(2), k));
  }
  return 0;
}

SyscallResult sys_rt_sigprocmask(const SyscallArgs& a) {
  if (a.size(3) != sigset_size) return Errno::einval;
  Thread& t = current();
  SigSet old = t.blocked();
  if (a.ptr(1)) {
    SigSet set = TRY(sigset_in(a.ptr(1)));
    switch (a.i32_(0)) {
    case abi::sig_block: t.set_blocked(old | set); break;
    case abi::sig_unblock: t.set_blocked(old & ~set); break;
    case abi::sig_setmask: t.set_blocked(set); break;
    default: return Errno::einval;
    }
  }
  if (a.ptr(2)) TRY(copy_out(a.ptr(2), old));
  return 0;
}

SyscallResult sys_rt_sigpending(const SyscallArgs& a) {
  if (a.size(1) > sigset_size) return Errno::einval;
  Thread& t = current();
  // sigpending(2): the pending signals that are blocked.
  SigSet set = (t.pending().pending() | t.process().shared_pending().pending()) & t.blocked();
  // As many bytes of the set as the caller asked for (at most 8: checked above).
  TRY(a.user<u8>(0).write_array(reinterpret_cast<const u8*>(&set), a.size(1)));
  return 0;
}

SyscallResult sys_rt_sigsuspend(const SyscallArgs& a) {
  if (a.size(1) != sigset_size) return Errno::einval;
  SigSet mask = TRY(sigset_in(a.ptr(0)));
  Thread& t = current();
  t.set_temporary_mask(mask);
  // Sleeps until a signal is to be delivered; always ends in EINTR once a handler ran.
  for (;;) {
    auto r = t.block(-1);
    if (r.is_error()) return Errno::restart_nohand;
  }
}

SyscallResult sys_rt_sigtimedwait(const SyscallArgs& a) {
  if (a.size(3) != sigset_size) return Errno::einval;
  SigSet set = TRY(sigset_in(a.ptr(0))) & ~unblockable_signals;
  i64 deadline = -1;
  if (a.ptr(2)) {
    auto ts = TRY(copy_in<abi::Timespec>(a.ptr(2)));
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return Errno::einval;
    deadline =
        ts.tv_sec > INT64_MAX / 4 / 1000000000 ? -1 : host().monotonic_ns() + ts.tv_sec * 1000000000 + ts.tv_nsec;
  }
  Thread& t = current();
  Process& p = t.process();
  for (;;) {
    SigSet ready = (t.pending().pending() | p.shared_pending().pending()) & set;
    if (ready) {
      i32 sig = __builtin_ctzll(ready) + 1;
      abi::Siginfo info{};
      dequeue_signal(t, sig, info);
      if (a.ptr(1)) TRY(copy_out(a.ptr(1), info));
      return sig;
    }
    if (deadline >= 0 && host().monotonic_ns() >= deadline) return Errno::eagain;
    // The waited-for signals stay blocked (so an ignored one is still queued) but wake us.
    t.set_sigwait_set(set);
    auto r = t.block(deadline);
    t.set_sigwait_set(0);
    if (r.is_error() && r.error() != Errno::etimedout) {
      // Woken for a signal outside the set (or the process's end): EINTR, not restarted,
      // unless what woke us is in the set after all.
      if ((t.pending().pending() | p.shared_pending().pending()) & set) continue;
      return Errno::eintr;
    }
  }
}

SyscallResult sys_kill(const SyscallArgs& a) {
  i32 sig = a.i32_(1);
  return send_to_pid(a.i32_(0), sig, make_siginfo(sig, abi::si_user));
}

SyscallResult sys_tkill(const SyscallArgs& a) {
  i32 sig = a.i32_(1);
  return send_to_tid(-1, a.i32_(0), sig, make_siginfo(sig, abi::si_tkill));
}

SyscallResult sys_tgkill(const SyscallArgs& a) {
  i32 sig = a.i32_(2);
  return send_to_tid(a.i32_(0), a.i32_(1), sig, make_siginfo(sig, abi::si_tkill));
}

SyscallResult sys_rt_sigqueueinfo(const SyscallArgs& a) {
  i32 pid = a.i32_(0), sig = a.i32_(1);
  auto info = TRY(user_siginfo(a.ptr(2), sig, pid == current_process().pid()));
  return send_to_pid(pid, sig, info);
}

SyscallResult sys_rt_tgsigqueueinfo(const SyscallArgs& a) {
  i32 tgid = a.i32_(0), tid = a.i32_(1), sig = a.i32_(2);
  auto info = TRY(user_siginfo(a.ptr(3), sig, tgid == current_process().pid()));
  return send_to_tid(tgid, tid, sig, info);
}

SyscallResult sys_sigaltstack(const SyscallArgs& a) {
  Thread& t = current();
  // The glue passes the caller's stack pointer (0 from a raw syscall: not on the stack).
  bool on_stack = t.on_altstack(a.ptr(2));
  abi::StackT old = t.altstack();
  if (on_stack) old.ss_flags = abi::ss_onstack;
  if (a.ptr(0)) {
    auto ss = TRY(copy_in<abi::StackT>(a.ptr(0)));
    // sigaltstack(2): not while running on it; flags 0 or SS_DISABLE (SS_AUTODISARM is
    // accepted and, with no stack switching of Linux's kind, changes nothing).
    constexpr i32 ss_autodisarm = static_cast<i32>(1u << 31);
    if (on_stack) return Errno::eperm;
    i32 mode = ss.ss_flags & ~ss_autodisarm;
    if (mode != 0 && mode != abi::ss_disable) return Errno::einval;
    if (mode == abi::ss_disable) {
      t.altstack() = {0, abi::ss_disable, 0};
    } else {
      if (ss.ss_size < abi::minsigstksz) return Errno::enomem;
      t.altstack() = {ss.ss_sp, 0, ss.ss_size};
    }
  }
  if (a.ptr(1)) TRY(copy_out(a.ptr(1), old));
  return 0;
}

// A thread spinning in user code saw its interrupt word set: clear it. What the kernel
// had for the thread (a stop, handlers to run) happens on the way out, as after any call.
SyscallResult sys_wasmux_interrupted(const SyscallArgs& a) {
  TRY(copy_out(a.ptr(0), u32{0}));
  // The timer service may have asked for this thread's CPU time (signal/timers.h).
  if (current_process().has_cpu_timers()) current().update_cpu_sample();
  return 0;
}

SyscallResult sys_rt_sigreturn(const SyscallArgs& a) { return return_from_handler(current(), a.ptr(0)); }

SyscallResult sys_wasmux_sigdeliver(const SyscallArgs& a) { return deliver_to_handler(current(), a.ptr(0), a.ptr(1)); }

} // namespace wasmux
