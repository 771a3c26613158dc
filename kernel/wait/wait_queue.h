#pragma once
// Wait queues, the readiness model of every file (Linux include/linux/wait.h and
// fs/select.c, gVisor's waiter.Queue). An object others wait on has one queue per condition
// it can announce (a pipe: one its readers wait on, one its writers wait on). An entry on a
// queue is a callback with the events it cares about: a thread asleep in read, poll or
// select, and later an epoll registration, are all entries. Producers notify with the
// events that became true, on edges only (empty→non-empty, full→not-full, last writer
// gone), as fs/pipe.c does; an entry whose interest they miss is not called.
#include "../base/list.h"
#include "../base/types.h"
#include "../base/vector.h"
#include "../base/verify.h"
#include "../entry/big_lock.h"

namespace wasmux {

class Thread;
class WaitQueue;

// Every event: a queue of something that is not a file (children, a stopped process)
// notifies with it, and an entry that wants every notification asks for it.
constexpr u32 all_events = ~0u;

class WaitEntry {
public:
  explicit WaitEntry(u32 interest) : m_interest(interest) { ++s_live; }
  virtual ~WaitEntry() {
    m_node.unlink();
    m_deferred_node.unlink();
    --s_live;
  }
  WaitEntry(const WaitEntry&) = delete;
  WaitEntry& operator=(const WaitEntry&) = delete;

  // The queue's owner announces `events` (those of the entry's interest among them), the
  // lock held. An entry may unlink itself here, never another entry of the same queue.
  // For an exclusive entry, whether it took the wake-up (the queue then stops there).
  virtual bool notify(u32 events) = 0;
  u32 interest() const { return m_interest; }
  void set_interest(u32 interest) { m_interest = interest; }
  // An exclusive entry is told only when no exclusive entry before it took the wake-up
  // (Linux add_wait_queue_exclusive, WQ_FLAG_EXCLUSIVE): threads in epoll_wait, and
  // EPOLLEXCLUSIVE registrations. Set before the entry is added.
  bool exclusive() const { return m_exclusive; }
  void set_exclusive(bool e) { m_exclusive = e; }
  bool queued() const { return m_node.linked(); }
  void dequeue() { m_node.unlink(); }
  // Work that may end processes (a signal an entry sends may be fatal, and an exit closes
  // files, taking entries off the very queue being walked) must not run inside notify: the
  // entry asks for it with defer(), and its deferred() runs when the outermost
  // notification returns. The entry may be gone by then (its removal cancels the request);
  // deferred() may delete it.
  void defer();
  virtual void deferred() {}
  // Entries alive now (none when no thread sleeps: tests/fuzz/fuzz_checks.cpp).
  static usize live() { return s_live; }
  ListNode m_node;
  ListNode m_deferred_node;

private:
  u32 m_interest;
  bool m_exclusive{false};
  static inline usize s_live = 0;
};

// A thread's entry: a notification wakes it, and it re-checks what it waits for.
class ThreadWaiter final : public WaitEntry {
public:
  explicit ThreadWaiter(Thread& thread, u32 interest = all_events) : WaitEntry(interest), m_thread(thread) {}
  bool notify(u32) override;
  Thread& thread() { return m_thread; }

private:
  Thread& m_thread;
};

class WaitQueue {
public:
  WaitQueue() = default;
  // A queue may go while entries are still on it: a socket's peer closes while this side
  // polls (its entries sit on the peer's queues), a listener goes while a connect waits
  // for room. Its entries are taken off, so their own removal later touches nothing freed;
  // whoever ends the object wakes them first.
  ~WaitQueue();
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;
  void add(WaitEntry& e) {
    VERIFY_LOCKED();
    e.m_node.unlink();
    (e.exclusive() ? m_exclusive : m_entries).push_back(e);
  }
  bool has_waiters() const { return !m_entries.empty() || !m_exclusive.empty(); }
  // Calls every non-exclusive entry whose interest meets `events`, then the exclusive ones
  // in the order they came until one takes the wake-up (Linux __wake_up_common with one
  // exclusive wake-up).
  void notify(u32 events);
  // Wakes every entry, exclusive ones too; each re-checks its condition (restart model).
  void wake_all();

private:
  IntrusiveList<WaitEntry, &WaitEntry::m_node> m_entries;
  IntrusiveList<WaitEntry, &WaitEntry::m_node> m_exclusive;
};

// What poll(2) hands a file with its question (Linux poll_table): the file calls watch() on
// every queue whose notification could change its answer. The table decides what to put
// there; `key` is the events its caller asks for (with POLLHUP and POLLERR, which are
// always reported), so an entry sleeps through notifications it does not care about.
class PollTable {
public:
  virtual ~PollTable() = default;
  virtual void watch(WaitQueue& queue) = 0;
  u32 key() const { return m_key; }
  void set_key(u32 key) { m_key = key; }

private:
  u32 m_key{all_events};
};

// The table of a thread about to sleep (poll, select, a blocking read or write): one
// ThreadWaiter on each queue watched, all removed when the table goes.
class ThreadPollTable final : public PollTable {
public:
  explicit ThreadPollTable(Thread& thread) : m_thread(thread) {}
  ~ThreadPollTable() override;
  void watch(WaitQueue& queue) override;

private:
  Thread& m_thread;
  Vector<ThreadWaiter*> m_waiters;
};

} // namespace wasmux
