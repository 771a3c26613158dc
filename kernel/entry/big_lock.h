#pragma once
// The big kernel lock: every kernel instance takes it on entry (DESIGN §1). A three-state
// futex mutex (0 free, 1 held, 2 held with waiters), as in Drepper's "Futexes Are Tricky".
#include <atomic>

#include "../base/types.h"

namespace wasmux {

class BigLock {
public:
  void lock();
  void unlock();
  bool is_held() const { return m_state.load(std::memory_order_relaxed) != 0; }
  // Whether the calling kernel instance holds it: after a trap, that means the trap came
  // from kernel code (a kernel bug: its state may be half-changed).
  bool held_by_caller() const;
  // Takes the lock if it is free now.
  bool try_lock();

private:
  std::atomic<i32> m_state{0};
  std::atomic<const void*> m_owner{nullptr};
};

BigLock& big_lock();

// Holds the lock for a scope.
class LockGuard {
public:
  LockGuard() { big_lock().lock(); }
  ~LockGuard() { big_lock().unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;
};

// Drops the lock for a scope (host I/O that may block must not hold it).
class Unlocked {
public:
  Unlocked() { big_lock().unlock(); }
  ~Unlocked() { big_lock().lock(); }
  Unlocked(const Unlocked&) = delete;
  Unlocked& operator=(const Unlocked&) = delete;
};

} // namespace wasmux
