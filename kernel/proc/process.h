#pragma once
// A process: its descriptors, working directory, credentials, limits, memory layout and
// exit state. Threads run it; the process table owns it until it is reaped.
#include "../base/list.h"
#include "../fd/fd_table.h"
#include "../signal/timers.h"
#include "../vfs/custody.h"
#include "../wait/wait_queue.h"
#include "memory_map.h"
#include "thread.h"

namespace wasmux {

struct Credentials {
  u32 uid{0}, euid{0}, suid{0};
  u32 gid{0}, egid{0}, sgid{0};
};

struct Rlimit {
  u64 cur;
  u64 max;
};

class Process : public RefCounted<Process> {
public:
  Process(i32 pid, i32 ppid);
  ~Process();

  i32 pid() const { return m_pid; }
  i32 ppid() const { return m_ppid; }
  i32 pgid() const { return m_pgid; }
  i32 sid() const { return m_sid; }
  void set_pgid(i32 pgid) { m_pgid = pgid; }
  void set_sid(i32 sid) { m_sid = sid; }
  // Started through the host API: the host, not a parent process, reaps it.
  bool host_owned() const { return m_host_owned; }
  void set_host_owned() { m_host_owned = true; }
  // Where a parent blocked in wait4/waitid sleeps until a child changes state.
  WaitQueue& child_waiters() { return m_child_waiters; }
  // CPU time of this process (its threads so far) and of its reaped children (getrusage).
  i64 cpu_ns() const { return m_cpu_ns; }
  // When it was made (monotonic ns, as since boot): /proc/PID/stat's starttime.
  i64 start_ns() const { return m_start_ns; }
  void add_cpu_ns(i64 ns) { m_cpu_ns += ns; }
  i64 children_cpu_ns() const { return m_children_cpu_ns; }
  // How many children this process has forked (the host API's getForkCount).
  u32 fork_count() const { return m_fork_count; }
  void count_fork() { ++m_fork_count; }
  void add_children_cpu_ns(i64 ns) { m_children_cpu_ns += ns; }
  FdTable& fds() { return m_fds; }
  Custody& cwd() { return *m_cwd; }
  void set_cwd(RefPtr<Custody> c) { m_cwd = std::move(c); }
  // The program file this process runs (/proc/PID/exe): set by exec and spawn, inherited
  // by fork; null for a program the host gave as bytes.
  Custody* exe() { return m_exe.ptr(); }
  // The nice value (-20..19; setpriority(2)), inherited by fork.
  i32 nice() const { return m_nice; }
  void set_nice(i32 n) { m_nice = n; }
  void set_exe(RefPtr<Custody> c) { m_exe = std::move(c); }
  u32 umask() const { return m_umask; }
  void set_umask(u32 m) { m_umask = m & 0777; }
  Credentials& credentials() { return m_creds; }
  Rlimit& rlimit(u32 resource) { return m_rlimits[resource]; }
  u64 nofile_limit() const { return m_rlimits[abi::rlimit_nofile].cur; }
  MemoryMap& memory() { return m_memory; }

  // ---- signals (signal(7)); the operations are in signal/signal.h ----
  SigAction& action(i32 sig) { return m_actions[sig - 1]; }
  SignalQueue& shared_pending() { return m_shared_pending; }
  // What the first thread starts with: the forking thread's mask and alternate stack, or
  // the spawner's mask (or POSIX_SPAWN_SETSIGMASK's).
  SigSet initial_mask() const { return m_initial_mask; }
  void set_initial_mask(SigSet m) { m_initial_mask = m; }
  abi::StackT& initial_altstack() { return m_initial_altstack; }
  // The first thread's scheduling: the forking thread's (sched(7)), SCHED_OTHER otherwise.
  SchedSetting& initial_scheduling() { return m_initial_sched; }
  // execve(2): caught signals go back to SIG_DFL; ignored ones stay ignored.
  void reset_caught_signals();

  // Job control: stopped by a stop signal until SIGCONT; what the parent's wait has not
  // been told yet (waitpid(2) WUNTRACED / WCONTINUED).
  enum class JobReport : u8 { none, stopped, continued };
  bool stopped() const { return m_stopped; }
  void set_stopped(bool s) { m_stopped = s; }
  JobReport job_report() const { return m_job_report; }
  i32 stop_signal() const { return m_stop_signal; }
  void set_job_report(JobReport r, i32 sig = 0) {
    m_job_report = r;
    m_stop_signal = sig;
  }
  // Threads parked while the process is stopped.
  WaitQueue& resume_waiters() { return m_resume_waiters; }

  // ITIMER_REAL (setitimer(2), alarm(2); signal/timers.h).
  RealTimer& real_timer() { return m_real_timer; }
  // ITIMER_VIRTUAL (0) and ITIMER_PROF (1): the process CPU time at which each expires
  // (negative: disarmed) and its reload interval (signal/timers.h).
  struct CpuTimer {
    i64 deadline{-1};
    i64 interval{0};
  };
  CpuTimer& cpu_timer(i32 index) { return m_cpu_timers[index]; }
  bool has_cpu_timers() const {
    return m_cpu_timers[0].deadline >= 0 || m_cpu_timers[1].deadline >= 0 || m_posix_timers.any_cpu_armed();
  }
  // timer_create(2)'s timers (time/posix_timers.h).
  PosixTimers& posix_timers() { return m_posix_timers; }
  // When this process's running threads are next asked for their CPU time.
  CpuTimersProbe& cpu_timers_probe() { return m_cpu_timers_probe; }

  template <typename F> void for_each_thread(F f) { m_threads.for_each(f); }

  Vector<String>& argv() { return m_argv; }
  // The command name (/proc/PID/comm, ps): the last component of the path given to execve,
  // at most 15 bytes (fs/exec.c begin_new_exec, TASK_COMM_LEN); a script's own name, not
  // its interpreter's. Until an exec names it, the last component of argv[0].
  std::string_view comm() const;
  void set_comm_from_path(std::string_view path);
  // prctl(2): the signal this process gets when its parent exits (not inherited by fork,
  // kept across execve), whether it adopts orphaned descendants (PR_SET_CHILD_SUBREAPER),
  // and the dumpable flag (bookkeeping: there are no core dumps).
  i32 parent_death_signal() const { return m_parent_death_signal; }
  void set_parent_death_signal(i32 sig) { m_parent_death_signal = sig; }
  bool child_subreaper() const { return m_child_subreaper; }
  void set_child_subreaper(bool on) { m_child_subreaper = on; }
  bool dumpable() const { return m_dumpable; }
  void set_dumpable(bool on) { m_dumpable = on; }
  Vector<String>& envp() { return m_envp; }

  RefPtr<Thread> add_thread(i32 tid);
  // A finished thread leaves its process. Threads hold their process and the process holds
  // its threads, so without this every process would stay allocated forever.
  void remove_thread(Thread& thread);
  Thread* main_thread();
  // Threads that have not called exit(2) (a process ends when the last of them does).
  usize live_thread_count();

  // exit_group: records the status, closes descriptors (so pipe peers see EOF now, not
  // when the worker unwinds), hands its children to init and wakes whoever waits for it:
  // the host, or the parent in wait4 (an orphan of init is reaped at once).
  void exit(i32 wait_status);
  // Who adopts this process's children when it exits (pid).
  i32 new_reaper() const;
  bool has_exited() const { return m_exited; }
  i32 wait_status() const { return m_wait_status; }
  WaitQueue& exit_waiters() { return m_exit_waiters; }
  // Told of every signal queued to the process or one of its threads (signalfd's readers
  // and pollers; Linux sighand->signalfd_wqh).
  WaitQueue& signal_arrivals() { return m_signal_arrivals; }

  static constexpr u32 rlimit_count = 16;

private:
  friend class ProcessTable;
  i32 m_pid;
  i32 m_ppid;
  i32 m_pgid;
  i32 m_sid;
  FdTable m_fds;
  RefPtr<Custody> m_cwd;
  RefPtr<Custody> m_exe;
  i32 m_nice{0};
  u32 m_umask{022};
  Credentials m_creds;
  Rlimit m_rlimits[rlimit_count];
  MemoryMap m_memory;
  Vector<String> m_argv;
  String m_comm;
  i32 m_parent_death_signal{0};
  bool m_child_subreaper{false};
  bool m_dumpable{true};
  Vector<String> m_envp;
  SigAction m_actions[max_signal];
  SignalQueue m_shared_pending;
  SigSet m_initial_mask{0};
  abi::StackT m_initial_altstack{0, abi::ss_disable, 0};
  SchedSetting m_initial_sched;
  bool m_stopped{false};
  JobReport m_job_report{JobReport::none};
  i32 m_stop_signal{0};
  WaitQueue m_resume_waiters;
  RealTimer m_real_timer{*this};
  CpuTimer m_cpu_timers[2];
  PosixTimers m_posix_timers;
  CpuTimersProbe m_cpu_timers_probe{*this};
  IntrusiveList<Thread, &Thread::m_process_node> m_threads;
  Vector<RefPtr<Thread>> m_thread_refs;
  bool m_exited{false};
  bool m_host_owned{false};
  WaitQueue m_child_waiters;
  i64 m_cpu_ns{0};
  i64 m_start_ns{0};
  i64 m_children_cpu_ns{0};
  u32 m_fork_count{0};
  i32 m_wait_status{0};
  WaitQueue m_exit_waiters;
  WaitQueue m_signal_arrivals;
};

// Linux wait status encodings (wait(2) WIFEXITED/WIFSIGNALED).
constexpr i32 wait_status_exited(i32 code) { return (code & 0xff) << 8; }
constexpr i32 wait_status_signaled(i32 sig) { return sig & 0x7f; }

class ProcessTable {
public:
  static ProcessTable& the();
  Result<RefPtr<Process>> create(i32 ppid);
  // A child of parent inheriting what fork/posix_spawn pass on (fork(2), execve(2)):
  // descriptors (sharing descriptions), cwd, umask, credentials, limits, group, session.
  Result<RefPtr<Process>> create_child(Process& parent);
  template <typename F> void for_each(F f) {
    for (usize i = 0; i < m_processes.size(); ++i)
      f(*m_processes[i]);
  }
  Process* find(i32 pid);
  // A free id for a new process or thread: pids and tids are one id space (Linux
  // kernel/pid.c), growing and wrapping, skipping ids still in use.
  Result<i32> allocate_id();
  // init (pid 1) is the kernel's own and not in the table; its service threads' ids are
  // taken all the same.
  void set_init(Process* init) { m_init = init; }
  // The live thread with this id, in any process.
  Thread* find_thread(i32 tid);
  void remove(i32 pid);
  usize count() const { return m_processes.size(); }

private:
  Vector<RefPtr<Process>> m_processes;
  bool id_in_use(i32 id);
  Process* m_init{nullptr};
  i32 m_next_pid{2}; // pid 1 is init
};

} // namespace wasmux
