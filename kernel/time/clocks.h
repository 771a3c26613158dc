#pragma once
// The clocks of clock_gettime(2): wall time (settable by a privileged process, as an offset
// on the host's clock), monotonic time, and the CPU-time clocks of processes and threads.
#include <wasmux/abi.h>

#include "../base/result.h"

namespace wasmux {

class Process;
class Thread;

// CLOCK_REALTIME: the host's wall clock plus what clock_settime moved it by.
i64 realtime_now();
void set_realtime(i64 ns);

// CPU time a thread has used: exact for the calling thread, else as of the last time that
// thread blocked in the kernel (the host measures a thread's CPU time only from the thread
// itself; a thread that is blocked uses none).
i64 thread_cpu_ns(Thread& t);
// The CPU time of a process: its finished threads and its live ones.
i64 process_cpu_ns(Process& p);

// The clock a clock id names: one of the CLOCK_* constants, or a CPU-time clock of a
// process or thread as clock_getcpuclockid(3) and pthread_getcpuclockid(3) make them
// (Linux include/linux/posix-timers.h: ~pid << 3 | per-thread bit 4 | PROF, VIRT or SCHED).
struct ClockRef {
  enum class Kind : u8 { realtime, monotonic, process_cpu, thread_cpu } kind;
  Process* process{nullptr}; // process_cpu
  Thread* thread{nullptr};   // thread_cpu
};
// EINVAL for an unknown clock, or a CPU clock of no process (or of a thread of another
// process: Linux lookup_task allows only the caller's own threads).
Result<ClockRef> resolve_clock(i32 clock);
i64 clock_value(const ClockRef& c);
// A timer's value or interval (timer_settime(2), timerfd_settime(2)) in nanoseconds:
// EINVAL for a negative or unnormalized one; one too large to add to a clock without
// overflow (over ~73 years) is held at that bound.
Result<i64> timer_value_ns(const abi::Timespec& ts);
// Nanoseconds as a timespec.
abi::Timespec timespec_of_ns(i64 ns);
// Nanoseconds of resolution (clock_getres(2)).
i64 clock_resolution(i32 clock);

} // namespace wasmux
