#include "timer_list.h"

#include "../entry/big_lock.h"
#include "../host/host_port.h"
#include "../proc/thread.h"
#include "../wait/wait_queue.h"

namespace wasmux {

namespace {

IntrusiveList<KernelTimer, &KernelTimer::m_node>& armed_timers() {
  static auto* list = new IntrusiveList<KernelTimer, &KernelTimer::m_node>;
  return *list;
}

// The service sleeps on this queue until its first deadline; arming an earlier one wakes it.
WaitQueue& service_queue() {
  static WaitQueue* queue = new WaitQueue;
  return *queue;
}

bool g_service_requested = false;

} // namespace

void KernelTimer::arm(i64 deadline) {
  VERIFY_LOCKED();
  m_node.unlink();
  m_deadline = deadline;
  KernelTimer* after = nullptr;
  armed_timers().for_each([&](KernelTimer& t) {
    if (!after && t.m_deadline > deadline) after = &t;
  });
  armed_timers().insert_before(*this, after);
  if (armed_timers().first() != this) return; // the service wakes for an earlier one anyway
  if (!g_service_requested) {
    g_service_requested = true;
    host().start_timer_service();
  }
  service_queue().wake_all();
}

i64 run_due_timers(i64 now) {
  VERIFY_LOCKED();
  // Those due now are taken out first: one that an expiry arms again for a moment already
  // past waits for the next look instead of running for ever. An expiry may arm or cancel
  // any timer, one of those taken out included (it then leaves this list).
  IntrusiveList<KernelTimer, &KernelTimer::m_node> due;
  while (KernelTimer* t = armed_timers().first()) {
    if (t->m_deadline > now) break;
    t->cancel();
    due.push_back(*t);
  }
  while (KernelTimer* t = due.first()) {
    t->cancel();
    t->expire(now);
  }
  KernelTimer* first = armed_timers().first();
  return first ? first->m_deadline : -1;
}

void run_timer_service() {
  Thread& self = *current_thread();
  for (;;) {
    i64 next = run_due_timers(host().monotonic_ns());
    ThreadWaiter w(self);
    service_queue().add(w);
    (void)self.block_uninterruptible(next);
  }
}

} // namespace wasmux
