// clone: threads (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD, as
// pthread_create makes them). A new process comes from fork (its own import) or
// posix_spawn (wasmux_spawn): one linear memory cannot be shared by halves, so clone of a
// process is refused clearly (EINVAL). The new thread runs on a worker of its own, on the
// process's shared memory, from the start record the glue passes (abi::CloneStart).
#include "syscall.h"

namespace wasmux {

namespace {

constexpr u32 thread_flags = abi::clone_vm | abi::clone_fs | abi::clone_files | abi::clone_sighand | abi::clone_thread;
constexpr u32 allowed_flags = thread_flags | abi::clone_sysvsem | abi::clone_settls | abi::clone_parent_settid |
                              abi::clone_child_cleartid | abi::clone_child_settid | abi::clone_detached;

// RLIMIT_NPROC counts the tasks of a real user (kernel/fork.c copy_process): processes
// and threads alike; a privileged caller is not limited.
bool over_task_limit(Process& p) {
  u32 uid = p.credentials().uid;
  if (uid == 0) return false;
  u64 tasks = 0;
  ProcessTable::the().for_each([&](Process& q) {
    if (q.credentials().uid != uid || q.has_exited()) return;
    q.for_each_thread([&](Thread&) { ++tasks; });
  });
  return tasks >= p.rlimit(abi::rlimit_nproc).cur;
}

} // namespace

SyscallResult sys_clone(const SyscallArgs& a) {
  u32 flags = a.u32_(0);
  // kernel/fork.c copy_process: CLONE_THREAD needs CLONE_SIGHAND, which needs CLONE_VM.
  if ((flags & abi::clone_thread) && !(flags & abi::clone_sighand)) return Errno::einval;
  if ((flags & abi::clone_sighand) && !(flags & abi::clone_vm)) return Errno::einval;
  if ((flags & thread_flags) != thread_flags || (flags & ~(allowed_flags | abi::csignal))) return Errno::einval;
  if (!a.ptr(5)) return Errno::einval;
  abi::CloneStart start = TRY(a.user<abi::CloneStart>(5).read());
  Thread& parent = current();
  Process& p = parent.process();
  if (over_task_limit(p)) return Errno::eagain;
  // A memory grown by one thread is not at once usable by the others' bulk and atomic
  // instructions (docs/guest-abi.md, "Memory"): before a process has a second thread its
  // memory takes its whole maximum (reserved, not yet backed), so it never grows again.
  if (p.live_thread_count() == 1 && !host().user_memory_grow_to_maximum()) return Errno::eagain;
  i32 tid = TRY(ProcessTable::the().allocate_id());
  RefPtr<Thread> t = p.add_thread(tid);
  // The new thread has the creator's mask and scheduling and no alternate stack
  // (clone(2), sigaltstack(2)); it is "in the kernel" until its worker starts it.
  t->mark_starting();
  t->set_blocked(parent.blocked());
  t->set_scheduling(parent.scheduling().inherited());
  start.stack_pointer = a.ptr(1);
  t->set_start(start);
  if (flags & abi::clone_child_cleartid) t->set_clear_child_tid(a.ptr(4));
  auto undo = [&](Errno e) -> SyscallResult {
    p.remove_thread(*t);
    return e;
  };
  if (flags & abi::clone_parent_settid) {
    auto r = a.user<i32>(2).write(tid);
    if (r.is_error()) return undo(r.error());
  }
  if (flags & abi::clone_child_settid) {
    auto r = a.user<i32>(4).write(tid);
    if (r.is_error()) return undo(r.error());
  }
  auto started = host().start_thread(p.pid(), tid);
  if (started.is_error()) return undo(Errno::eagain);
  return tid;
}

} // namespace wasmux
