#include "kernel.h"

#include "../base/user_buffer.h"
#include "../fd/file_description.h"
#include "../ipc/futex.h"
#include "../net/host_net.h"
#include "../signal/signal.h"
#include "../fs/devfs/devices.h"
#include "../host/host_channels.h"
#include "../fs/procfs/procfs.h"
#include "../fs/tmpfs/tmpfs.h"
#include "../syscalls/syscall.h"
#include "../vfs/vfs.h"

namespace wasmux {

namespace {
Process* g_init = nullptr;
} // namespace

Process& init_process() { return *g_init; }

ErrorOr kernel_boot(const BootOptions& options) {
  kernel_config().trace_all = options.trace_all;
  kernel_config().trace_unimplemented = options.trace_unimplemented;
  kernel_config().trace_times = options.trace_times;
  HostNet::the().set_enabled(options.host_network);
  kernel_config().boot_ns = host().monotonic_ns();
  kernel_config().cpus = options.cpus ? min<u32>(options.cpus, 1024) : 1;
  for (int i = 0; i < 3; ++i) console_config().is_tty[i] = options.stdio_is_tty[i];
  console_config().rows = options.rows;
  console_config().cols = options.cols;
  Vfs::the().set_root(TmpfsDirectory::create_root(0755));
  TRY(mount_devfs());
  TRY(mount_procfs());
  auto root = Vfs::the().root();
  TRY(root->inode().mkdir("tmp", 01777, 0, 0));
  TRY(root->inode().mkdir("home", 0755, 0, 0));
  TRY(root->inode().mkdir("etc", 0755, 0, 0));
  // pid 1: the kernel's own process; orphans will be reparented to it (issue 3).
  auto init = make_ref<Process>(1, 0);
  g_init = init.leak();
  ProcessTable::the().set_init(g_init);
  return {};
}

Result<i32> fork_current_process() {
  Thread* t = current_thread();
  if (!t) return Errno::esrch;
  Process& parent = t->process();
  // A fatal signal ended the process since its thread entered the kernel: no child, which
  // would have a dead parent (kernel/fork.c copy_process fails with EINTR when a fatal
  // signal is pending). The guest stops at its next kernel entry.
  if (parent.has_exited()) return Errno::eintr;
  // RLIMIT_NPROC counts the processes of the real user; privileged callers pass
  // (kernel/fork.c copy_process, setrlimit(2)).
  u32 uid = parent.credentials().uid;
  if (uid != 0) {
    u64 count = 0;
    ProcessTable::the().for_each([&](Process& q) { count += q.credentials().uid == uid && !q.has_exited(); });
    if (count >= parent.rlimit(abi::rlimit_nproc).cur) return Errno::eagain;
  }
  auto child = TRY(ProcessTable::the().create_child(parent));
  parent.count_fork();
  child->memory() = parent.memory();
  child->argv() = parent.argv();
  child->set_comm_from_path(parent.comm());
  child->envp() = parent.envp();
  return child->pid();
}

Result<RefPtr<Custody>> make_directories(std::string_view path) {
  RefPtr<Custody> at = Vfs::the().root();
  while (!path.empty()) {
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    usize end = path.find('/');
    std::string_view name = path.substr(0, end);
    path.remove_prefix(end == std::string_view::npos ? path.size() : end);
    if (name.empty()) break;
    auto next = Vfs::the().resolve(*at, name, Follow::yes);
    if (next.is_error()) {
      if (next.error() != Errno::enoent) return next.error();
      TRY(at->inode().mkdir(name, 0755, 0, 0));
      at = TRY(Vfs::the().resolve(*at, name, Follow::yes));
    } else {
      at = next.release_value();
    }
  }
  return at;
}

Result<RefPtr<Process>> create_host_process(Vector<String> argv, Vector<String> envp, std::string_view cwd) {
  auto process = TRY(ProcessTable::the().create(1));
  process->set_host_owned();
  if (!cwd.empty()) {
    auto c = Vfs::the().resolve(*Vfs::the().root(), cwd, Follow::yes);
    if (c.is_error() || !c.value()->inode().metadata().is_dir()) {
      ProcessTable::the().remove(process->pid());
      return c.is_error() ? c.error() : Errno::enotdir;
    }
    process->set_cwd(c.release_value());
  }
  process->argv() = std::move(argv);
  process->envp() = std::move(envp);
  const u32 modes[3] = {abi::o_rdonly, abi::o_wronly, abi::o_wronly};
  for (i32 fd = 0; fd < 3; ++fd) {
    auto d = make_ref<FileDescription>(make_host_stdio(fd, fd == 0), modes[fd]);
    (void)process->fds().install_at(fd, std::move(d), false, process->nofile_limit());
  }
  return process;
}

Result<Thread*> attach_thread(Process& process, u32 heap_base) {
  if (process.has_exited()) return Errno::esrch; // killed before its first thread ran
  // The first thread's id is the pid; others (init's service threads) take a free id.
  i32 tid = process.main_thread() ? TRY(ProcessTable::the().allocate_id()) : process.pid();
  bool first = !process.main_thread();
  auto thread = process.add_thread(tid);
  thread->set_cpu_at_start(host().thread_cputime_ns());
  if (first) {
    thread->set_blocked(process.initial_mask());
    thread->altstack() = process.initial_altstack();
    thread->set_scheduling(process.initial_scheduling());
  }
  if (heap_base) process.memory().reset(heap_base);
  set_current_thread(thread.ptr());
  return thread.ptr();
}

i32 finish_thread(i32 signal) {
  Thread* t = current_thread();
  if (!t) return 0;
  Process& p = t->process();
  p.add_cpu_ns(host().thread_cputime_ns() - t->cpu_at_start());
  if (!p.has_exited()) {
    // Robust mutexes it holds are marked owner-died, a waiter of each woken; then the
    // CLONE_CHILD_CLEARTID / set_tid_address(2) word is zeroed and its waiter woken (a
    // joiner waits on it: kernel/fork.c mm_release). Its process's memory is still bound
    // to this instance.
    FutexTable::the().exit_robust_list(*t);
    if (UserAddr word = t->clear_child_tid(); word && !copy_out(word, u32{0}).is_error())
      FutexTable::the().wake(p, word, 1);
    if (signal)
      kill_process(p, wait_status_signaled(signal)); // a fault in any thread ends them all
    else if (!t->exiting())
      p.exit(wait_status_exited(0)); // _start returned without exit_group (the glue always calls it)
    else if (p.live_thread_count() == 0)
      p.exit(wait_status_exited(t->exit_code()));
  }
  set_current_thread(nullptr);
  i32 status = p.wait_status();
  RefPtr<Process> keep(&p); // the thread may hold the last reference
  p.remove_thread(*t);
  // Whoever leaves an ended process without threads reports its end (the killer, for the
  // threads it had terminated in user code: signal/signal.cpp end_other_threads).
  if (!p.has_exited() || p.main_thread()) return thread_goes_on;
  return status;
}

Result<const abi::CloneStart*> attach_cloned_thread(i32 pid, i32 tid, i32& ended_status) {
  Process* p = ProcessTable::the().find(pid);
  Thread* t = ProcessTable::the().find_thread(tid);
  if (!p || !t || &t->process() != p) return Errno::esrch;
  t->set_cpu_at_start(host().thread_cputime_ns());
  set_current_thread(t);
  if (p->has_exited() || t->exiting()) {
    ended_status = finish_thread(0);
    return Errno::esrch;
  }
  // From here the thread runs user code: it may be terminated like any other.
  t->leave_kernel();
  return &t->start();
}

} // namespace wasmux
