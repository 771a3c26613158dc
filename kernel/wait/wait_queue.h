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
    --s_live;
  }
  WaitEntry(const WaitEntry&) = delete;
  WaitEntry& operator=(const WaitEntry&) = delete;

  // The queue's owner announces `events` (those of the entry's interest among them), the
  // lock held. An entry may unlink itself here, never another entry of the same queue.
  virtual void notify(u32 events) = 0;
  u32 interest() const { return m_interest; }
  void set_interest(u32 interest) { m_interest = interest; }
  bool queued() const { return m_node.linked(); }
  void dequeue() { m_node.unlink(); }
  // Entries alive now (none when no thread sleeps: tests/fuzz/fuzz_checks.cpp).
  static usize live() { return s_live; }
  ListNode m_node;

private:
  u32 m_interest;
  static inline usize s_live = 0;
};

// A thread's entry: a notification wakes it, and it re-checks what it waits for.
class ThreadWaiter final : public WaitEntry {
public:
  explicit ThreadWaiter(Thread& thread, u32 interest = all_events) : WaitEntry(interest), m_thread(thread) {}
  void notify(u32) override;
  Thread& thread() { return m_thread; }

private:
  Thread& m_thread;
};

class WaitQueue {
public:
  WaitQueue() = default;
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;
  void add(WaitEntry& e) {
    VERIFY_LOCKED();
    e.m_node.unlink();
    m_entries.push_back(e);
  }
  bool has_waiters() const { return !m_entries.empty(); }
  // Calls every entry whose interest meets `events`.
  void notify(u32 events);
  // Wakes every entry; each re-checks its condition (restart model).
  void wake_all() { notify(all_events); }

private:
  IntrusiveList<WaitEntry, &WaitEntry::m_node> m_entries;
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
