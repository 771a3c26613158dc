#include "futex.h"

#include "../base/user_buffer.h"
#include "../base/verify.h"
#include "../entry/big_lock.h"
#include "../host/host_port.h"
#include "../proc/process.h"

namespace wasmux {

FutexTable& FutexTable::the() {
  static FutexTable* table = new FutexTable;
  return *table;
}

void FutexTable::wake_waiter(FutexWaiter& w) {
  w.node.unlink();
  w.woken = true;
  w.thread->wake();
}

u32 FutexTable::wake(Process& process, UserAddr address, u32 count, u32 bitset) {
  VERIFY_LOCKED();
  u32 woken = 0;
  // In arrival order (Linux wakes the oldest waiters of a priority first).
  m_waiters.for_each([&](FutexWaiter& w) {
    if (woken >= count || w.process != &process || w.address != address || !(w.bitset & bitset)) return;
    wake_waiter(w);
    ++woken;
  });
  return woken;
}

u32 FutexTable::requeue(Process& process, UserAddr from, UserAddr to, u32 wake_count, u32 requeue_count) {
  u32 woken = wake(process, from, wake_count);
  u32 moved = 0;
  m_waiters.for_each([&](FutexWaiter& w) {
    if (moved >= requeue_count || w.process != &process || w.address != from) return;
    w.address = to; // the waiter's place in the list (its age) is kept
    ++moved;
  });
  return woken + moved;
}

namespace {

// Linux handle_futex_death: the lock word still names the dead owner.
void release_dead_owner(FutexTable& table, Thread& t, UserAddr uaddr) {
  if (uaddr % 4) return;
  // A compare-and-exchange: other threads may be setting FUTEX_WAITERS on it right now.
  for (int tries = 0; tries < 64; ++tries) {
    auto value = UserPtr<u32>(uaddr).read();
    if (value.is_error() || (value.value() & abi::futex_tid_mask) != static_cast<u32>(t.tid())) return;
    u32 next = (value.value() & static_cast<u32>(abi::futex_waiters)) | static_cast<u32>(abi::futex_owner_died);
    auto old = host().user_compare_exchange(uaddr, value.value(), next);
    if (old.is_error()) return;
    if (old.value() != value.value()) continue;
    if (value.value() & abi::futex_waiters) table.wake(t.process(), uaddr, 1);
    return;
  }
}

} // namespace

void FutexTable::exit_robust_list(Thread& t) {
  UserAddr head_addr = t.robust_list();
  if (!head_addr) return;
  auto head = UserPtr<abi::RobustListHead>(head_addr).read();
  if (head.is_error()) return;
  UserAddr pending = head.value().list_op_pending;
  // The list is in user memory and may be corrupt: at most ROBUST_LIST_LIMIT entries.
  UserAddr entry = head.value().list & ~1u;
  for (int limit = 2048; entry && entry != head_addr && limit > 0; --limit) {
    auto next = UserPtr<u32>(entry).read();
    if (next.is_error()) break;
    if (entry != pending) release_dead_owner(*this, t, entry + static_cast<u32>(head.value().futex_offset));
    entry = next.value() & ~1u; // bit 0 marks a priority-inheritance futex
  }
  if (pending) release_dead_owner(*this, t, pending + static_cast<u32>(head.value().futex_offset));
  t.set_robust_list(0);
}

FutexWaiter* FutexTable::first_waiter(Process& process, UserAddr address, FutexWaiter* after) {
  FutexWaiter* found = nullptr;
  bool past = after == nullptr;
  m_waiters.for_each([&](FutexWaiter& w) {
    if (found) return;
    if (!past) {
      past = &w == after;
      return;
    }
    if (w.process == &process && w.address == address) found = &w;
  });
  return found;
}

} // namespace wasmux
