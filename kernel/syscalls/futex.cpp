// futex, set_robust_list, get_robust_list (futex(2), set_robust_list(2)); the waiters
// themselves are in ipc/futex.h.
#include "../ipc/futex.h"
#include "../host/host_port.h"
#include "../time/clocks.h"
#include "syscall.h"

namespace wasmux {

namespace {

constexpr u32 all_bits = ~0u;

// Whether a process may look at another's thread state (Linux ptrace_may_access, read
// mode): itself, a privileged caller, or the same real user.
bool may_read_thread_state(Process& self, Process& target) {
  return &self == &target || self.credentials().euid == 0 || self.credentials().uid == target.credentials().uid;
}

// The deadline on the monotonic clock of a futex timeout: relative for FUTEX_WAIT,
// absolute on CLOCK_MONOTONIC (or CLOCK_REALTIME with FUTEX_CLOCK_REALTIME) for
// FUTEX_WAIT_BITSET (futex(2)). -1: none.
Result<i64> futex_deadline(UserAddr timeout, bool absolute, bool realtime) {
  if (!timeout) return -1;
  auto ts = TRY(UserPtr<abi::Timespec>(timeout).read());
  if (ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000 || (!absolute && ts.tv_sec < 0)) return Errno::einval;
  constexpr i64 far = INT64_MAX / 4;
  i64 ns = ts.tv_sec > far / 1000000000 ? far : ts.tv_sec * 1000000000 + ts.tv_nsec;
  i64 now = host().monotonic_ns();
  if (!absolute) return ns > far - now ? -1 : now + ns;
  if (realtime) ns = ns - realtime_now() + now;
  return max<i64>(ns, 0);
}

// FUTEX_WAIT(_BITSET): sleeps while *uaddr == val until a wake-up meeting bitset, the
// deadline or a signal. An untimed wait interrupted by a signal restarts (ERESTARTSYS); a
// timed one keeps its deadline across a restart and fails with EINTR when a handler runs
// (Linux futex_wait's restart block).
SyscallResult futex_wait(UserAddr uaddr, u32 val, UserAddr timeout, bool absolute, bool realtime, u32 bitset) {
  Thread& t = current();
  i64 deadline = t.restart_deadline();
  if (deadline < 0) deadline = TRY(futex_deadline(timeout, absolute, realtime));
  u32 current_value = TRY(UserPtr<u32>(uaddr).read());
  if (current_value != val) return Errno::eagain;
  FutexWaiter w{&t, &t.process(), uaddr, bitset};
  FutexTable::the().enqueue(w);
  auto r = t.block(deadline);
  FutexTable::dequeue(w);
  if (w.woken) return 0;
  if (!r.is_error()) return 0; // a spurious wake-up, which futex(2) allows
  if (r.error() == Errno::etimedout) return Errno::etimedout;
  if (deadline < 0) return Errno::restart_sys;
  t.set_restart_deadline(deadline);
  return Errno::restart_nohand;
}

// FUTEX_WAKE_OP's operation on *uaddr2 and its comparison (futex(2), "FUTEX_WAKE_OP"), as
// one atomic read-modify-write against the guest's own atomics.
Result<bool> wake_op(UserAddr uaddr2, u32 encoded) {
  u32 op = (encoded >> 28) & 15, cmp = (encoded >> 24) & 15;
  i32 oparg = static_cast<i32>(encoded << 8) >> 20, cmparg = static_cast<i32>(encoded << 20) >> 20;
  if (op & abi::futex_op_oparg_shift) {
    if (oparg < 0 || oparg > 31) return Errno::einval;
    oparg = static_cast<i32>(1u << oparg);
    op &= ~static_cast<u32>(abi::futex_op_oparg_shift);
  }
  if (op > abi::futex_op_xor) return Errno::enosys;
  i32 old;
  for (;;) {
    old = static_cast<i32>(TRY(UserPtr<u32>(uaddr2).read()));
    i32 next;
    switch (op) {
    case abi::futex_op_set: next = oparg; break;
    case abi::futex_op_add: next = static_cast<i32>(static_cast<u32>(old) + static_cast<u32>(oparg)); break;
    case abi::futex_op_or: next = old | oparg; break;
    case abi::futex_op_andn: next = old & ~oparg; break;
    default: next = old ^ oparg; break;
    }
    u32 seen = TRY(host().user_compare_exchange(uaddr2, static_cast<u32>(old), static_cast<u32>(next)));
    if (seen == static_cast<u32>(old)) break;
  }
  switch (cmp) {
  case abi::futex_op_cmp_eq: return old == cmparg;
  case abi::futex_op_cmp_ne: return old != cmparg;
  case abi::futex_op_cmp_lt: return old < cmparg;
  case abi::futex_op_cmp_le: return old <= cmparg;
  case abi::futex_op_cmp_gt: return old > cmparg;
  case abi::futex_op_cmp_ge: return old >= cmparg;
  default: return Errno::enosys;
  }
}

// FUTEX_LOCK_PI / FUTEX_TRYLOCK_PI: the word holds its owner's tid (FUTEX_WAITERS when
// others wait, FUTEX_OWNER_DIED after a robust owner's death); a free word is taken with a
// compare-and-exchange, a held one is waited for until FUTEX_UNLOCK_PI hands it over
// (kernel/futex/pi.c). Priorities are not inherited: the host schedules every worker alike
// (docs/guest-abi.md, "Threads").
SyscallResult futex_lock_pi(UserAddr uaddr, UserAddr timeout, bool try_only, bool realtime) {
  Thread& t = current();
  Process& p = t.process();
  u32 tid = static_cast<u32>(t.tid());
  i64 deadline = t.restart_deadline();
  // The timeout is absolute: on CLOCK_REALTIME for FUTEX_LOCK_PI, on CLOCK_MONOTONIC for
  // FUTEX_LOCK_PI2 unless FUTEX_CLOCK_REALTIME (futex(2)).
  if (deadline < 0 && !try_only) deadline = TRY(futex_deadline(timeout, true, realtime));
  FutexTable& table = FutexTable::the();
  for (;;) {
    u32 v = TRY(UserPtr<u32>(uaddr).read());
    u32 owner = v & abi::futex_tid_mask;
    if (owner == 0) {
      u32 next = tid | (v & abi::futex_owner_died) | (table.first_waiter(p, uaddr) ? abi::futex_waiters : 0);
      if (TRY(host().user_compare_exchange(uaddr, v, next)) == v) return 0;
      continue;
    }
    if (owner == tid) return Errno::edeadlk;
    if (try_only) return Errno::eagain;
    if (!(v & abi::futex_waiters) && TRY(host().user_compare_exchange(uaddr, v, v | abi::futex_waiters)) != v) continue;
    FutexWaiter w{&t, &p, uaddr, all_bits};
    table.enqueue(w);
    auto r = t.block(deadline);
    FutexTable::dequeue(w);
    if (w.woken) return 0; // handed over by FUTEX_UNLOCK_PI: the word names this thread
    if (!r.is_error()) continue;
    if (r.error() == Errno::etimedout) return Errno::etimedout;
    t.set_restart_deadline(deadline);
    return Errno::restart_sys;
  }
}

// FUTEX_UNLOCK_PI: the owner gives the word to the oldest waiter (keeping FUTEX_WAITERS
// when more wait), or frees it.
SyscallResult futex_unlock_pi(UserAddr uaddr) {
  Thread& t = current();
  Process& p = t.process();
  FutexTable& table = FutexTable::the();
  for (;;) {
    u32 v = TRY(UserPtr<u32>(uaddr).read());
    if ((v & abi::futex_tid_mask) != static_cast<u32>(t.tid())) return Errno::eperm;
    FutexWaiter* heir = table.first_waiter(p, uaddr);
    u32 next = 0;
    if (heir)
      next = static_cast<u32>(heir->thread->tid()) | (table.first_waiter(p, uaddr, heir) ? abi::futex_waiters : 0);
    if (TRY(host().user_compare_exchange(uaddr, v, next)) != v) continue;
    if (heir) FutexTable::wake_waiter(*heir);
    return 0;
  }
}

} // namespace

SyscallResult sys_futex(const SyscallArgs& a) {
  UserAddr uaddr = a.ptr(0);
  i32 op = a.i32_(1);
  u32 val = a.u32_(2);
  UserAddr uaddr2 = a.ptr(4);
  u32 val3 = a.u32_(5);
  i32 cmd = op & static_cast<i32>(abi::futex_cmd_mask);
  bool realtime = op & abi::futex_clock_realtime;
  // Private and shared futexes are keyed alike: a process's memory is its own (no memory
  // is shared between processes yet).
  if (realtime && cmd != abi::futex_wait && cmd != abi::futex_wait_bitset && cmd != abi::futex_lock_pi2)
    return Errno::enosys;
  if (uaddr % 4) return Errno::einval;
  Process& p = current_process();
  FutexTable& table = FutexTable::the();
  switch (cmd) {
  case abi::futex_wait: return futex_wait(uaddr, val, a.ptr(3), false, realtime, all_bits);
  case abi::futex_wait_bitset:
    if (!val3) return Errno::einval;
    return futex_wait(uaddr, val, a.ptr(3), true, realtime, val3);
  case abi::futex_wake:
  case abi::futex_wake_bitset: {
    u32 bits = cmd == abi::futex_wake ? all_bits : val3;
    if (!bits) return Errno::einval;
    TRY(UserPtr<u32>(uaddr).read()); // EFAULT for an address outside the process
    return table.wake(p, uaddr, val, bits);
  }
  case abi::futex_requeue:
  case abi::futex_cmp_requeue: {
    // The fourth argument is a count here (val2), not a timeout.
    u32 requeue = a.u32_(3);
    if (uaddr2 % 4 || static_cast<i32>(val) < 0 || static_cast<i32>(requeue) < 0) return Errno::einval;
    u32 current_value = TRY(UserPtr<u32>(uaddr).read());
    TRY(UserPtr<u32>(uaddr2).read());
    if (cmd == abi::futex_cmp_requeue && current_value != val3) return Errno::eagain;
    return table.requeue(p, uaddr, uaddr2, val, requeue);
  }
  case abi::futex_wake_op: {
    if (uaddr2 % 4) return Errno::einval;
    TRY(UserPtr<u32>(uaddr).read());
    bool second = TRY(wake_op(uaddr2, val3));
    u32 woken = table.wake(p, uaddr, val);
    if (second) woken += table.wake(p, uaddr2, a.u32_(3));
    return woken;
  }
  case abi::futex_lock_pi: return futex_lock_pi(uaddr, a.ptr(3), false, true);
  case abi::futex_lock_pi2: return futex_lock_pi(uaddr, a.ptr(3), false, realtime);
  case abi::futex_trylock_pi: return futex_lock_pi(uaddr, 0, true, false);
  case abi::futex_unlock_pi: return futex_unlock_pi(uaddr);
  default: return Errno::enosys; // FUTEX_FD, the requeue-to-PI operations
  }
}

// set_robust_list(2): the head of the thread's list of robust mutexes held, walked when it
// ends (proc/thread.h exit_robust_list); len must be the head's size.
SyscallResult sys_set_robust_list(const SyscallArgs& a) {
  if (a.size(1) != sizeof(abi::RobustListHead)) return Errno::einval;
  current().set_robust_list(a.ptr(0));
  return 0;
}

SyscallResult sys_get_robust_list(const SyscallArgs& a) {
  i32 tid = a.i32_(0);
  Thread* t = tid == 0 ? &current() : ProcessTable::the().find_thread(tid);
  if (!t) return Errno::esrch;
  if (!may_read_thread_state(current_process(), t->process())) return Errno::eperm;
  TRY(a.user<u32>(1).write(t->robust_list()));
  TRY(a.user<u32>(2).write(sizeof(abi::RobustListHead)));
  return 0;
}

} // namespace wasmux
