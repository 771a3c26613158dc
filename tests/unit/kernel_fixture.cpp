#include "kernel_fixture.h"
#include "fd/file_description.h"
#include "proc/process.h"
#include "signal/signal.h"
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace wasmux::test {

FakeHost& idle_host() {
  // Never destroyed: kernel objects released late (static destructors, leftovers of a
  // failed test) may still ask for the time.
  static FakeHost* port = new FakeHost;
  return *port;
}

void boot_kernel_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    set_host(&idle_host());
    LockGuard lock;
    auto r = kernel_boot(BootOptions{});
    if (r.is_error()) {
      ADD_FAILURE() << "kernel_boot: " << errno_name(r.error());
      abort();
    }
  });
}

// ---- GuestProcess ----

GuestProcess::GuestProcess(std::string_view cwd) {
  boot_kernel_once();
  set_host(&m_host);
  LockGuard lock;
  Vector<String> argv;
  argv.append(String("test"));
  auto p = create_host_process(std::move(argv), {}, cwd);
  if (p.is_error()) {
    ADD_FAILURE() << "create_host_process: " << errno_name(p.error());
    abort();
  }
  m_process = p.release_value();
  m_pid = m_process->pid();
  auto t = attach_thread(*m_process, heap_base);
  if (t.is_error()) abort();
  m_thread = RefPtr<Thread>(t.value());
}

GuestProcess::GuestProcess(Existing existing) {
  boot_kernel_once();
  set_host(&m_host);
  LockGuard lock;
  Process* p = ProcessTable::the().find(existing.pid);
  if (!p) {
    ADD_FAILURE() << "no process " << existing.pid;
    abort();
  }
  m_process = RefPtr<Process>(p);
  m_pid = existing.pid;
  auto t = attach_thread(*m_process, heap_base);
  if (t.is_error()) abort();
  m_thread = RefPtr<Thread>(t.value());
}

GuestProcess::~GuestProcess() {
  {
    enter();
    LockGuard lock;
    // A thread killed in user code is the host's to end (its worker is terminated): the
    // kernel already took it out of its process.
    if (!m_thread->killed()) (void)finish_thread(false);
    release_killed_thread(m_thread->tid());
    set_current_thread(nullptr);
    ProcessTable::the().remove(m_pid);
    m_thread = nullptr;
    m_process = nullptr;
  }
  set_host(&idle_host());
}

void GuestProcess::enter() {
  set_host(&m_host);
  set_current_thread(m_thread.ptr());
}

UserAddr GuestProcess::alloc(usize n, usize align) {
  std::lock_guard<std::mutex> g(m_arena_lock);
  m_arena = static_cast<UserAddr>(round_up<usize>(m_arena, align));
  UserAddr a = m_arena;
  m_arena += static_cast<UserAddr>(n);
  if (m_arena > heap_base) {
    ADD_FAILURE() << "test arena exhausted";
    abort();
  }
  memset(m_host.memory().at(a), 0, n);
  return a;
}

UserAddr GuestProcess::str(std::string_view s) {
  UserAddr a = alloc(s.size() + 1, 1);
  memcpy(m_host.memory().at(a), s.data(), s.size());
  return a;
}

i64 GuestProcess::sys(int number, i64 a0, i64 a1, i64 a2, i64 a3, i64 a4, i64 a5) {
  enter();
  SyscallArgs args{{a0, a1, a2, a3, a4, a5}};
  bool must_stop = false;
  return syscall_entry(static_cast<u32>(number), args, must_stop);
}

i64 GuestProcess::set_action(i32 sig, u32 handler, u32 flags, u64 mask) {
  abi::KSigaction k{handler, flags, 0, {static_cast<u32>(mask), static_cast<u32>(mask >> 32)}};
  return sys(nr::rt_sigaction, sig, put(k), 0, 8);
}

i64 GuestProcess::open(std::string_view path, i64 flags, i64 mode) {
  return sys(nr::openat, abi::at_fdcwd, str(path), flags, mode);
}

i64 GuestProcess::write(i64 fd, std::string_view data) {
  UserAddr a = alloc(data.size() ? data.size() : 1, 1);
  memcpy(m_host.memory().at(a), data.data(), data.size());
  return sys(nr::write, fd, a, static_cast<i64>(data.size()));
}

std::string GuestProcess::read(i64 fd, usize n) {
  UserAddr a = alloc(n ? n : 1, 1);
  i64 r = sys(nr::read, fd, a, static_cast<i64>(n));
  if (r < 0) {
    ADD_FAILURE() << "read(" << fd << ") failed: " << errno_name(static_cast<Errno>(-r));
    return "";
  }
  return bytes(a, static_cast<usize>(r));
}

i64 GuestProcess::stat(std::string_view path, abi::Stat& out, bool follow) {
  UserAddr buf = alloc(sizeof(abi::Stat));
  i64 r = sys(nr::newfstatat, abi::at_fdcwd, str(path), buf, follow ? 0 : abi::at_symlink_nofollow);
  if (r == 0) out = get<abi::Stat>(buf);
  return r;
}

i64 GuestProcess::fstat(i64 fd, abi::Stat& out) {
  UserAddr buf = alloc(sizeof(abi::Stat));
  i64 r = sys(nr::fstat, fd, buf);
  if (r == 0) out = get<abi::Stat>(buf);
  return r;
}

void GuestProcess::write_file(std::string_view path, std::string_view contents) {
  i64 fd = open(path, abi::o_wronly | abi::o_creat | abi::o_trunc, 0644);
  ASSERT_GE(fd, 0) << "creating " << path << ": " << errno_name(static_cast<Errno>(-fd));
  EXPECT_EQ(write(fd, contents), static_cast<i64>(contents.size()));
  EXPECT_EQ(close(fd), 0);
}

std::string GuestProcess::read_file(std::string_view path) {
  i64 fd = open(path, abi::o_rdonly);
  if (fd < 0) {
    ADD_FAILURE() << "opening " << path << ": " << errno_name(static_cast<Errno>(-fd));
    return "";
  }
  std::string all;
  for (;;) {
    std::string chunk = read(fd, 65536);
    if (chunk.empty()) break;
    all += chunk;
  }
  EXPECT_EQ(close(fd), 0);
  return all;
}

i64 GuestProcess::pipe(i32 fds[2], i64 flags) {
  UserAddr a = alloc(8);
  i64 r = sys(nr::pipe2, a, flags);
  if (r == 0) memcpy(fds, m_host.memory().at(a), 8);
  return r;
}

std::vector<std::string> GuestProcess::list_dir(i64 fd, usize buf_size) {
  std::vector<std::string> names;
  UserAddr buf = alloc(buf_size);
  for (;;) {
    i64 n = sys(nr::getdents64, fd, buf, static_cast<i64>(buf_size));
    if (n < 0) {
      ADD_FAILURE() << "getdents64: " << errno_name(static_cast<Errno>(-n));
      break;
    }
    if (n == 0) break;
    for (i64 at = 0; at < n;) {
      auto h = get<abi::Dirent64Header>(buf + static_cast<UserAddr>(at));
      names.emplace_back(reinterpret_cast<char*>(m_host.memory().at(buf + static_cast<UserAddr>(at) + 19)));
      at += h.d_reclen;
    }
  }
  return names;
}

// ---- GuestThread ----

GuestThread::GuestThread(GuestProcess& process) : m_host(process.host()) {
  set_host(&m_host);
  LockGuard lock;
  auto t = attach_thread(process.process(), 0);
  if (t.is_error()) abort();
  m_thread = t.value();
}

GuestThread::GuestThread(GuestProcess& process, Cloned cloned) : m_host(process.host()), m_cloned(true) {
  set_host(&m_host);
  LockGuard lock;
  i32 ended = 0;
  if (!attach_cloned_thread(process.pid(), cloned.tid, ended).is_error())
    m_thread = RefPtr<Thread>(ProcessTable::the().find_thread(cloned.tid));
  set_current_thread(nullptr);
}

GuestThread::~GuestThread() {
  if (m_thread) {
    set_host(&m_host);
    LockGuard lock;
    set_current_thread(m_thread.ptr());
    if (!m_cloned) {
      m_thread->process().remove_thread(*m_thread);
    } else {
      // As a worker ends: a thread killed in user code was taken out of its process by
      // the killer; any other finishes (signal/signal.h release_killed_thread).
      if (!m_thread->killed()) (void)finish_thread(0);
      release_killed_thread(m_thread->tid());
    }
    set_current_thread(nullptr);
    m_thread = nullptr; // reference counts change only under the lock
  }
  set_host(&idle_host());
}

void GuestThread::enter() {
  set_host(&m_host);
  set_current_thread(m_thread.ptr());
}

i64 GuestThread::sys(int number, i64 a0, i64 a1, i64 a2, i64 a3, i64 a4, i64 a5) {
  enter();
  SyscallArgs args{{a0, a1, a2, a3, a4, a5}};
  bool must_stop = false;
  return syscall_entry(static_cast<u32>(number), args, must_stop);
}

void share_fd(GuestProcess& from, i32 fd, GuestProcess& to, i32 to_fd) {
  to.enter();
  LockGuard lock;
  auto d = from.process().fds().get(fd);
  ASSERT_FALSE(d.is_error()) << "share_fd: no descriptor " << fd;
  ASSERT_FALSE(to.process().fds().install_at(to_fd, d.release_value(), false, to.process().nofile_limit()).is_error());
}

void wait_until_blocked(GuestProcess& process, i32 fd) {
  using namespace std::chrono;
  auto give_up = steady_clock::now() + seconds(30);
  for (;;) {
    {
      process.enter();
      LockGuard lock;
      auto d = process.process().fds().get(fd);
      ASSERT_FALSE(d.is_error()) << "wait_until_blocked: no descriptor " << fd;
      // A table that only looks: whether any queue the file has is waited on.
      struct Looker final : PollTable {
        void watch(WaitQueue& q) override { waited |= q.has_waiters(); }
        bool waited{false};
      } looker;
      d.value()->file().poll(all_events, &looker);
      if (looker.waited) return;
    }
    ASSERT_LT(steady_clock::now(), give_up) << "nobody blocked on fd " << fd;
    std::this_thread::sleep_for(milliseconds(1));
  }
}

// ---- fixtures ----

void KernelTest::SetUp() {
  boot_kernel_once();
  // A fresh directory per test (and per repetition): tests share one root file system.
  static std::atomic<int> serial{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  m_dir = std::string("/tmp/") + info->test_suite_name() + "." + info->name() + "." + std::to_string(serial++);
  {
    LockGuard lock;
    auto d = make_directories(m_dir);
    ASSERT_FALSE(d.is_error()) << "make_directories " << m_dir;
  }
  m_process = std::make_unique<GuestProcess>(m_dir);
}

void KernelTest::TearDown() { m_process.reset(); }

void LockedTest::SetUp() {
  m_host = std::make_unique<FakeHost>();
  set_host(m_host.get());
  big_lock().lock();
}

void LockedTest::TearDown() {
  big_lock().unlock();
  set_host(&idle_host());
  m_host.reset();
}

} // namespace wasmux::test
