#include "process.h"

#include "../base/verify.h"
#include "../entry/big_lock.h"
#include "../host/host_port.h"
#include "../signal/signal.h"
#include "../vfs/vfs.h"
#include "thread.h"

namespace wasmux {

Process::Process(i32 pid, i32 ppid) : m_pid(pid), m_ppid(ppid), m_pgid(pid), m_sid(pid) {
  m_start_ns = host().monotonic_ns();
  constexpr u64 infinity = ~0ull;
  for (auto& r : m_rlimits)
    r = {infinity, infinity};
  // Linux defaults: 1024 soft / 4096 hard descriptors, 8 MiB stack.
  m_rlimits[abi::rlimit_nofile] = {1024, 4096};
  m_rlimits[abi::rlimit_stack] = {8u << 20, infinity};
  m_rlimits[abi::rlimit_core] = {0, infinity};
  m_cwd = Vfs::the().root();
}

Process::~Process() = default;

namespace {
std::string_view command_name(std::string_view path) {
  while (path.size() > 1 && path.back() == '/')
    path.remove_suffix(1);
  usize slash = path.rfind('/');
  if (slash != std::string_view::npos && path.size() > 1) path.remove_prefix(slash + 1);
  return path.substr(0, 15); // TASK_COMM_LEN - 1
}
} // namespace

std::string_view Process::comm() const {
  if (!m_comm.empty()) return m_comm.view();
  return m_argv.empty() ? std::string_view() : command_name(m_argv[0].view());
}

void Process::set_comm_from_path(std::string_view path) { m_comm = String(command_name(path)); }

RefPtr<Thread> Process::add_thread(i32 tid) {
  auto t = make_ref<Thread>(tid, *this);
  m_threads.push_back(*t);
  m_thread_refs.append(t);
  return t;
}

void Process::remove_thread(Thread& thread) {
  for (usize i = 0; i < m_thread_refs.size(); ++i) {
    if (m_thread_refs[i].ptr() != &thread) continue;
    thread.m_process_node.unlink();
    RefPtr<Thread> gone = std::move(m_thread_refs[i]);
    m_thread_refs.remove(i);
    return; // gone's release may free the thread, and the thread's release this process
  }
}

Thread* Process::main_thread() { return m_threads.first(); }

usize Process::live_thread_count() {
  usize n = 0;
  m_threads.for_each([&](Thread& t) { n += !t.exiting(); });
  return n;
}

void Process::exit(i32 wait_status) {
  VERIFY_LOCKED();
  if (m_exited) return;
  // The exiting thread's CPU time so far belongs in what the parent's wait4 and
  // RUSAGE_CHILDREN see: the thread itself finishes only after the parent may have reaped.
  if (Thread* t = current_thread(); t && &t->process() == this) {
    i64 now = host().thread_cputime_ns();
    add_cpu_ns(now - t->cpu_at_start());
    t->set_cpu_at_start(now);
  }
  m_exited = true;
  m_wait_status = wait_status;
  m_stopped = false;
  m_real_timer.cancel();
  m_cpu_timers_probe.cancel();
  m_cpu_timers[0] = m_cpu_timers[1] = {};
  m_posix_timers.clear();
  m_shared_pending.clear();
  m_fds.close_all();
  m_exit_waiters.wake_all();
  m_resume_waiters.wake_all();
  ProcessTable& table = ProcessTable::the();
  // Orphans go to the nearest living ancestor that is a child subreaper, else to init
  // (pid 1), which reaps the ones already dead; a subreaper is told of those as a parent
  // is (kernel/exit.c forget_original_parent, find_new_reaper, reparent_leader). Each
  // child asking for a parent-death signal gets it.
  i32 reaper = new_reaper();
  Vector<i32> dead_orphans;
  Vector<RefPtr<Process>> children;
  table.for_each([&](Process& child) {
    if (child.m_ppid != m_pid || &child == this) return;
    child.m_ppid = reaper;
    children.append(RefPtr<Process>(&child));
    if (child.has_exited() && !child.host_owned()) dead_orphans.append(child.pid());
  });
  for (auto& child : children)
    if (child->m_parent_death_signal && !child->has_exited())
      send_signal(*child, make_siginfo(child->m_parent_death_signal, abi::si_user));
  for (i32 pid : dead_orphans) {
    if (reaper == 1) {
      table.remove(pid);
    } else if (Process* zombie = table.find(pid)) {
      notify_parent_of_exit(*zombie);
    }
  }
  hang_up_orphaned_groups(*this, children);
  if (m_host_owned) return;
  if (m_ppid == 1) {
    RefPtr<Process> keep(this);
    table.remove(m_pid);
    return;
  }
  notify_parent_of_exit(*this);
}

i32 Process::new_reaper() const {
  ProcessTable& table = ProcessTable::the();
  // The ancestors' chain ends at init or at a process without a parent here (and is never
  // longer than the table).
  usize steps = table.count();
  for (Process* a = table.find(m_ppid); a && a->pid() != 1 && steps--; a = table.find(a->ppid()))
    if (a->m_child_subreaper && !a->has_exited()) return a->pid();
  return 1;
}

void Process::reset_caught_signals() {
  for (auto& a : m_actions) {
    if (a.handler == abi::sig_ign || a.handler == abi::sig_dfl) continue;
    a = SigAction{};
  }
}

ProcessTable& ProcessTable::the() {
  static ProcessTable* table = new ProcessTable;
  return *table;
}

bool ProcessTable::id_in_use(i32 id) {
  if (find(id) || find_thread(id)) return true;
  bool taken = false;
  if (m_init)
    m_init->for_each_thread([&](Thread& t) { taken |= t.tid() == id; });
  return taken;
}

Result<i32> ProcessTable::allocate_id() {
  // Ids grow and wrap like Linux's pids (kernel/pid.c alloc_pid), skipping live ones.
  constexpr i32 pid_max = 32768;
  for (i32 tries = 0; tries < pid_max; ++tries) {
    i32 id = m_next_pid;
    m_next_pid = m_next_pid >= pid_max ? 2 : m_next_pid + 1;
    if (!id_in_use(id)) return id;
  }
  return Errno::eagain;
}

Result<RefPtr<Process>> ProcessTable::create(i32 ppid) {
  i32 pid = TRY(allocate_id());
  auto p = make_ref<Process>(pid, ppid);
  m_processes.append(p);
  return p;
}

Result<RefPtr<Process>> ProcessTable::create_child(Process& parent) {
  auto child = TRY(create(parent.pid()));
  child->m_fds = parent.m_fds.clone();
  child->m_cwd = parent.m_cwd;
  child->m_exe = parent.m_exe;
  child->m_nice = parent.m_nice;
  child->m_umask = parent.m_umask;
  child->m_creds = parent.m_creds;
  for (u32 i = 0; i < Process::rlimit_count; ++i)
    child->m_rlimits[i] = parent.m_rlimits[i];
  child->m_pgid = parent.m_pgid;
  child->m_sid = parent.m_sid;
  // fork(2): dispositions are inherited; the child's thread starts with the mask and the
  // alternate stack of the thread that forked; nothing is pending in the child.
  for (i32 i = 0; i < max_signal; ++i)
    child->m_actions[i] = parent.m_actions[i];
  Thread* t = current_thread();
  if (t && &t->process() == &parent) {
    child->m_initial_mask = t->blocked();
    child->m_initial_altstack = t->altstack();
    child->m_initial_sched = t->scheduling().inherited();
  }
  return child;
}

Process* ProcessTable::find(i32 pid) {
  for (auto& p : m_processes)
    if (p->pid() == pid) return p.ptr();
  return nullptr;
}

Thread* ProcessTable::find_thread(i32 tid) {
  Thread* found = nullptr;
  for (auto& p : m_processes)
    p->for_each_thread([&](Thread& t) {
      if (t.tid() == tid) found = &t;
    });
  return found;
}

void ProcessTable::remove(i32 pid) {
  for (usize i = 0; i < m_processes.size(); ++i) {
    if (m_processes[i]->pid() == pid) {
      m_processes.remove(i);
      return;
    }
  }
}

} // namespace wasmux
