#pragma once
// Futexes (futex(2), Linux kernel/futex/): threads wait on a 32-bit word of their process's
// memory and are woken by address. A waiter is a thread blocked in the kernel (on its own
// wake word, DESIGN §1); the value check and the registration happen under the big lock,
// and every wake takes the lock too, so no wake-up between check and sleep is lost.
#include "../base/list.h"
#include "../base/result.h"

namespace wasmux {

class Process;
class Thread;

// One thread waiting on (process, address) for the wake-ups whose bitset meets its own.
struct FutexWaiter {
  Thread* thread;
  Process* process;
  UserAddr address;
  u32 bitset;
  bool woken{false};
  ListNode node;
};

class FutexTable {
public:
  static FutexTable& the();
  void enqueue(FutexWaiter& w) { m_waiters.push_back(w); }
  static void dequeue(FutexWaiter& w) { w.node.unlink(); }
  // Takes w off the table and wakes its thread (w.woken tells it so).
  static void wake_waiter(FutexWaiter& w);
  // Wakes up to count waiters on (process, address) whose bitset meets bitset; the number
  // woken.
  u32 wake(Process& process, UserAddr address, u32 count, u32 bitset = ~0u);
  // Wakes up to wake_count waiters of from, then moves up to requeue_count of the rest to
  // to; the number woken plus moved.
  u32 requeue(Process& process, UserAddr from, UserAddr to, u32 wake_count, u32 requeue_count);
  // The oldest waiter on (process, address), or nullptr (FUTEX_UNLOCK_PI's heir).
  FutexWaiter* first_waiter(Process& process, UserAddr address, FutexWaiter* after = nullptr);
  // A thread ends: each robust mutex it still holds is marked FUTEX_OWNER_DIED and one
  // waiter woken (Linux kernel/futex/core.c exit_robust_list). The thread's process memory
  // must be the calling instance's.
  void exit_robust_list(Thread& thread);

private:
  IntrusiveList<FutexWaiter, &FutexWaiter::node> m_waiters;
};

} // namespace wasmux
