#pragma once
// Process interval timers (setitimer(2): ITIMER_REAL, which alarm(2) uses too). A kernel
// service thread waits for the earliest expiry and sends SIGALRM (DESIGN §1: the service
// thread runs timers); it is started by the host the first time a timer is armed.
#include "../base/types.h"

namespace wasmux {

class Process;

// Arms (deadline on the monotonic clock, ≥ 0) or disarms (-1) p's real timer.
void arm_real_timer(Process& p, i64 deadline, i64 interval);

// Sends SIGALRM to every process whose timer expired by now and reloads periodic ones.
// Returns the next expiry (-1: none). Tests call it directly.
i64 fire_expired_timers(i64 now);

// The timer service's loop, on a kernel thread attached to init (the lock held). Never
// returns.
[[noreturn]] void run_timer_service();

} // namespace wasmux
