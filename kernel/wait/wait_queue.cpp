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

namespace {

// Entries with deferred work, and how deep the notifications in progress are nested (an
// epoll registration's notify notifies the epoll's own queue).
IntrusiveList<WaitEntry, &WaitEntry::m_deferred_node>& deferred_entries() {
  static IntrusiveList<WaitEntry, &WaitEntry::m_deferred_node> list;
  return list;
}
int notify_depth = 0;

// One at a time from the front: each may end processes whose files remove other entries
// (which leave this list as they go) or the entry itself.
void run_deferred() {
  auto& list = deferred_entries();
  while (WaitEntry* e = list.first()) {
    e->m_deferred_node.unlink();
    e->deferred();
  }
}

// Walks a queue: deferred work runs when the outermost walk is over.
template <typename F> void walk(F f) {
  ++notify_depth;
  f();
  if (--notify_depth == 0 && !deferred_entries().empty()) run_deferred();
}

} // namespace

void WaitEntry::defer() {
  if (!m_deferred_node.linked()) deferred_entries().push_back(*this);
}

void WaitQueue::notify(u32 events) {
  VERIFY_LOCKED();
  walk([&] {
    m_entries.for_each([events](WaitEntry& e) {
      if (e.interest() & events) e.notify(events);
    });
    bool taken = false;
    m_exclusive.for_each([&](WaitEntry& e) {
      if (!taken && (e.interest() & events)) taken = e.notify(events);
    });
  });
}

void WaitQueue::wake_all() {
  VERIFY_LOCKED();
  walk([&] {
    m_entries.for_each([](WaitEntry& e) { e.notify(all_events); });
    m_exclusive.for_each([](WaitEntry& e) { e.notify(all_events); });
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
