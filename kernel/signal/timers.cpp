#include "timers.h"

#include "../host/host_port.h"
#include "../proc/process.h"
#include "signal.h"

namespace wasmux {

namespace {

WaitQueue& timer_service_queue() {
  static WaitQueue* queue = new WaitQueue;
  return *queue;
}

bool g_service_requested = false;

} // namespace

void arm_real_timer(Process& p, i64 deadline, i64 interval) {
  p.set_real_timer(deadline, interval);
  if (deadline < 0) return;
  if (!g_service_requested) {
    g_service_requested = true;
    host().start_timer_service();
  }
  timer_service_queue().wake_all(); // it may need to wake earlier
}

i64 fire_expired_timers(i64 now) {
  Vector<RefPtr<Process>> expired;
  i64 next = -1;
  ProcessTable::the().for_each([&](Process& p) {
    i64 at = p.real_timer_deadline();
    if (at < 0 || p.has_exited()) return;
    if (at <= now) {
      expired.append(RefPtr<Process>(&p));
      // A periodic timer reloads from its last expiry (not from now), so it does not drift;
      // expiries missed meanwhile are one signal, as a standard signal coalesces.
      i64 interval = p.real_timer_interval();
      if (interval > 0) {
        at += interval;
        if (at <= now) at = now + interval;
      } else {
        at = -1;
      }
      p.set_real_timer(at, interval);
    }
    if (at >= 0 && (next < 0 || at < next)) next = at;
  });
  // Linux it_real_fn sends SIGALRM as the kernel does (SI_KERNEL).
  for (auto& p : expired)
    send_signal(*p, make_siginfo(abi::sigalrm, abi::si_kernel));
  return next;
}

void run_timer_service() {
  Thread& self = *current_thread();
  for (;;) {
    i64 next = fire_expired_timers(host().monotonic_ns());
    Waiter w(self);
    timer_service_queue().add(w);
    (void)self.block_uninterruptible(next);
  }
}

} // namespace wasmux
