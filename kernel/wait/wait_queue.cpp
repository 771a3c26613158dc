#include "wait_queue.h"

#include "../proc/thread.h"

namespace wasmux {

bool ThreadWaiter::notify(u32) {
  m_thread.wake();
  return true;
}

WaitQueue::~WaitQueue() {
  m_entries.for_each([](WaitEntry& e) { e.dequeue(); });
  m_exclusive.for_each([](WaitEntry& e) { e.dequeue(); });
}

void WaitQueue::notify(u32 events) {
  VERIFY_LOCKED();
  m_entries.for_each([events](WaitEntry& e) {
    if (e.interest() & events) e.notify(events);
  });
  bool taken = false;
  m_exclusive.for_each([&](WaitEntry& e) {
    if (!taken && (e.interest() & events)) taken = e.notify(events);
  });
}

void WaitQueue::wake_all() {
  VERIFY_LOCKED();
  m_entries.for_each([](WaitEntry& e) { e.notify(all_events); });
  m_exclusive.for_each([](WaitEntry& e) { e.notify(all_events); });
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
