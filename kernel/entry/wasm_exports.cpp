// The kernel module's exports: the syscall entry a guest's import is bound to, and the
// operations the host drives. Every export takes the big lock itself.
#if defined(__wasm__)
#include "../base/format.h"
#include "../base/heap.h"
#include "../entry/big_lock.h"
#include "../fd/file_description.h"
#include "../fs/hostfs/hostfs.h"
#include "../host/host_channels.h"
#include "../signal/signal.h"
#include "../signal/timers.h"
#include "../syscalls/program.h"
#include "../syscalls/syscall.h"
#include "../vfs/vfs.h"
#include "kernel.h"
#include "state_dump.h"

#define EXPORT(name) extern "C" __attribute__((export_name(#name)))

using namespace wasmux;

namespace {
constexpr u32 kthread_stack_size = 256 * 1024;
constexpr u32 kthread_tls_room = 4096;

// What the exports below return when the calling thread was killed while it ran user code:
// its worker is being terminated and must not touch the kernel again (DESIGN §4).
constexpr int thread_killed = -1000000;

// The exports a process's worker calls between guest runs (fork, exec) enter the kernel as
// a syscall does: only while the thread has not been killed. A raw pointer: reference
// counts change only under the lock, and this guard lives outside it. A thread already in
// the kernel state (between wasmux_fork and wasmux_fork_posted) is left in it.
class ThreadEntry {
public:
  ThreadEntry() : m_thread(current_thread()) {
    m_ok = !m_thread || m_thread->in_kernel() || (m_entered = m_thread->enter_kernel());
  }
  ~ThreadEntry() {
    if (m_entered) m_thread->leave_kernel();
  }
  bool ok() const { return m_ok; }

private:
  Thread* m_thread;
  bool m_ok;
  bool m_entered{false};
};

Vector<String> unpack_strings(const char*& p, u32 count) {
  Vector<String> out;
  for (u32 i = 0; i < count; ++i) {
    std::string_view s(p);
    out.append(String(s));
    p += s.size() + 1;
  }
  return out;
}
} // namespace

EXPORT(wasmux_syscall)
long long wasmux_syscall(int nr, long long a1, long long a2, long long a3, long long a4, long long a5, long long a6) {
  SyscallArgs args{{a1, a2, a3, a4, a5, a6}};
  bool must_stop = false;
  i64 r = syscall_entry(static_cast<u32>(nr), args, must_stop);
  // The process ended (exit_group, a fatal signal): the guest must not run on. Every kernel
  // frame has unwound and the lock is free, so trapping here is safe; the worker resets
  // this instance's stack pointer and finishes the thread.
  if (must_stop) __builtin_trap();
  return r;
}

EXPORT(wasmux_abi_version) unsigned wasmux_abi_version() { return abi::abi_version; }

// After a trap: 1 when it came from kernel code on this instance (the lock is held here).
// The kernel's state may then be half-changed and the lock is never released: a kernel
// panic, which the host must report rather than wait on forever.
EXPORT(wasmux_trapped_in_kernel) int wasmux_trapped_in_kernel() { return big_lock().held_by_caller(); }

// The kernel's processes and threads, on the host's log (bin/wasmux: on SIGUSR2).
EXPORT(wasmux_dump_state) void wasmux_dump_state() { dump_kernel_state(); }

// The kernel heap (kernel/base/heap.h): bytes in use, or (which = 1) taken from memory.
EXPORT(wasmux_heap_stat) unsigned wasmux_heap_stat(int which) {
  LockGuard lock;
  return static_cast<unsigned>(which == 1 ? kernel_heap_size() : kernel_heap_in_use());
}

// flags: bit 0 trace every syscall, bit 1 report unimplemented ones, bits 2-4 host fds
// 0-2 are terminals, bit 5 each traced call with the seconds since boot.
EXPORT(wasmux_boot) int wasmux_boot(unsigned flags, unsigned rows, unsigned cols, unsigned cpus) {
  LockGuard lock;
  BootOptions o;
  o.trace_all = flags & 1;
  o.trace_unimplemented = flags & 2;
  o.trace_times = flags & 32;
  for (int i = 0; i < 3; ++i)
    o.stdio_is_tty[i] = flags & (4u << i);
  if (rows) o.rows = static_cast<u16>(rows);
  if (cols) o.cols = static_cast<u16>(cols);
  o.cpus = cpus;
  auto r = kernel_boot(o);
  return r.is_error() ? -static_cast<int>(r.error()) : 0;
}

// A kernel thread region: TLS at its base, the stack growing down from base + size.
EXPORT(wasmux_kthread_region_size) unsigned wasmux_kthread_region_size() {
  return kthread_stack_size + kthread_tls_room;
}
EXPORT(wasmux_kthread_alloc) unsigned wasmux_kthread_alloc() {
  LockGuard lock;
  if (__builtin_wasm_tls_size() > kthread_tls_room) __builtin_trap();
  return static_cast<unsigned>(reinterpret_cast<uintptr_t>(operator new(kthread_stack_size + kthread_tls_room)));
}
EXPORT(wasmux_kthread_free) void wasmux_kthread_free(unsigned base) {
  LockGuard lock;
  operator delete(reinterpret_cast<void*>(static_cast<uintptr_t>(base)));
}

EXPORT(wasmux_alloc) void* wasmux_alloc(unsigned n) {
  LockGuard lock;
  return operator new(n);
}
EXPORT(wasmux_free) void wasmux_free(void* p) {
  LockGuard lock;
  operator delete(p);
}

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
  return r.is_error() ? -static_cast<int>(r.error()) : r.value()->pid();
}

EXPORT(wasmux_thread_attach) int wasmux_thread_attach(int pid, unsigned heap_base) {
  LockGuard lock;
  Process* p = pid == 1 ? &init_process() : ProcessTable::the().find(pid);
  if (!p) return -static_cast<int>(Errno::esrch);
  auto t = attach_thread(*p, heap_base);
  return t.is_error() ? -static_cast<int>(t.error()) : t.value()->tid();
}

// signal: 0 when the guest returned, else the signal its trap stands for.
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

// Whether the calling thread's process exited through exit/exit_group (a trap after that is
// the glue's). Asked of the thread, not a pid: a parent may already have reaped the pid.
EXPORT(wasmux_thread_process_exited) int wasmux_thread_process_exited() {
  ThreadEntry entry;
  if (!entry.ok()) return thread_killed;
  LockGuard lock;
  Thread* t = current_thread();
  return t && t->process().has_exited();
}

// fork: the worker has unwound the guest's stack; make the child process. On success the
// calling thread stays in the kernel state until wasmux_fork_posted: the child runs only
// once the worker has snapshotted the parent's memory and handed the child on, and a
// worker terminated in between (a SIGKILL) would leave a child that never runs.
EXPORT(wasmux_fork) int wasmux_fork() {
  Thread* t = current_thread();
  if (t && !t->enter_kernel()) return thread_killed;
  i32 result;
  {
    LockGuard lock;
    auto r = fork_current_process();
    result = r.is_error() ? -static_cast<int>(r.error()) : r.value();
    if (kernel_config().trace_all) {
      // fork is no system call here (the guest's fork import): traced as one all the same.
      Formatter f;
      trace_prefix(f);
      f.append("fork() = ").append_int(result).append("\n");
      host().log(f.data(), f.size());
    }
  }
  if (t && result < 0) t->leave_kernel();
  return result;
}

// The child of a successful wasmux_fork is handed on (or failed): the thread leaves the
// kernel state. 1 when its process ended meanwhile (a fatal signal): the guest must not
// run on.
EXPORT(wasmux_fork_posted) int wasmux_fork_posted() {
  Thread* t = current_thread();
  if (!t || !t->in_kernel()) return 0;
  bool ended;
  {
    LockGuard lock;
    ended = t->process().has_exited();
  }
  t->leave_kernel();
  return ended ? 1 : 0;
}

// What fork must copy of the calling process's memory besides its stack: the ranges in use
// (data and brk heap, then each mapping), as [count, start0, end0, start1, end1, ...] in
// kernel memory, valid until the next call on this instance. Freed ranges are left out:
// mmap zero-fills a range when it hands it out again.
EXPORT(wasmux_memory_ranges) unsigned wasmux_memory_ranges() {
  ThreadEntry entry;
  if (!entry.ok()) return 0;
  LockGuard lock;
  static thread_local Vector<u32>* out = nullptr;
  if (!out) out = new Vector<u32>;
  out->clear();
  out->append(0);
  Thread* t = current_thread();
  if (!t) return static_cast<unsigned>(reinterpret_cast<uintptr_t>(out->data()));
  MemoryMap& m = t->process().memory();
  out->append(m.heap_base());
  out->append(m.brk());
  m.for_each_mapping([&](u32 start, u32 end) {
    out->append(start);
    out->append(end);
  });
  (*out)[0] = static_cast<u32>((out->size() - 1) / 2);
  return static_cast<unsigned>(reinterpret_cast<uintptr_t>(out->data()));
}

// ---- execve: the worker replaces the guest (syscalls/exec.cpp) ----

// Size of the image an execve left for this thread (0: none); its bytes are at
// wasmux_thread_exec_image_data().
EXPORT(wasmux_thread_exec_image_size) int wasmux_thread_exec_image_size() {
  ThreadEntry entry;
  if (!entry.ok()) return thread_killed;
  LockGuard lock;
  Thread* t = current_thread();
  return t ? static_cast<int>(t->exec_image().size()) : 0;
}

EXPORT(wasmux_thread_exec_image_data) unsigned wasmux_thread_exec_image_data() {
  ThreadEntry entry;
  if (!entry.ok()) return 0;
  LockGuard lock;
  Thread* t = current_thread();
  return t ? static_cast<unsigned>(reinterpret_cast<uintptr_t>(t->exec_image().data())) : 0;
}

// The identity of that image (host_port.h ProgramKey): five u64 words.
EXPORT(wasmux_thread_exec_image_key) unsigned wasmux_thread_exec_image_key() {
  ThreadEntry entry;
  if (!entry.ok()) return 0;
  LockGuard lock;
  Thread* t = current_thread();
  return t ? static_cast<unsigned>(reinterpret_cast<uintptr_t>(&t->exec_key())) : 0;
}

// The memory limits of that image, as the kernel checked them: [initial, maximum] pages.
EXPORT(wasmux_thread_exec_image_memory) unsigned wasmux_thread_exec_image_memory() {
  ThreadEntry entry;
  if (!entry.ok()) return 0;
  LockGuard lock;
  Thread* t = current_thread();
  return t ? static_cast<unsigned>(reinterpret_cast<uintptr_t>(&t->exec_memory())) : 0;
}

// Whether the kernel would run an image the host has (a program of the host's file system
// given to the embedder's API): 0 with out = [initial pages, maximum pages], or -ENOEXEC
// with out[2] = why (abi::image_*) and out[3] = the ABI version it was built for.
EXPORT(wasmux_inspect_image) int wasmux_inspect_image(const unsigned char* image, unsigned len, unsigned* out) {
  WasmImageProblem why;
  auto r = inspect_wasm_image(image, len, &why);
  out[2] = static_cast<unsigned>(why.what);
  out[3] = why.abi_version;
  if (r.is_error()) return -static_cast<int>(r.error());
  out[0] = r.value().initial_pages;
  out[1] = r.value().maximum_pages;
  return 0;
}

// The new image is instantiated: drop the kernel's copy and start its address space.
EXPORT(wasmux_thread_exec_start) int wasmux_thread_exec_start(unsigned heap_base) {
  ThreadEntry entry;
  if (!entry.ok()) return thread_killed;
  LockGuard lock;
  Thread* t = current_thread();
  if (!t) return 0;
  t->set_exec_image({}, {}, {});
  t->process().memory().reset(heap_base);
  return 0;
}

// The wait status of a process still in the table (-ESRCH otherwise): what a worker
// reports when the process ended before its first thread could start.
EXPORT(wasmux_process_status) int wasmux_process_status(int pid) {
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return -static_cast<int>(Errno::esrch);
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
  static thread_local Vector<u8>* out = nullptr;
  if (!out) out = new Vector<u8>;
  out->clear();
  auto put32 = [&](u32 v) {
    for (int i = 0; i < 4; ++i)
      out->append(static_cast<u8>(v >> (8 * i)));
  };
  put32(static_cast<u32>(p->ppid()));
  put32(p->fork_count());
  u32 len = 0;
  for (auto& a : p->argv())
    len += static_cast<u32>(a.length() + 1);
  put32(len);
  for (auto& a : p->argv()) {
    for (char c : a.view())
      out->append(static_cast<u8>(c));
    out->append(0);
  }
  return static_cast<unsigned>(reinterpret_cast<uintptr_t>(out->data()));
}

// kill(2) from the host (the embedder's API, the CLI forwarding its own signals): the
// kernel is the sender (SI_USER, pid 0). Negative pid: a process group.
EXPORT(wasmux_kill) int wasmux_kill(int pid, int sig) {
  LockGuard lock;
  if (sig < 0 || sig > max_signal) return -static_cast<int>(Errno::einval);
  Vector<RefPtr<Process>> targets;
  ProcessTable::the().for_each([&](Process& p) {
    if (p.has_exited()) return;
    if (pid > 0 ? p.pid() == pid : p.pgid() == -pid) targets.append(RefPtr<Process>(&p));
  });
  if (targets.empty()) return -static_cast<int>(Errno::esrch);
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

// The timer service thread (signal/timers.h): attached to init, never returns.
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

EXPORT(wasmux_mount_host) int wasmux_mount_host(const char* guest_path, unsigned mount_id) {
  LockGuard lock;
  auto r = mount_host_directory(std::string_view(guest_path), mount_id);
  return r.is_error() ? -static_cast<int>(r.error()) : 0;
}

// Writes a file into the root file system (used to seed /etc and the like).
EXPORT(wasmux_write_file) int wasmux_write_file(const char* path, const void* data, unsigned len, unsigned mode) {
  LockGuard lock;
  std::string_view p(path);
  usize slash = p.rfind('/');
  auto dir = make_directories(p.substr(0, slash == std::string_view::npos ? 0 : slash));
  if (dir.is_error()) return -static_cast<int>(dir.error());
  auto name = p.substr(slash == std::string_view::npos ? 0 : slash + 1);
  auto inode = dir.value()->inode().create(name, mode, 0, 0);
  if (inode.is_error()) return -static_cast<int>(inode.error());
  auto w = inode.value()->write_at(0, IoBuffer::kernel(const_cast<void*>(data), len));
  return w.is_error() ? -static_cast<int>(w.error()) : 0;
}

// ---- the root filesystem image (the host creates one entry per call at boot) ----

namespace {
// The directory holding path's last component (made as needed, as mkdir -p), and that name.
Result<RefPtr<Custody>> parent_directory(std::string_view path, std::string_view& name) {
  while (path.size() > 1 && path.back() == '/')
    path.remove_suffix(1);
  usize slash = path.rfind('/');
  name = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  if (name.empty() || name == "." || name == "..") return Errno::einval;
  return make_directories(path.substr(0, slash == std::string_view::npos ? 0 : slash));
}
} // namespace

// A directory with this mode; one that exists already (/tmp, /etc ...) takes the mode.
EXPORT(wasmux_make_directory) int wasmux_make_directory(const char* path, unsigned mode) {
  LockGuard lock;
  std::string_view name;
  auto dir = parent_directory(std::string_view(path), name);
  if (dir.is_error()) return -static_cast<int>(dir.error());
  auto made = dir.value()->inode().mkdir(name, mode & 07777, 0, 0);
  if (!made.is_error()) return 0;
  if (made.error() != Errno::eexist) return -static_cast<int>(made.error());
  auto existing = Vfs::the().resolve(*dir.value(), name, Follow::no);
  if (existing.is_error()) return -static_cast<int>(existing.error());
  if (!existing.value()->inode().metadata().is_dir()) return -static_cast<int>(Errno::eexist);
  auto r = existing.value()->inode().chmod(mode & 07777);
  return r.is_error() ? -static_cast<int>(r.error()) : 0;
}

EXPORT(wasmux_make_symlink) int wasmux_make_symlink(const char* path, const char* target) {
  LockGuard lock;
  std::string_view name;
  auto dir = parent_directory(std::string_view(path), name);
  if (dir.is_error()) return -static_cast<int>(dir.error());
  auto r = dir.value()->inode().symlink(name, std::string_view(target), 0, 0);
  return r.is_error() ? -static_cast<int>(r.error()) : 0;
}

// The program at path in the guest's own file systems, for process pid not started yet, as
// execve finds it (executable check, "#!" interpreters, which rewrite the process's argv).
// Writes the image's address and size to out[0..1] and its memory limits in pages to
// out[2..3]; the host frees the image with wasmux_free.
EXPORT(wasmux_process_load_program) int wasmux_process_load_program(int pid, const char* path, unsigned* out) {
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return -static_cast<int>(Errno::esrch);
  auto program = check_program(*p, std::string_view(path));
  if (program.is_error()) return -static_cast<int>(program.error());
  RefPtr<Custody> custody = program.release_value();
  auto image = read_image(custody->inode());
  if (image.is_error()) return -static_cast<int>(image.error());
  Vector<u8> bytes = image.release_value();
  auto r = apply_interpreter(*p, custody, bytes, p->argv());
  if (r.is_error()) return -static_cast<int>(r.error());
  auto memory = inspect_wasm_image(bytes.data(), bytes.size());
  if (memory.is_error()) return -static_cast<int>(memory.error());
  out[2] = memory.value().initial_pages;
  out[3] = memory.value().maximum_pages;
  void* copy = operator new(bytes.size());
  __builtin_memcpy(copy, bytes.data(), bytes.size());
  out[0] = static_cast<unsigned>(reinterpret_cast<uintptr_t>(copy));
  out[1] = static_cast<unsigned>(bytes.size());
  return 0;
}

EXPORT(wasmux_console_want_word) unsigned wasmux_console_want_word() {
  return static_cast<unsigned>(reinterpret_cast<uintptr_t>(console_input().want_word()));
}

// ---- host channels (host_channels.h) ----

EXPORT(wasmux_channel_create) int wasmux_channel_create() {
  LockGuard lock;
  return create_channel();
}

// Input for a channel: the host's stdin reader (channel 0, attached to pid 1, blocks while
// the console queue is full) or the embedder (unbounded, never blocks).
EXPORT(wasmux_channel_input) int wasmux_channel_input(int channel, const unsigned char* data, unsigned len) {
  LockGuard lock;
  InputQueue* q = channel_input(channel);
  if (!q) return -static_cast<int>(Errno::ebadf);
  auto r = q->push(data, len);
  return r.is_error() ? -static_cast<int>(r.error()) : static_cast<int>(r.value());
}

EXPORT(wasmux_channel_eof) int wasmux_channel_eof(int channel) {
  LockGuard lock;
  InputQueue* q = channel_input(channel);
  if (!q) return -static_cast<int>(Errno::ebadf);
  q->push_eof();
  return 0;
}

// Puts a channel on descriptor fd (0: input; others: output) of a process.
EXPORT(wasmux_process_set_stdio) int wasmux_process_set_stdio(int pid, int fd, int channel) {
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return -static_cast<int>(Errno::esrch);
  if (fd < 0 || fd > 2 || (channel != 0 && channel < 3 && channel != fd) || (channel >= 3 && !channel_input(channel)))
    return -static_cast<int>(Errno::einval);
  auto d = make_ref<FileDescription>(make_host_stdio(channel, fd == 0), fd == 0 ? abi::o_rdonly : abi::o_wronly);
  auto r = p->fds().install_at(fd, std::move(d), false, p->nofile_limit());
  return r.is_error() ? -static_cast<int>(r.error()) : 0;
}

EXPORT(wasmux_process_set_cwd) int wasmux_process_set_cwd(int pid, const char* path) {
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return -static_cast<int>(Errno::esrch);
  auto c = Vfs::the().resolve(*Vfs::the().root(), std::string_view(path), Follow::yes);
  if (c.is_error()) return -static_cast<int>(c.error());
  if (!c.value()->inode().metadata().is_dir()) return -static_cast<int>(Errno::enotdir);
  p->set_cwd(c.release_value());
  return 0;
}

EXPORT(wasmux_process_set_ids) int wasmux_process_set_ids(int pid, unsigned uid, unsigned gid) {
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return -static_cast<int>(Errno::esrch);
  Credentials& c = p->credentials();
  c.uid = c.euid = c.suid = uid;
  c.gid = c.egid = c.sgid = gid;
  return 0;
}

// Replaces argv and envp of a process not started yet (same block layout as create).
EXPORT(wasmux_process_set_args) int wasmux_process_set_args(int pid, const char* block) {
  LockGuard lock;
  Process* p = ProcessTable::the().find(pid);
  if (!p) return -static_cast<int>(Errno::esrch);
  u32 argc, envc;
  __builtin_memcpy(&argc, block, 4);
  __builtin_memcpy(&envc, block + 4, 4);
  const char* at = block + 8;
  p->argv() = unpack_strings(at, argc);
  p->envp() = unpack_strings(at, envc);
  return 0;
}
#endif
