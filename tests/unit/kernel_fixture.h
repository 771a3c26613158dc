#pragma once
// Running the kernel natively in a test: boot it once per test process (its VFS, process
// table and mount table are singletons), then give each test a fresh guest process with
// its own user memory and a scratch directory, and make syscalls as that process.
// Kernel headers come first: the generated ABI header names struct fields like libc's
// macros (si_pid ...), which system headers pulled in by gtest would otherwise rewrite.
#include "entry/big_lock.h"
#include "entry/kernel.h"
#include "fake_host.h"
#include "syscalls/syscall.h"
#include <cstring>
#include <gtest/gtest.h>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace wasmux {
// gtest prints an Errno by name.
inline void PrintTo(Errno e, std::ostream* os) { *os << errno_name(e); }
} // namespace wasmux

namespace wasmux::test {

// Syscall numbers by name, from the one definition in abi/ (nr::read, nr::openat, ...).
namespace nr {
#define WASMUX_SYSCALL(number, name, level, nargs, kinds, names) constexpr int name = number;
#include <wasmux/syscall_table.inc>
#undef WASMUX_SYSCALL
} // namespace nr

// clone(2) flags of a thread as musl's pthread_create asks for one.
constexpr i64 clone_thread_flags = abi::clone_vm | abi::clone_fs | abi::clone_files | abi::clone_sighand |
                                   abi::clone_thread | abi::clone_sysvsem | abi::clone_settls |
                                   abi::clone_parent_settid | abi::clone_child_cleartid;

// What a failing syscall returns.
constexpr i64 err(Errno e) { return -static_cast<i64>(e); }

// The smallest program image the kernel runs (exec/wasm_image.h): a module importing a
// shared env.memory (limits flags, then initial and maximum pages as LEB128) with a
// wasmux.abi section of version abi_version. Optional parts left out make it ENOEXEC.
inline std::string program_image(u32 abi_version = abi::abi_version, u8 memory_flags = 3) {
  std::string m("\0asm\1\0\0\0", 8);
  std::string imports("\1\3env\6memory\2", 13);
  imports += static_cast<char>(memory_flags);
  imports += std::string("\2\x80\x80\1", 4); // 2 pages, at most 16384
  m += '\2';
  m += static_cast<char>(imports.size());
  m += imports;
  std::string custom("\x0awasmux.abi", 11);
  for (int i = 0; i < 4; ++i)
    custom += static_cast<char>(abi_version >> (8 * i));
  m += '\0';
  m += static_cast<char>(custom.size());
  m += custom;
  return m;
}

// Boots the kernel on first use; later calls do nothing.
void boot_kernel_once();

// The port installed on a thread when no guest is bound to it.
FakeHost& idle_host();

// Where tests put guest data: below the heap, above the NULL page.
inline constexpr UserAddr arena_start = 0x10000;
inline constexpr UserAddr heap_base = 8u << 20;

// A process started as the host starts one (stdio on the fake host's captures), with one
// thread bound to the OS thread that created it. Every syscall made through it first binds
// this OS thread to it (port + current thread), so one OS thread may act as several
// processes in turn; blocking calls need an OS thread of their own.
class GuestProcess {
public:
  explicit GuestProcess(std::string_view cwd = "/");
  // Runs a process the kernel made (a posix_spawn child the fake host was asked to start):
  // this OS thread becomes its main thread, with fresh memory.
  struct Existing {
    i32 pid;
  };
  explicit GuestProcess(Existing existing);
  ~GuestProcess();
  GuestProcess(const GuestProcess&) = delete;
  GuestProcess& operator=(const GuestProcess&) = delete;

  FakeHost& host() { return m_host; }
  Process& process() { return *m_process; }
  Thread& thread() { return *m_thread; }
  i32 pid() const { return m_pid; }
  // The kernel ended this process while its thread ran "user code" (between calls).
  bool killed() const { return m_thread->killed(); }
  // Binds the calling OS thread to this process (host port + current thread).
  void enter();

  // ---- guest memory: a bump arena; every call returns fresh, zeroed space (thread-safe) ----
  UserAddr alloc(usize n, usize align = 16);
  UserAddr str(std::string_view s); // NUL-terminated copy
  template <typename T> UserAddr put(const T& value) {
    UserAddr a = alloc(sizeof(T), alignof(T) < 8 ? 8 : alignof(T));
    memcpy(m_host.memory().at(a), &value, sizeof(T));
    return a;
  }
  template <typename T> T get(UserAddr a) {
    T value;
    memcpy(&value, m_host.memory().at(a), sizeof(T));
    return value;
  }
  std::string bytes(UserAddr a, usize n) { return std::string(reinterpret_cast<char*>(m_host.memory().at(a)), n); }

  // ---- syscalls ----
  i64 sys(int number, i64 a0 = 0, i64 a1 = 0, i64 a2 = 0, i64 a3 = 0, i64 a4 = 0, i64 a5 = 0);
  // rt_sigaction with SIG_IGN (or any handler index) and flags.
  i64 set_action(i32 sig, u32 handler, u32 flags = 0, u64 mask = 0);
  i64 ignore_signal(i32 sig) { return set_action(sig, abi::sig_ign); }
  i64 open(std::string_view path, i64 flags, i64 mode = 0644);
  i64 close(i64 fd) { return sys(nr::close, fd); }
  i64 write(i64 fd, std::string_view data);
  // Reads up to n bytes; returns them, or fails the test and returns "" on an error.
  std::string read(i64 fd, usize n);
  i64 read_result(i64 fd, usize n) { return sys(nr::read, fd, alloc(n ? n : 1), static_cast<i64>(n)); }
  i64 mkdir(std::string_view path, i64 mode = 0755) { return sys(nr::mkdirat, abi::at_fdcwd, str(path), mode); }
  i64 symlink(std::string_view target, std::string_view path) {
    return sys(nr::symlinkat, str(target), abi::at_fdcwd, str(path));
  }
  i64 unlink(std::string_view path) { return sys(nr::unlinkat, abi::at_fdcwd, str(path), 0); }
  i64 rmdir(std::string_view path) { return sys(nr::unlinkat, abi::at_fdcwd, str(path), abi::at_removedir); }
  i64 rename(std::string_view from, std::string_view to, i64 flags = 0) {
    return sys(nr::renameat2, abi::at_fdcwd, str(from), abi::at_fdcwd, str(to), flags);
  }
  // stat(2) (follow = false: lstat); the result is 0 or -errno, out filled on success.
  i64 stat(std::string_view path, abi::Stat& out, bool follow = true);
  i64 fstat(i64 fd, abi::Stat& out);
  // Creates path with contents (O_CREAT|O_TRUNC) and closes it; fails the test on error.
  void write_file(std::string_view path, std::string_view contents);
  // The whole file, or fails the test.
  std::string read_file(std::string_view path);
  // pipe2(2); fds[0] read end, fds[1] write end.
  i64 pipe(i32 fds[2], i64 flags = 0);
  // Names listed by getdents64 on an open directory fd (buffer of buf_size bytes per call).
  std::vector<std::string> list_dir(i64 fd, usize buf_size = 4096);

private:
  FakeHost m_host;
  RefPtr<Process> m_process;
  RefPtr<Thread> m_thread; // kept: a thread killed in user code stays readable, as in wasm
  i32 m_pid{0};
  std::mutex m_arena_lock; // threads of one process share its arena
  UserAddr m_arena{arena_start};
};

// Another thread of a process, bound to the OS thread that creates it (build it inside
// the std::thread that will use it). Shares the process's memory.
class GuestThread {
public:
  explicit GuestThread(GuestProcess& process);
  // Plays thread tid that clone made in process, as a worker takes one (the kernel's
  // attach_cloned_thread): started() is false when it was not to run any more (its
  // process ended first), and the kernel has already finished it.
  struct Cloned {
    i32 tid;
  };
  GuestThread(GuestProcess& process, Cloned cloned);
  ~GuestThread();
  i64 sys(int number, i64 a0 = 0, i64 a1 = 0, i64 a2 = 0, i64 a3 = 0, i64 a4 = 0, i64 a5 = 0);
  // Binds the calling OS thread to this thread (host port + current thread).
  void enter();
  bool started() const { return m_thread != nullptr; }
  Thread& thread() { return *m_thread; }
  FakeHost& host() { return m_host; }

private:
  FakeHost m_host;
  RefPtr<Thread> m_thread;
  bool m_cloned{false};
};

// Puts from's open file description of fd at descriptor to_fd of to, as fork(2) does for
// each descriptor: both processes then share one description (offset, status flags).
void share_fd(GuestProcess& from, i32 fd, GuestProcess& to, i32 to_fd);

// Waits (by polling under the lock) until some thread is blocked on the wait queue of the
// file behind process's fd: then a wake-up aimed at it cannot be early. Fails the test
// after a generous safety limit.
void wait_until_blocked(GuestProcess& process, i32 fd);

// A fixture: the kernel booted, a fresh process whose cwd is a fresh, empty directory
// (dir()) under /tmp of the guest.
class KernelTest : public ::testing::Test {
protected:
  void SetUp() override;
  void TearDown() override;
  GuestProcess& p() { return *m_process; }
  const std::string& dir() const { return m_dir; }
  i64 sys(int number, i64 a0 = 0, i64 a1 = 0, i64 a2 = 0, i64 a3 = 0, i64 a4 = 0, i64 a5 = 0) {
    return m_process->sys(number, a0, a1, a2, a3, a4, a5);
  }

private:
  std::string m_dir;
  std::unique_ptr<GuestProcess> m_process;
};

// For tests of kernel objects used directly: a fake port installed and the big lock held
// for the test's duration (kernel code runs under the lock).
class LockedTest : public ::testing::Test {
protected:
  void SetUp() override;
  void TearDown() override;
  FakeHost& host() { return *m_host; }

private:
  std::unique_ptr<FakeHost> m_host;
};

} // namespace wasmux::test
