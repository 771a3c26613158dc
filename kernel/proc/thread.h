#pragma once
// A thread of a process. Each runs in its own worker and enters the kernel through its own
// kernel instance; it blocks on its wake word with memory.atomic.wait32 (DESIGN §1).
#include <atomic>

#include "../base/list.h"
#include "../base/refptr.h"
#include "../base/result.h"
#include "../base/vector.h"
#include "../exec/wasm_image.h"
#include "../host/host_port.h"
#include "../signal/signal_state.h"

namespace wasmux {

class Process;

// A thread's scheduling policy (SCHED_OTHER by default) and priority.
struct SchedSetting {
  i32 policy{0};
  i32 priority{0};
  bool reset_on_fork{false};
  // What a child of fork or a new thread starts with (sched(7) SCHED_RESET_ON_FORK: the
  // real-time policies become SCHED_OTHER, and the flag itself is not inherited).
  SchedSetting inherited() const {
    if (!reset_on_fork) return *this;
    bool realtime = policy == abi::sched_fifo || policy == abi::sched_rr;
    return {realtime ? 0 : policy, realtime ? 0 : priority, false};
  }
};

class Thread : public RefCounted<Thread> {
public:
  Thread(i32 tid, Process& process);
  ~Thread();

  i32 tid() const { return m_tid; }
  // execve from a thread other than the leader: it takes the leader's id (fs/exec.c
  // de_thread exchanges the two).
  void set_tid(i32 tid) { m_tid = tid; }

  // exit(2) of this thread alone, its process going on: it leaves at its kernel exit and
  // its worker finishes it; the process's last thread to exit ends the process with its
  // status (kernel/exit.c do_exit).
  bool exiting() const { return m_exiting; }
  void set_exiting(i32 code) {
    m_exiting = true;
    m_exit_code = code;
  }
  i32 exit_code() const { return m_exit_code; }
  // set_tid_address(2), CLONE_CHILD_CLEARTID: the word zeroed when the thread ends.
  UserAddr clear_child_tid() const { return m_clear_child_tid; }
  void set_clear_child_tid(UserAddr addr) { m_clear_child_tid = addr; }
  // set_robust_list(2): the head of the thread's robust mutex list (0: none).
  UserAddr robust_list() const { return m_robust_list; }
  void set_robust_list(UserAddr head) { m_robust_list = head; }
  // A timed wait interrupted by a signal keeps its deadline for its restart (Linux's
  // restart block); the dispatcher forgets it once the call is over.
  i64 restart_deadline() const { return m_restart_deadline; }
  void set_restart_deadline(i64 deadline) { m_restart_deadline = deadline; }
  // Where a thread made by clone starts (its worker asks, abi::CloneStart).
  const abi::CloneStart& start() const { return m_start; }
  void set_start(const abi::CloneStart& s) { m_start = s; }
  // Asleep in the kernel (the lock dropped), for /proc's thread states.
  bool sleeping() const { return m_sleeping; }
  // The word a sleep waits on (1: woken), for the state dump: asleep with 1 is a wake-up
  // the sleeper has not seen.
  i32 wake_word() const { return m_wake_word.load(std::memory_order_relaxed); }
  Process& process() { return *m_process; }

  // Blocks the calling thread (the big lock held, its waiters registered) until woken or
  // until the monotonic clock reaches deadline_ns (negative: never). Drops the lock while
  // waiting and takes it back before returning. Returns Errno::etimedout on timeout, and
  // Errno::restart_sys when a signal is to be delivered or the process ended (the caller
  // unwinds; the kernel exit path restarts the call or returns EINTR).
  ErrorOr block(i64 deadline_ns);
  // The same, woken only by wake() or the deadline (a stopped thread parking, a service).
  ErrorOr block_uninterruptible(i64 deadline_ns);
  // Wakes this thread if it is blocked (the big lock held).
  void wake();
  // Whether a blocking wait has to end: a signal this thread can take, or its process is
  // gone or stopping.
  bool signal_pending();

  // ---- the run state: who may end this thread's worker (DESIGN §4) ----
  // A thread is in user code or in the kernel. Another thread ending the process can stop
  // a thread in user code only by having its worker terminated, which is safe only while
  // that thread cannot enter the kernel: the compare-and-swap below decides it.
  // enter_kernel: false when the thread was killed (it must not touch the kernel again).
  bool enter_kernel();
  void leave_kernel();
  // A thread made by clone counts as in the kernel until its worker runs it: it cannot be
  // in user code, and its worker, when it comes, finds whether it is still to run.
  void mark_starting() { m_run_state.store(run_kernel, std::memory_order_release); }
  // Claims a thread in user code for termination; false when it is in the kernel.
  bool mark_killed();
  bool killed() const { return m_run_state.load(std::memory_order_acquire) == run_killed; }
  // Only the thread itself leaves the kernel state, so this is stable for the thread asking.
  bool in_kernel() const { return m_run_state.load(std::memory_order_acquire) == run_kernel; }
  // "user", "kernel" or "killed", for the state dump.
  const char* run_state_name() const;
  // Draws the attention of a thread to its signals: the host sets its interrupt word, which
  // its loops test (docs/guest-abi.md, "Signals"). For a thread in user code, and for one in
  // the kernel but not asleep there, which may be past its last check on its way out; a
  // sleeper needs only wake(). The lock held.
  void interrupt();

  // ---- signals (signal(7)) ----
  SigSet blocked() const { return m_blocked; }
  void set_blocked(SigSet set) { m_blocked = set & ~unblockable_signals; }
  // sigsuspend, ppoll: a mask for the duration of one call. The old one comes back after
  // the handler that ends the call has run, or at kernel exit when no handler runs.
  void set_temporary_mask(SigSet set);
  bool has_temporary_mask() const { return m_restore_mask; }
  // The mask a handler's frame saves (the pre-call one during sigsuspend); forgets it.
  SigSet take_mask_to_restore();
  void restore_temporary_mask();
  SignalQueue& pending() { return m_pending; }
  // rt_sigtimedwait: signals waited for while blocked; they wake this thread.
  SigSet sigwait_set() const { return m_sigwait_set; }
  void set_sigwait_set(SigSet set) { m_sigwait_set = set; }
  abi::StackT& altstack() { return m_altstack; }
  // Whether a stack pointer lies on the alternate stack (Linux on_sig_stack).
  bool on_altstack(UserAddr sp) const {
    return !(m_altstack.ss_flags & abi::ss_disable) && sp > m_altstack.ss_sp &&
           sp <= m_altstack.ss_sp + m_altstack.ss_size;
  }
  // The result of a call that returned SIGNAL_PENDING instead, until wasmux_sigdeliver
  // moves it into a handler's frame or hands it back.
  void set_stashed_result(const Result<i64>& r) {
    m_stashed_result = r;
    m_stash_held = true;
  }
  // Whether a result waits for wasmux_sigdeliver (between SIGNAL_PENDING and it).
  bool stash_held() const { return m_stash_held; }
  Result<i64> take_stashed_result() {
    Result<i64> r = m_stash_held ? m_stashed_result : Result<i64>(0);
    m_stash_held = false;
    return r;
  }

  // Scheduling policy and priority (sched(7)): kept, reported, inherited; not enforced.
  i32 sched_policy() const { return m_sched.policy; }
  i32 sched_priority() const { return m_sched.priority; }
  bool sched_reset_on_fork() const { return m_sched.reset_on_fork; }
  const SchedSetting& scheduling() const { return m_sched; }
  void set_scheduling(i32 policy, i32 priority, bool reset_on_fork) { m_sched = {policy, priority, reset_on_fork}; }
  void set_scheduling(const SchedSetting& s) { m_sched = s; }

  // The worker's CPU clock when this thread started on it (workers are reused).
  // The system call this thread is in (-1: none), for the kernel's state dump.
  i32 current_syscall() const { return m_syscall; }
  void set_current_syscall(i32 nr) { m_syscall = nr; }
  i64 cpu_at_start() const { return m_cpu_at_start; }
  // The CPU time this thread had used when it last blocked (time/clocks.h thread_cpu_ns).
  i64 cpu_sample() const { return m_cpu_sample; }
  // Measures the calling thread's CPU time now (only the thread itself can).
  void update_cpu_sample();
  void set_cpu_at_start(i64 ns) { m_cpu_at_start = ns; }
  // execve: the new program image, waiting for the worker to replace the guest with it.
  void set_exec_image(Vector<u8> image, const ProgramKey& key, const WasmImageInfo& memory) {
    m_exec_image = std::move(image);
    m_exec_key = key;
    m_exec_memory = memory;
  }
  Vector<u8>& exec_image() { return m_exec_image; }
  const ProgramKey& exec_key() const { return m_exec_key; }
  // The memory limits of that image (exec/wasm_image.h), checked before the point of no return.
  const WasmImageInfo& exec_memory() const { return m_exec_memory; }
  u32 kernel_region() const { return m_kernel_region; }
  void set_kernel_region(u32 base) { m_kernel_region = base; }
  ListNode m_process_node;

private:
  ErrorOr wait_for_wake(i64 deadline_ns, bool interruptible);
  static constexpr i32 run_user = 0, run_kernel = 1, run_killed = 2;

  i32 m_tid;
  RefPtr<Process> m_process;
  bool m_exiting{false};
  i32 m_exit_code{0};
  UserAddr m_clear_child_tid{0};
  UserAddr m_robust_list{0};
  i64 m_restart_deadline{-1};
  abi::CloneStart m_start{};
  std::atomic<i32> m_wake_word{0};
  std::atomic<i32> m_run_state{run_user};
  bool m_sleeping{false}; // in wait_for_wake, the lock dropped (changed under the lock)
  SigSet m_blocked{0};
  SigSet m_saved_mask{0};
  SigSet m_sigwait_set{0};
  bool m_restore_mask{false};
  SignalQueue m_pending;
  abi::StackT m_altstack{0, abi::ss_disable, 0};
  Result<i64> m_stashed_result{0};
  bool m_stash_held{false};
  u32 m_kernel_region{0};
  i64 m_cpu_at_start{0};
  i64 m_cpu_sample{0};
  SchedSetting m_sched;
  i32 m_syscall{-1};
  Vector<u8> m_exec_image;
  ProgramKey m_exec_key{};
  WasmImageInfo m_exec_memory{};
};

// The thread running in this kernel instance (nullptr on the boot or service instance).
Thread* current_thread();
void set_current_thread(Thread* thread);

} // namespace wasmux
