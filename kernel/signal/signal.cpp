// Signal generation, process termination by signal, job control and parent notification.
// The shapes follow Linux kernel/signal.c (send_signal, prepare_signal, complete_signal,
// do_notify_parent, do_notify_parent_cldstop).
#include "signal.h"

#include "../host/host_port.h"
#include "../proc/process.h"

namespace wasmux {

namespace {

// A thread takes sig when it does not block it, or waits for it in sigtimedwait.
bool accepts(Thread& t, i32 sig) { return !(t.blocked() & sig_bit(sig)) || (t.sigwait_set() & sig_bit(sig)); }

Thread* pick_thread(Process& p, i32 sig) {
  Thread* chosen = nullptr;
  p.for_each_thread([&](Thread& t) {
    if (!chosen && accepts(t, sig)) chosen = &t;
  });
  return chosen;
}

// Whether p blocks sig: the target thread's mask, else the main thread's (before the first
// thread runs: the mask it will start with). Linux sig_ignored looks at one task too.
bool blocked_by(Process& p, Thread* t, i32 sig) {
  if (!t) t = p.main_thread();
  SigSet mask = t ? t->blocked() : p.initial_mask();
  return (mask & sig_bit(sig)) != 0;
}

bool is_ignored(Process& p, Thread* t, i32 sig) {
  // A blocked signal is kept: the handler may change before it is unblocked.
  if (blocked_by(p, t, sig)) return false;
  const SigAction& a = p.action(sig);
  if (a.handler == abi::sig_ign) return true;
  if (a.handler != abi::sig_dfl) return false;
  DefaultAction d = default_action(sig);
  // SIGCONT's default action (resuming) happened at generation already.
  return d == DefaultAction::ignore || d == DefaultAction::resume;
}

bool is_fatal_by_default(Process& p, i32 sig) {
  if (p.action(sig).handler != abi::sig_dfl) return false;
  DefaultAction d = default_action(sig);
  return d == DefaultAction::terminate || d == DefaultAction::core;
}

void discard_everywhere(Process& p, SigSet set) {
  p.shared_pending().discard(set);
  p.for_each_thread([&](Thread& t) { t.pending().discard(set); });
}

// Stop signals and SIGCONT cancel each other's pending instances; SIGCONT resumes at once,
// whatever its disposition (signal(7)).
void prepare(Process& p, i32 sig) {
  if (stop_signals & sig_bit(sig)) {
    discard_everywhere(p, sig_bit(abi::sigcont));
  } else if (sig == abi::sigcont) {
    discard_everywhere(p, stop_signals);
    continue_process(p);
  }
}

bool generate(Process& p, Thread* target, const abi::Siginfo& info) {
  i32 sig = info.si_signo;
  // init (the kernel's own pid 1) takes no signal: it has no handlers, and Linux drops
  // signals with default actions for init (SIGNAL_UNKILLABLE).
  if (p.has_exited() || p.pid() == 1) return true;
  if (sig == abi::sigkill) {
    kill_process(p, wait_status_signaled(sig));
    return true;
  }
  prepare(p, sig);
  if (is_ignored(p, target, sig)) return true;
  SignalQueue& queue = target ? target->pending() : p.shared_pending();
  if (!queue.add(info)) return false;
  p.signal_arrivals().notify(abi::pollin | abi::pollrdnorm); // fs/signalfd.c signalfd_notify
  Thread* t = target ? (accepts(*target, sig) ? target : nullptr) : pick_thread(p, sig);
  // A fatal signal nobody blocks ends the whole process now (complete_signal), even while
  // its threads run user code. A process whose first thread has not started yet counts as
  // its starting mask.
  bool unblocked = t ? !(t->blocked() & sig_bit(sig)) : (!p.main_thread() && !(p.initial_mask() & sig_bit(sig)));
  if (unblocked && is_fatal_by_default(p, sig)) {
    kill_process(p, wait_status_signaled(sig));
    return true;
  }
  if (t) {
    t->wake();      // blocked in the kernel: the wait ends
    t->interrupt(); // spinning in user code: its loops look
  }
  return true;
}

// The SIGCHLD a parent gets about child (do_notify_parent): times in clock ticks.
abi::Siginfo child_info(Process& child, i32 code, i32 status) {
  abi::Siginfo info{};
  info.si_signo = abi::sigchld;
  info.si_code = code;
  info.si_pid = child.pid();
  info.si_uid = child.credentials().uid;
  info.si_value = status;
  constexpr i64 ns_per_tick = 10000000; // 100 Hz, as sysconf(_SC_CLK_TCK) reports
  info.si_utime = static_cast<i32>(child.cpu_ns() / ns_per_tick);
  return info;
}

void notify_parent_of_job(Process& child, i32 code, i32 status) {
  if (child.host_owned()) return;
  Process* parent = ProcessTable::the().find(child.ppid());
  if (!parent) return;
  if (!(parent->action(abi::sigchld).flags & abi::sa_nocldstop)) send_signal(*parent, child_info(child, code, status));
  parent->child_waiters().wake_all();
}

Vector<RefPtr<Thread>>& killed_threads() {
  static Vector<RefPtr<Thread>>* list = new Vector<RefPtr<Thread>>;
  return *list;
}

} // namespace

void release_killed_thread(i32 tid) {
  auto& list = killed_threads();
  for (usize i = 0; i < list.size(); ++i) {
    if (list[i]->tid() != tid) continue;
    list.remove(i);
    return;
  }
}

abi::Siginfo make_siginfo(i32 sig, i32 code) {
  abi::Siginfo info{};
  info.si_signo = sig;
  info.si_code = code;
  Thread* t = current_thread();
  if (t && (code == abi::si_user || code == abi::si_tkill || code == abi::si_queue)) {
    info.si_pid = t->process().pid();
    info.si_uid = t->process().credentials().uid;
  }
  return info;
}

bool may_signal(Process& sender, Process& target, i32 sig) {
  const Credentials& s = sender.credentials();
  const Credentials& t = target.credentials();
  if (s.euid == 0) return true;
  if (s.uid == t.uid || s.uid == t.suid || s.euid == t.uid || s.euid == t.suid) return true;
  return sig == abi::sigcont && sender.sid() == target.sid();
}

bool send_signal(Process& target, const abi::Siginfo& info) { return generate(target, nullptr, info); }

bool send_signal_to_thread(Thread& target, const abi::Siginfo& info) {
  return generate(target.process(), &target, info);
}

void kill_process(Process& p, i32 wait_status) {
  if (p.has_exited()) return;
  RefPtr<Process> keep(&p); // exit may drop the table's reference
  p.exit(wait_status);
  end_other_threads(p, wait_status);
}

void end_other_threads(Process& p, i32 wait_status) {
  RefPtr<Process> keep(&p);
  Vector<RefPtr<Thread>> threads;
  p.for_each_thread([&](Thread& t) { threads.append(RefPtr<Thread>(&t)); });
  for (auto& t : threads) {
    if (t.ptr() == current_thread()) continue; // it leaves at its kernel exit
    if (t->mark_killed()) {
      // In user code: only the host can stop it, by terminating its worker. The thread
      // will never enter the kernel again, so it leaves its process here.
      p.remove_thread(*t);
      host().terminate_thread(p.pid(), t->tid(), wait_status, p.has_exited() && !p.main_thread());
      killed_threads().append(t);
    } else {
      t->set_exiting(0); // in the kernel: it leaves at its next wake-up or kernel exit,
      t->wake();
      t->interrupt(); // or, if already past that on its way out, at its next loop test
    }
  }
}

void stop_process(Process& p, i32 sig) {
  if (p.stopped() || p.has_exited()) return;
  p.set_stopped(true);
  p.set_job_report(Process::JobReport::stopped, sig);
  p.for_each_thread([](Thread& t) {
    t.wake();
    t.interrupt(); // a thread spinning in user code stops at its next loop test
  });
  notify_parent_of_job(p, abi::cld_stopped, sig);
}

void continue_process(Process& p) {
  if (!p.stopped()) return;
  p.set_stopped(false);
  p.set_job_report(Process::JobReport::continued);
  p.resume_waiters().wake_all();
  notify_parent_of_job(p, abi::cld_continued, abi::sigcont);
}

void notify_parent_of_exit(Process& child) {
  Process* parent = ProcessTable::the().find(child.ppid());
  if (!parent) return;
  RefPtr<Process> keep(&child);
  i32 status = child.wait_status();
  i32 sig = status & 0x7f;
  abi::Siginfo info = sig ? child_info(child, (status & 0x80) ? abi::cld_dumped : abi::cld_killed, sig)
                          : child_info(child, abi::cld_exited, (status >> 8) & 0xff);
  const SigAction& a = parent->action(abi::sigchld);
  // wait(2) NOTES: a parent ignoring SIGCHLD, or with SA_NOCLDWAIT, keeps no zombies.
  bool reap_now = a.handler == abi::sig_ign || (a.flags & abi::sa_nocldwait);
  send_signal(*parent, info);
  if (reap_now) ProcessTable::the().remove(child.pid());
  parent->child_waiters().wake_all();
}

bool is_orphaned_group(i32 pgid, Process* ignore) {
  bool orphaned = true;
  ProcessTable& table = ProcessTable::the();
  table.for_each([&](Process& q) {
    if (q.pgid() != pgid || q.has_exited() || &q == ignore) return;
    Process* parent = table.find(q.ppid());
    if (parent && parent != ignore && parent->pgid() != pgid && parent->sid() == q.sid()) orphaned = false;
  });
  return orphaned;
}

namespace {

void hang_up_if_orphaned(i32 pgid, Process& exiting) {
  bool stopped = false;
  ProcessTable::the().for_each([&](Process& q) { stopped |= q.pgid() == pgid && q.stopped(); });
  if (!stopped || !is_orphaned_group(pgid, &exiting)) return;
  Vector<RefPtr<Process>> members;
  ProcessTable::the().for_each([&](Process& q) {
    if (q.pgid() == pgid && !q.has_exited()) members.append(RefPtr<Process>(&q));
  });
  for (auto& q : members)
    send_signal(*q, make_siginfo(abi::sighup, abi::si_kernel));
  for (auto& q : members)
    send_signal(*q, make_siginfo(abi::sigcont, abi::si_kernel));
}

} // namespace

void hang_up_orphaned_groups(Process& exiting, const Vector<RefPtr<Process>>& children) {
  ProcessTable& table = ProcessTable::the();
  Process* parent = table.find(exiting.ppid());
  if (parent && parent->pgid() != exiting.pgid() && parent->sid() == exiting.sid())
    hang_up_if_orphaned(exiting.pgid(), exiting);
  for (auto& child : children) {
    if (child->pgid() != exiting.pgid() && child->sid() == exiting.sid()) hang_up_if_orphaned(child->pgid(), exiting);
  }
}

SigSet deliverable_signals(Thread& t) {
  return (t.pending().pending() | t.process().shared_pending().pending()) & ~t.blocked();
}

void park_while_stopped(Thread& t) {
  Process& p = t.process();
  while (p.stopped() && !p.has_exited()) {
    ThreadWaiter w(t);
    p.resume_waiters().add(w);
    (void)t.block_uninterruptible(-1);
  }
}

} // namespace wasmux
