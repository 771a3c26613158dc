#pragma once
// POSIX per-process timers (timer_create(2)): a timer measures a clock (wall or monotonic
// time, or a process's or thread's CPU time) and, when it expires, sends a signal to the
// process (SIGEV_SIGNAL) or to one of its threads (SIGEV_THREAD_ID, which musl's
// SIGEV_THREAD uses), or nothing (SIGEV_NONE). Wall-time timers are kernel timers
// (time/timer_list.h); CPU-time timers are checked when the kernel learns CPU time
// (signal/timers.h).
#include "../base/result.h"
#include "../base/vector.h"
#include "clocks.h"
#include "timer_list.h"

namespace wasmux {

class Process;

// What timer_create asks for.
struct PosixTimerSpec {
  ClockRef::Kind clock{ClockRef::Kind::monotonic};
  i32 clock_owner{0}; // the pid (process_cpu) or tid (thread_cpu) whose CPU time it measures
  i32 notify{0};      // SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID
  i32 signo{0};
  i32 value{0};      // sigev_value (a 32-bit word here)
  i32 target_tid{0}; // SIGEV_THREAD_ID
};

class PosixTimer final : public PosixTimerSpec, public KernelTimer {
public:
  PosixTimer(Process& process, i32 timer_id, const PosixTimerSpec& spec)
      : PosixTimerSpec(spec), id(timer_id), m_process(process) {}
  // Puts the kernel timer in step with `deadline`: armed for a wall-time clock's, else not.
  void schedule();

  i32 id;
  i64 deadline{-1}; // when it next expires: on the monotonic clock (wall-time clocks) or
                    // in the measured CPU time (CPU clocks); -1 disarmed
  i64 interval{0};
  i32 overrun{0};      // expiries while the last delivered signal waited (timer_getoverrun)
  i32 overrun_next{0}; // expiries since the signal in flight was queued

protected:
  void expire(i64 now) override;

private:
  Process& m_process;
};

// The process's timers (ids count from 0, as Linux's do per process).
class PosixTimers {
public:
  PosixTimers() = default;
  ~PosixTimers() { clear(); }
  PosixTimers(const PosixTimers&) = delete;
  PosixTimers& operator=(const PosixTimers&) = delete;
  Result<i32> create(Process& owner, const PosixTimerSpec& spec);
  PosixTimer* find(i32 id);
  ErrorOr remove(i32 id);
  void clear();
  template <typename F> void for_each(F f) {
    for (PosixTimer* t : m_timers)
      f(*t);
  }
  bool any_cpu_armed() const;

private:
  Vector<PosixTimer*> m_timers;
};

// The timer's clock now, in the unit its deadline is in (monotonic ns for wall clocks);
// -1 when the process or thread whose CPU time it measures is gone.
i64 posix_timer_now(const PosixTimer& t);
constexpr bool measures_cpu(ClockRef::Kind k) {
  return k == ClockRef::Kind::process_cpu || k == ClockRef::Kind::thread_cpu;
}
// Expires t (its deadline passed): the signal, or an overrun while the last one waits;
// periodic timers reload from their expiry.
void fire_posix_timer(Process& p, PosixTimer& t, i64 now);

} // namespace wasmux
