#include "posix_timers.h"

#include "../proc/process.h"
#include "../signal/signal.h"

namespace wasmux {

Result<i32> PosixTimers::create(Process& owner, const PosixTimerSpec& spec) {
  // Linux allocates the lowest free id of the process (posix-timers.c posix_timer_add).
  i32 id = 0;
  for (bool taken = true; taken; ++id) {
    taken = false;
    for (PosixTimer* t : m_timers)
      taken |= t->id == id;
    if (!taken) break;
  }
  if (m_timers.size() >= 4096) return Errno::eagain; // RLIMIT_SIGPENDING's spirit
  m_timers.append(new PosixTimer(owner, id, spec));
  return id;
}

PosixTimer* PosixTimers::find(i32 id) {
  for (PosixTimer* t : m_timers)
    if (t->id == id) return t;
  return nullptr;
}

ErrorOr PosixTimers::remove(i32 id) {
  for (usize i = 0; i < m_timers.size(); ++i) {
    if (m_timers[i]->id != id) continue;
    delete m_timers[i]; // its kernel timer is cancelled
    m_timers.remove(i);
    return {};
  }
  return Errno::einval;
}

void PosixTimers::clear() {
  for (PosixTimer* t : m_timers)
    delete t;
  m_timers.clear();
}

bool PosixTimers::any_cpu_armed() const {
  for (PosixTimer* t : m_timers)
    if (t->deadline >= 0 && measures_cpu(t->clock)) return true;
  return false;
}

void PosixTimer::schedule() {
  if (deadline >= 0 && !measures_cpu(clock))
    arm(deadline);
  else
    cancel();
}

void PosixTimer::expire(i64 now) { fire_posix_timer(m_process, *this, now); }

i64 posix_timer_now(const PosixTimer& t) {
  switch (t.clock) {
  case ClockRef::Kind::realtime:
  case ClockRef::Kind::monotonic: return host().monotonic_ns();
  case ClockRef::Kind::process_cpu: {
    Process* p = ProcessTable::the().find(t.clock_owner);
    return p && !p->has_exited() ? process_cpu_ns(*p) : -1;
  }
  case ClockRef::Kind::thread_cpu: {
    Thread* th = ProcessTable::the().find_thread(t.clock_owner);
    return th ? thread_cpu_ns(*th) : -1;
  }
  }
  return -1;
}

namespace {

// Whether the signal of timer id still waits in a queue (Linux keeps one preallocated
// signal per timer: another expiry meanwhile is an overrun, not a second signal).
bool signal_waits(Process& p, Thread* target, i32 id, i32 signo) {
  bool waiting = false;
  auto look = [&](SignalQueue& q) { waiting |= q.has_timer_signal(signo, id); };
  look(p.shared_pending());
  if (target) look(target->pending());
  return waiting;
}

Thread* find_thread_of(Process& p, i32 tid) {
  Thread* found = nullptr;
  p.for_each_thread([&](Thread& t) {
    if (t.tid() == tid) found = &t;
  });
  return found;
}

} // namespace

void fire_posix_timer(Process& p, PosixTimer& t, i64 now) {
  if (t.interval > 0) {
    t.deadline += t.interval;
    if (t.deadline <= now) {
      // Expiries missed (a late service, CPU time in big steps) count as overruns.
      i64 missed = (now - t.deadline) / t.interval + 1;
      t.overrun_next += static_cast<i32>(min<i64>(missed, INT32_MAX - t.overrun_next));
      t.deadline += missed * t.interval;
    }
  } else {
    t.deadline = -1;
  }
  t.schedule();
  if (t.notify == abi::sigev_none) return;
  Thread* target = t.notify == abi::sigev_thread_id ? find_thread_of(p, t.target_tid) : nullptr;
  if (t.notify == abi::sigev_thread_id && !target) return; // the thread is gone
  // One signal per timer in flight; expiries meanwhile are counted, and become the
  // overrun when the signal is delivered (signal/delivery.h dequeue_signal).
  if (signal_waits(p, target, t.id, t.signo)) {
    if (t.overrun_next < INT32_MAX) ++t.overrun_next;
    return;
  }
  // timer_create(2): si_code SI_TIMER, the timer's id and overrun, the sigevent's value.
  abi::Siginfo info = make_siginfo(t.signo, abi::si_timer);
  info.si_pid = t.id;                        // si_timerid
  info.si_uid = static_cast<u32>(t.overrun); // si_overrun
  info.si_value = t.value;
  if (target)
    send_signal_to_thread(*target, info);
  else
    send_signal(p, info);
}

} // namespace wasmux
