// kernel/proc and syscalls/process_info: process lifetime, identity, limits, the start-up
// block (docs/guest-abi.md), exit.
#include "kernel_fixture.h"
#include <cstring>
#include <memory>
#include <thread>

namespace wasmux::test {
namespace {

// Regression: a thread and its process referenced each other, so no process was ever freed.
TEST_F(KernelTest, AFinishedProcessIsFreed) {
  auto guest = std::make_unique<GuestProcess>();
  RefPtr<Process> held;
  {
    guest->enter();
    LockGuard lock;
    held = RefPtr<Process>(&guest->process());
  }
  guest.reset(); // finish_thread + reap
  p().enter();
  LockGuard lock;
  EXPECT_EQ(held->ref_count(), 1u); // only ours is left
  EXPECT_TRUE(held->has_exited());
  EXPECT_EQ(held->main_thread(), nullptr);
  held = nullptr;
}

TEST_F(KernelTest, IdentityOfTheCallingProcessAndThread) {
  EXPECT_EQ(sys(nr::getpid), p().pid());
  EXPECT_EQ(sys(nr::gettid), p().pid()); // the main thread's tid is the pid
  EXPECT_EQ(sys(nr::getppid), 1);        // started by the host: a child of init
  EXPECT_EQ(sys(nr::getuid), 0);
  EXPECT_EQ(sys(nr::geteuid), 0);
  EXPECT_EQ(sys(nr::getgid), 0);
  EXPECT_EQ(sys(nr::set_tid_address, 0), p().pid());
  i64 other_tid = 0;
  std::thread t([&] {
    GuestThread second(p());
    other_tid = second.sys(nr::gettid);
    EXPECT_EQ(second.sys(nr::getpid), p().pid());
  });
  t.join();
  EXPECT_NE(other_tid, p().pid());
  EXPECT_GT(other_tid, 0);
  GuestProcess other;
  EXPECT_NE(other.pid(), p().pid());
  EXPECT_EQ(other.sys(nr::getpid), other.pid());
}

TEST_F(KernelTest, ExitGroupRecordsTheStatusAndClosesDescriptors) {
  GuestProcess child;
  ASSERT_GE(child.open("/", abi::o_rdonly), 0);
  EXPECT_EQ(child.sys(nr::exit_group, 3), 0); // returns to the glue, which traps
  child.enter();
  LockGuard lock;
  EXPECT_TRUE(child.process().has_exited());
  EXPECT_EQ(child.process().wait_status(), 3 << 8); // WIFEXITED, WEXITSTATUS 3
  EXPECT_EQ(child.process().fds().open_count(), 0u);
}

TEST_F(KernelTest, UnameSaysLinuxOnWasm32) {
  UserAddr u = p().alloc(sizeof(abi::Utsname));
  ASSERT_EQ(sys(nr::uname, u), 0);
  auto name = p().get<abi::Utsname>(u);
  EXPECT_STREQ(reinterpret_cast<char*>(name.sysname), "Linux");
  EXPECT_STREQ(reinterpret_cast<char*>(name.machine), "wasm32");
  EXPECT_EQ(sys(nr::uname, 0), err(Errno::efault));
}

TEST_F(KernelTest, SysinfoCountsProcesses) {
  UserAddr s = p().alloc(sizeof(abi::Sysinfo));
  ASSERT_EQ(sys(nr::sysinfo, s), 0);
  auto info = p().get<abi::Sysinfo>(s);
  EXPECT_GE(info.procs, 1);
  EXPECT_EQ(info.mem_unit, 1u);
  EXPECT_GT(info.totalram, 0u);
}

TEST_F(KernelTest, ResourceLimits) {
  UserAddr out = p().alloc(sizeof(abi::Rlimit));
  ASSERT_EQ(sys(nr::getrlimit, abi::rlimit_nofile, out), 0);
  EXPECT_EQ(p().get<abi::Rlimit>(out).rlim_cur, 1024u); // Linux's defaults
  EXPECT_EQ(p().get<abi::Rlimit>(out).rlim_max, 4096u);
  EXPECT_EQ(sys(nr::setrlimit, abi::rlimit_nofile, p().put(abi::Rlimit{10, 5})), err(Errno::einval));
  EXPECT_EQ(sys(nr::setrlimit, abi::rlimit_nofile, p().put(abi::Rlimit{10, 1u << 21})), err(Errno::eperm));
  ASSERT_EQ(sys(nr::prlimit64, 0, abi::rlimit_nofile, p().put(abi::Rlimit{100, 200}), out), 0);
  EXPECT_EQ(p().get<abi::Rlimit>(out).rlim_cur, 1024u); // the old value comes back
  ASSERT_EQ(sys(nr::getrlimit, abi::rlimit_nofile, out), 0);
  EXPECT_EQ(p().get<abi::Rlimit>(out).rlim_max, 200u);
  EXPECT_EQ(sys(nr::getrlimit, 16, out), err(Errno::einval));
  EXPECT_EQ(sys(nr::prlimit64, 999999, abi::rlimit_nofile, 0, out), err(Errno::esrch));
  // An unprivileged process may lower its hard limit but not raise it again.
  p().enter();
  {
    LockGuard lock;
    p().process().credentials().euid = 1000;
  }
  EXPECT_EQ(sys(nr::setrlimit, abi::rlimit_nofile, p().put(abi::Rlimit{100, 150})), 0);
  EXPECT_EQ(sys(nr::setrlimit, abi::rlimit_nofile, p().put(abi::Rlimit{100, 151})), err(Errno::eperm));
}

TEST_F(KernelTest, SignalMaskBookkeeping) {
  UserAddr old = p().alloc(8);
  u64 set = (1ull << (abi::sigint - 1)) | (1ull << (abi::sigkill - 1));
  ASSERT_EQ(sys(nr::rt_sigprocmask, abi::sig_setmask, p().put(set), 0, 8), 0);
  ASSERT_EQ(sys(nr::rt_sigprocmask, abi::sig_block, 0, old, 8), 0);
  // SIGKILL and SIGSTOP cannot be blocked (sigprocmask(2)).
  EXPECT_EQ(p().get<u64>(old), 1ull << (abi::sigint - 1));
  EXPECT_EQ(sys(nr::rt_sigprocmask, 99, p().put(set), 0, 8), err(Errno::einval));
  EXPECT_EQ(sys(nr::rt_sigprocmask, abi::sig_block, 0, old, 4), err(Errno::einval));
  ASSERT_EQ(sys(nr::rt_sigprocmask, abi::sig_setmask, p().put(u64{0}), 0, 8), 0);
}

TEST_F(KernelTest, UmaskAppliesToNewFiles) {
  EXPECT_EQ(sys(nr::umask, 077), 022);
  EXPECT_EQ(sys(nr::umask, 077), 077);
  p().write_file("f", "");
  ASSERT_EQ(p().mkdir("d", 0777), 0);
  abi::Stat st{};
  ASSERT_EQ(p().stat("f", st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(p().stat("d", st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(sys(nr::umask, 01777), 077); // only permission bits are kept
  EXPECT_EQ(sys(nr::umask, 022), 0777);
}

TEST_F(KernelTest, StartupBlockLaysOutArgvEnvpAndAuxv) {
  Vector<String> argv, envp;
  argv.append(String("/bin/prog"));
  argv.append(String("arg one"));
  envp.append(String("HOME=/home"));
  RefPtr<Process> proc;
  {
    p().enter();
    LockGuard lock;
    proc = create_host_process(std::move(argv), std::move(envp), "/").release_value();
    (void)attach_thread(*proc, heap_base); // bind this OS thread to it for the calls below
  }
  auto call = [&](UserAddr buf, i64 size) {
    bool must_stop = false;
    return syscall_entry(nr::wasmux_startup_block, SyscallArgs{{buf, size, 0, 0, 0, 0}}, must_stop);
  };
  i64 need = call(0, 0); // too small: nothing written, the size comes back
  ASSERT_GT(need, 0);
  UserAddr buf = p().alloc(static_cast<usize>(need));
  ASSERT_EQ(call(buf, need), need);
  auto word = [&](usize i) { return p().get<u32>(buf + static_cast<UserAddr>(4 * i)); };
  auto text = [&](u32 addr) { return std::string(reinterpret_cast<char*>(p().host().memory().at(addr))); };
  EXPECT_EQ(word(0), 2u); // argc
  EXPECT_EQ(text(word(1)), "/bin/prog");
  EXPECT_EQ(text(word(2)), "arg one");
  EXPECT_EQ(word(3), 0u);
  EXPECT_EQ(text(word(4)), "HOME=/home");
  EXPECT_EQ(word(5), 0u);
  bool saw_pagesz = false, saw_random = false, saw_null = false;
  for (usize i = 6; i + 1 < static_cast<usize>(need) / 4; i += 2) {
    u32 key = word(i), value = word(i + 1);
    if (key == abi::at_pagesz) saw_pagesz = value == 4096;
    if (key == abi::at_random) saw_random = value > buf && value + 16 <= buf + need;
    if (key == abi::at_execfn) EXPECT_EQ(text(value), "/bin/prog");
    if (key == abi::at_null) {
      saw_null = true;
      break;
    }
  }
  EXPECT_TRUE(saw_pagesz);
  EXPECT_TRUE(saw_random);
  EXPECT_TRUE(saw_null);
  EXPECT_EQ(call(0x10, need), err(Errno::efault));
  {
    LockGuard lock;
    (void)finish_thread(0);
    ProcessTable::the().remove(proc->pid());
    proc = nullptr;
  }
}

TEST_F(KernelTest, UnknownSyscallsAreEnosys) {
  EXPECT_EQ(sys(nr::io_setup), err(Errno::enosys));
  EXPECT_EQ(sys(100000), err(Errno::enosys));
  EXPECT_EQ(sys(-1), err(Errno::enosys));
}

} // namespace
} // namespace wasmux::test
