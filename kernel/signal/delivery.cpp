// Delivery: what the kernel does with deliverable signals before a thread returns to user
// code (Linux get_signal), and the handler frames of wasmux_sigdeliver / rt_sigreturn
// (docs/guest-abi.md, "Signals"). The guest's glue runs the handler itself: the kernel
// cannot call into a guest, and a handler may longjmp, which must not unwind kernel frames.
#include "delivery.h"

#include "../base/user_buffer.h"
#include "../proc/process.h"

namespace wasmux {

namespace {

i32 lowest_signal(SigSet set) { return __builtin_ctzll(set) + 1; }

bool is_restart(const Result<i64>& r) { return r.is_error() && is_restart(r.error()); }

} // namespace

void dequeue_signal(Thread& t, i32 sig, abi::Siginfo& info) {
  if (!t.pending().take(sig, info)) t.process().shared_pending().take(sig, info);
  // A POSIX timer's signal is delivered now: the expiries it missed meanwhile are its
  // overrun (kernel/signal.c dequeue_signal, posixtimer_rearm).
  if (info.si_code == abi::si_timer) {
    if (PosixTimer* timer = t.process().posix_timers().find(info.si_pid)) {
      timer->overrun = timer->overrun_next;
      timer->overrun_next = 0;
      info.si_uid = static_cast<u32>(timer->overrun); // si_overrun
    }
  }
}

i32 next_signal_for_handler(Thread& t, abi::Siginfo& info, bool peek) {
  Process& p = t.process();
  for (;;) {
    if (p.has_exited() || t.exiting()) return 0;
    if (p.stopped()) {
      park_while_stopped(t);
      continue;
    }
    SigSet ready = deliverable_signals(t);
    if (!ready) return 0;
    i32 sig = lowest_signal(ready);
    const SigAction& action = p.action(sig);
    if (action.handler != abi::sig_dfl && action.handler != abi::sig_ign) {
      if (!peek) dequeue_signal(t, sig, info);
      return sig;
    }
    abi::Siginfo dropped{};
    dequeue_signal(t, sig, dropped);
    if (action.handler == abi::sig_ign) continue;
    switch (default_action(sig)) {
    case DefaultAction::ignore:
    case DefaultAction::resume: continue;
    case DefaultAction::stop:
      // Job-control stops other than SIGSTOP are not acted on in an orphaned process group
      // (POSIX "Orphaned Process Group"; Linux is_current_pgrp_orphaned).
      if (sig != abi::sigstop && is_orphaned_group(p.pgid(), nullptr)) continue;
      stop_process(p, sig);
      continue; // parks at the top of the loop
    case DefaultAction::terminate:
    case DefaultAction::core: kill_process(p, wait_status_signaled(sig)); return 0;
    }
  }
}

bool has_signal_work(Thread& t) { return t.signal_pending() || t.has_temporary_mask(); }

Result<i64> signal_exit_path(Thread& t, const Result<i64>& result, bool& restart) {
  restart = false;
  // A call between SIGNAL_PENDING and wasmux_sigdeliver (the glue makes none) must not
  // replace the result that waits there: its own result goes back as it is, and the
  // signals wait for the delivery that is coming.
  if (t.stash_held()) return is_restart(result) ? Result<i64>(Errno::eintr) : result;
  abi::Siginfo info{};
  i32 sig = next_signal_for_handler(t, info, true);
  if (t.process().has_exited() || t.exiting()) return result; // it leaves at kernel exit
  if (sig) {
    // The guest's glue asks for the handler (wasmux_sigdeliver) and gets this back in
    // the frame, converted if the call was interrupted.
    t.set_stashed_result(result);
    return abi::signal_pending;
  }
  t.restore_temporary_mask();
  // No handler runs: an interrupted call starts again (ERESTARTSYS and ERESTARTNOHAND
  // both restart when no handler is invoked).
  if (is_restart(result)) restart = true;
  return result;
}

Result<i64> deliver_to_handler(Thread& t, UserAddr frame_addr, UserAddr sp) {
  Process& p = t.process();
  abi::Siginfo info{};
  i32 sig = next_signal_for_handler(t, info, false);
  Result<i64> stashed = t.take_stashed_result();
  if (!sig) {
    t.restore_temporary_mask();
    return is_restart(stashed) ? Result<i64>(abi::signal_restart) : stashed;
  }
  SigAction& action = p.action(sig);
  abi::SignalFrame frame{};
  frame.handler = action.handler;
  frame.flags = action.flags;
  // The glue calls the handler with as many arguments as it really takes (0 to 3): wasm
  // traps on a call through a pointer of another function type, where C merely ignores
  // surplus arguments (a `void h()` handler is common in older programs).
  i32 params = host().guest_function_params(action.handler);
  frame.handler_params = params >= 0 && params <= 3 ? static_cast<u32>(params) + 1 : 0;
  frame.signo = sig;
  frame.info = info;
  // signal(7) "Interruption of system calls": restarted after a handler only with
  // SA_RESTART, and never for the ERESTARTNOHAND calls.
  if (stashed.is_error() && stashed.error() == Errno::restart_sys)
    stashed = (action.flags & abi::sa_restart) ? Result<i64>(abi::signal_restart) : Result<i64>(Errno::eintr);
  else if (stashed.is_error() && stashed.error() == Errno::restart_nohand)
    stashed = Errno::eintr;
  // The frame holds the result as the guest will see it.
  frame.result = abi_value(stashed);
  SigSet saved = t.take_mask_to_restore();
  frame.uc.uc_sigmask[0] = static_cast<u32>(saved);
  frame.uc.uc_sigmask[1] = static_cast<u32>(saved >> 32);
  abi::StackT& alt = t.altstack();
  frame.uc.uc_stack = alt;
  bool on_stack = t.on_altstack(sp);
  bool switch_stack = (action.flags & abi::sa_onstack) && !(alt.ss_flags & abi::ss_disable) && !on_stack;
  if (switch_stack) frame.stack_top = (alt.ss_sp + alt.ss_size) & ~15u;
  if (on_stack) frame.uc.uc_stack.ss_flags |= abi::ss_onstack; // as the interrupted code ran
  if (copy_out(frame_addr, frame).is_error()) {
    // No room for the frame: Linux forces SIGSEGV (force_sigsegv).
    kill_process(p, wait_status_signaled(abi::sigsegv));
    return Errno::efault;
  }
  SigSet mask = t.blocked() | action.mask;
  if (!(action.flags & abi::sa_nodefer)) mask |= sig_bit(sig);
  t.set_blocked(mask);
  if (action.flags & abi::sa_resethand) action = SigAction{};
  // Linux sets up a frame for every deliverable signal before returning to user code, each
  // on top of the last: the glue asks again before running this handler.
  u32 more = deliverable_signals(t) != 0;
  TRY(copy_out(frame_addr + offsetof(abi::SignalFrame, more), more));
  return abi::signal_handler;
}

Result<i64> return_from_handler(Thread& t, UserAddr frame_addr) {
  auto frame = copy_in<abi::SignalFrame>(frame_addr);
  if (frame.is_error()) {
    kill_process(t.process(), wait_status_signaled(abi::sigsegv));
    return Errno::efault;
  }
  const abi::SignalFrame& f = frame.value();
  // The handler may have changed uc_sigmask: that is the mask it returns to (sigreturn(2)).
  t.set_blocked(f.uc.uc_sigmask[0] | static_cast<SigSet>(f.uc.uc_sigmask[1]) << 32);
  // Only results a call can have (or the restart request) go back: a forged internal code
  // must not make the kernel restart rt_sigreturn forever. An error the frame holds comes
  // back as that error.
  if (f.result < -4095 && f.result != abi::signal_restart) return Errno::eintr;
  if (f.result < 0) return static_cast<Errno>(-f.result);
  return f.result;
}

} // namespace wasmux
