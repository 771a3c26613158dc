#include "wait_queue.h"

#include "../proc/thread.h"

namespace wasmux {

void ThreadWaiter::notify(u32) { m_thread.wake(); }

void WaitQueue::notify(u32 events) {
  VERIFY_LOCKED();
  m_entries.for_each([events](WaitEntry& e) {
    if (e.interest() & events) e.notify(events);
  });
}

ThreadPollTable::~ThreadPollTable() {
  for (ThreadWaiter* w : m_waiters)
    delete w;
}

void ThreadPollTable::watch(WaitQueue& queue) {
  auto* w = new ThreadWaiter(m_thread, key());
  queue.add(*w);
  m_waiters.append(w);
}

} // namespace wasmux
