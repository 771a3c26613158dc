#pragma once
// Process interval timers (setitimer(2)): ITIMER_REAL (alarm(2) too) on the monotonic
// clock, ITIMER_VIRTUAL and ITIMER_PROF on the process's CPU time. A kernel service thread
// waits for the earliest expiry and sends the signal (DESIGN §1: the service thread runs
// timers); it is started by the host the first time a timer is armed.
//
// CPU time is measured by each thread itself (the host has no other way), when it blocks
// or enters the kernel at an interrupt check. A process cannot use more CPU time than its
// threads times the wall time, so the service sleeps until the earliest moment a CPU timer
// could be due, then asks the process's threads in user code for their CPU time (their
// interrupt words); the check comes from them (check_cpu_timers). Nothing is polled.
#include "../base/types.h"
#include "../time/posix_timers.h"

namespace wasmux {

class Process;

// Arms (deadline on the monotonic clock, ≥ 0) or disarms (-1) p's real timer.
void arm_real_timer(Process& p, i64 deadline, i64 interval);

// A POSIX timer of p was armed or changed: the service plans anew.
void timers_changed(Process& p);
// Arms (value > 0: CPU nanoseconds from now) or disarms (0) ITIMER_VIRTUAL (index 0) or
// ITIMER_PROF (1).
void arm_cpu_timer(Process& p, i32 index, i64 value, i64 interval);
// CPU nanoseconds until a CPU timer expires (0: disarmed; at least 1 while armed).
i64 cpu_timer_left(Process& p, i32 index);
// Sends SIGVTALRM / SIGPROF for the CPU timers of p that are due by the CPU time known now.
void check_cpu_timers(Process& p);

// Sends SIGALRM to every process whose timer expired by now and reloads periodic ones;
// asks processes whose CPU timers may be due for their CPU time. Returns the next moment
// to look again (-1: none). Tests call it directly.
i64 fire_expired_timers(i64 now);

// The timer service's loop, on a kernel thread attached to init (the lock held). Never
// returns.
[[noreturn]] void run_timer_service();

} // namespace wasmux
