#pragma once
// Wait queues: a blocked read, a poll and (later) an epoll registration are all waiters on
// the queues of the objects they watch. Objects wake their queues on edges only
// (empty→non-empty, full→not-full, last writer gone), as Linux fs/pipe.c does.
#include "../base/list.h"
#include "../base/verify.h"
#include "../entry/big_lock.h"
#include "../base/types.h"

namespace wasmux {

class Thread;
class WaitQueue;

// A registration of one thread on one queue; removes itself when destroyed.
class Waiter {
public:
  explicit Waiter(Thread& thread) : m_thread(thread) { ++s_live; }
  ~Waiter() {
    m_node.unlink();
    --s_live;
  }
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;
  Waiter(Waiter&& o) : m_thread(o.m_thread) {
    o.m_node.unlink();
    ++s_live;
  }
  Thread& thread() { return m_thread; }
  // Registrations alive now (none when no thread sleeps: tests/fuzz/fuzz_checks.cpp).
  static usize live() { return s_live; }
  ListNode m_node;

private:
  Thread& m_thread;
  static inline usize s_live = 0;
};

class WaitQueue {
public:
  void add(Waiter& w) {
    VERIFY_LOCKED();
    w.m_node.unlink();
    m_waiters.push_back(w);
  }
  bool has_waiters() const { return !m_waiters.empty(); }
  // Wakes every waiter; each re-checks its condition (restart model).
  void wake_all();

private:
  IntrusiveList<Waiter, &Waiter::m_node> m_waiters;
};

} // namespace wasmux
