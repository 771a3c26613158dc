// Process and thread lifecycles the host drives: processes it creates, the thread a worker
// runs attaching and finishing, what it reports of a process, kill from the host, the
// timer service thread.
// Every export takes the big lock itself (entry/exports.h).
#if defined(__wasm__)
#include "exports.h"

using namespace wasmux;
using namespace wasmux::exports;

// Block: u32 argc, u32 envc, argc strings, envc strings, the cwd; each NUL-terminated.
EXPORT(wasmux_process_create) int wasmux_process_create(const char* block) {
  LockGuard lock;
  u32 argc, envc;
  __builtin_memcpy(&argc, block, 4);
  __builtin_memcpy(&envc, block + 4, 4);
  const char* p = block + 8;
  Vector<String> argv = unpack_strings(p, argc);
  Vector<String> envp = unpack_strings(p, envc);
  auto r = create_host_process(std::move(argv), std::move(envp), std::string_view(p));
  return r.is_error() ? error_of(r.error()) : r.value()->pid();
}

EXPORT(wasmux_thread_attach) int wasmux_thread_attach(int pid, unsigned heap_base) {
  LockGuard lock;
  Process* p = pid == 1 ? &init_process() : ProcessTable::the().find(pid);
  if (!p) return error_of(Errno::esrch);
  auto t = attach_thread(*p, heap_base);
  return t.is_error() ? error_of(t.error()) : t.value()->tid();
}

// A worker takes thread tid of process pid, made by clone: 0 with out[0] = its start record
// (abi::CloneStart in kernel memory); or -ESRCH when it is not to run any more, with out[1]
// = its process's wait status when that ended with it (else -1).
EXPORT(wasmux_thread_attach_clone) int wasmux_thread_attach_clone(int pid, int tid, unsigned* out) {
  LockGuard lock;
  i32 ended = thread_goes_on;
  auto start = attach_cloned_thread(pid, tid, ended);
  out[1] = static_cast<unsigned>(ended);
  if (start.is_error()) return error_of(start.error());
  out[0] = static_cast<unsigned>(reinterpret_cast<uintptr_t>(start.value()));
  return 0;
}

// signal: 0 when the guest returned, else the signal its trap stands for. Returns the
// process's wait status when it ended with this thread, its last, else -1 (it goes on).
EXPORT(wasmux_thread_finish) int wasmux_thread_finish(int signal) {
  Thread* t = current_thread();
  if (t && !t->enter_kernel()) return thread_killed;
  if (signal < 0 || signal >= 64) signal = abi::sigsegv;
  // finish_thread may free the thread: a reference taken and dropped under the lock keeps
  // it for leave_kernel, which must come after the lock is released (a thread in user
  // state may be terminated at any moment, so never while it holds the lock).
  RefPtr<Thread> keep;
  i32 status;
  {
    LockGuard lock;
    keep = RefPtr<Thread>(t);
    status = finish_thread(signal);
  }
  if (t) t->leave_kernel();
  LockGuard lock;
  keep = nullptr;
  return status;
}

// Whether the calling thread ended through exit, or its process through exit_group or a
// signal (a trap after that is the kernel's or the glue's, not a crash). Asked of the
// thread, not a pid: a parent may already have reaped the pid.
EXPORT(wasmux_thread_process_exited) int wasmux_thread_process_exited() {
  ThreadEntry entry;
  if (!entry.ok()) return thread_killed;
  LockGuard lock;
  Thread* t = current_thread();
  return t && (t->process().has_exited() || t->exiting());
}

// The wait status of a process still in the table (-ESRCH otherwise): what a worker
// reports when the process ended before its first thread could start.
EXPORT(wasmux_process_status) int wasmux_process_status(int pid) {
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return error_of(Errno::esrch);
  return p->wait_status();
}

// What the host API tells embedders about a process: [ppid, fork count, argv bytes
// length, argv as NUL-terminated strings] in kernel memory, valid until the next call on
// this instance; 0 when there is no such process.
EXPORT(wasmux_process_describe) unsigned wasmux_process_describe(int pid) {
  // A process worker asks too (after an exec): it must not be terminated holding the lock.
  ThreadEntry entry;
  if (!entry.ok()) return 0;
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return 0;
  // Per instance: the main thread and a worker (after an exec) may both ask, and each reads
  // its answer after the lock is released.
  Answer& out = instance_answer();
  out.clear();
  out.put32(static_cast<u32>(p->ppid()));
  out.put32(p->fork_count());
  u32 len = 0;
  for (auto& a : p->argv())
    len += static_cast<u32>(a.length() + 1);
  out.put32(len);
  for (auto& a : p->argv()) {
    for (char c : a.view())
      out.put_byte(static_cast<u8>(c));
    out.put_byte(0);
  }
  return out.address();
}

// The threads of a process, for the host API's getThreads: [count, then per thread: tid,
// state] in kernel memory, valid until the next call on this instance; 0 when there is no
// such process. States: 0 running user code, 1 running in the kernel, 2 asleep in the
// kernel, 3 stopped, 4 ending (exit called, or killed).
EXPORT(wasmux_process_threads) unsigned wasmux_process_threads(int pid) {
  ThreadEntry entry;
  if (!entry.ok()) return 0;
  LockGuard lock;
  Process* p = pid == 1 ? &init_process() : ProcessTable::the().find(pid);
  if (!p) return 0;
  Answer& out = instance_answer();
  out.clear();
  out.put32(0);
  p->for_each_thread([&](Thread& t) {
    u32 state = t.exiting() || t.killed() || p->has_exited() ? 4
                : p->stopped()                                 ? 3
                : t.sleeping()                                 ? 2
                : t.in_kernel()                                ? 1
                                                               : 0;
    out.put32(static_cast<u32>(t.tid()));
    out.put32(state);
  });
  out.set32(0, static_cast<u32>((out.words() - 1) / 2));
  return out.address();
}

// kill(2) from the host (the embedder's API, the CLI forwarding its own signals): the
// kernel is the sender (SI_USER, pid 0). Negative pid: a process group.
EXPORT(wasmux_kill) int wasmux_kill(int pid, int sig) {
  LockGuard lock;
  if (sig < 0 || sig > max_signal) return error_of(Errno::einval);
  Vector<RefPtr<Process>> targets;
  ProcessTable::the().for_each([&](Process& p) {
    if (p.has_exited()) return;
    if (pid > 0 ? p.pid() == pid : p.pgid() == -pid) targets.append(RefPtr<Process>(&p));
  });
  if (targets.empty()) return error_of(Errno::esrch);
  if (sig)
    for (auto& p : targets)
      send_signal(*p, make_siginfo(sig, abi::si_user));
  return 0;
}

// The worker of a thread killed in user code is gone (signal.h release_killed_thread).
EXPORT(wasmux_killed_thread_release) void wasmux_killed_thread_release(int tid) {
  LockGuard lock;
  release_killed_thread(tid);
}

// The timer service thread (time/timer_list.h): attached to init, never returns.
EXPORT(wasmux_timer_service) void wasmux_timer_service() {
  LockGuard lock;
  if (attach_thread(init_process(), 0).is_error()) return;
  run_timer_service();
}

// The host could not start a process the kernel made: it ends with this wait status.
EXPORT(wasmux_process_fail) void wasmux_process_fail(int pid, int status) {
  LockGuard lock;
  if (Process* p = ProcessTable::the().find(pid)) p->exit(status);
}

EXPORT(wasmux_process_reap) void wasmux_process_reap(int pid) {
  LockGuard lock;
  ProcessTable::the().remove(pid);
}
#endif
