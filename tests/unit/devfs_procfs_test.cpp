// kernel/fs/devfs and kernel/fs/procfs: the memory devices (null(4), zero(4), full(4),
// random(4)) and /proc's per-process view (proc(5)), including its magic links.
#include <algorithm>
#include <sstream>
#include <vector>

#include "kernel_fixture.h"

namespace wasmux::test {
namespace {

TEST_F(KernelTest, DevNullSwallowsAndEndsAtOnce) {
  i64 fd = p().open("/dev/null", abi::o_rdwr);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(p().write(fd, "into the void"), 13);
  EXPECT_EQ(p().read_result(fd, 10), 0);
  EXPECT_EQ(sys(nr::lseek, fd, 100, abi::seek_set), 0); // null_lseek: always 0
  abi::Stat st{};
  ASSERT_EQ(p().stat("/dev/null", st), 0);
  EXPECT_EQ(st.st_mode & abi::s_ifmt, abi::s_ifchr);
  EXPECT_EQ(st.st_rdev, (1u << 8) | 3u); // 1:3
  i64 trunc = p().open("/dev/null", abi::o_wronly | abi::o_trunc);
  EXPECT_GE(trunc, 0); // O_TRUNC on a device is ignored
}

TEST_F(KernelTest, DevZeroFullAndUrandom) {
  i64 zero = p().open("/dev/zero", abi::o_rdwr);
  UserAddr buf = p().alloc(100);
  memset(p().host().memory().at(buf), 0xff, 100);
  EXPECT_EQ(sys(nr::read, zero, buf, 100), 100);
  EXPECT_EQ(p().bytes(buf, 100), std::string(100, '\0'));
  EXPECT_EQ(p().write(zero, "ignored"), 7);
  i64 full = p().open("/dev/full", abi::o_rdwr);
  EXPECT_EQ(p().write(full, "x"), err(Errno::enospc)); // full(4)
  EXPECT_EQ(sys(nr::read, full, buf, 10), 10);
  i64 random = p().open("/dev/urandom", abi::o_rdonly);
  UserAddr r = p().alloc(10000);
  EXPECT_EQ(sys(nr::read, random, r, 10000), 10000); // more than one internal chunk
  EXPECT_NE(p().bytes(r + 9000, 1000), std::string(1000, '\0'));
  EXPECT_EQ(sys(nr::read, random, 0x10, 8), err(Errno::efault));
}

TEST_F(KernelTest, DevTtyWithoutATerminalIsEnxio) { EXPECT_EQ(p().open("/dev/tty", abi::o_rdwr), err(Errno::enxio)); }

TEST_F(KernelTest, DevStdoutIsTheProcesssDescriptorOne) {
  i64 fd = p().open("/dev/stdout", abi::o_wronly);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(p().write(fd, "via /dev/stdout"), 15);
  EXPECT_EQ(p().host().stdout_text(), "via /dev/stdout");
  i64 fd2 = p().open("/dev/fd/2", abi::o_wronly);
  ASSERT_GE(fd2, 0);
  EXPECT_EQ(p().write(fd2, "err"), 3);
  EXPECT_EQ(p().host().stderr_text(), "err");
}

TEST_F(KernelTest, ProcSelfNamesTheCallingProcess) {
  UserAddr buf = p().alloc(64);
  i64 n = sys(nr::readlinkat, abi::at_fdcwd, p().str("/proc/self"), buf, 64);
  ASSERT_GT(n, 0);
  EXPECT_EQ(p().bytes(buf, static_cast<usize>(n)), std::to_string(p().pid()));
  GuestProcess other;
  UserAddr obuf = other.alloc(64);
  n = other.sys(nr::readlinkat, abi::at_fdcwd, other.str("/proc/self"), obuf, 64);
  EXPECT_EQ(other.bytes(obuf, static_cast<usize>(n)), std::to_string(other.pid()));
  std::string status = p().read_file("/proc/self/status");
  EXPECT_NE(status.find("Pid:\t" + std::to_string(p().pid()) + "\n"), std::string::npos);
  EXPECT_NE(status.find("PPid:\t1\n"), std::string::npos);
  EXPECT_EQ(p().read_file("/proc/self/comm"), "test\n");
  EXPECT_EQ(p().read_file("/proc/self/cmdline"), std::string("test\0", 5));
  EXPECT_EQ(p().open("/proc/999999/status", abi::o_rdonly), err(Errno::enoent));
  EXPECT_EQ(p().open("/proc/self/nonsense", abi::o_rdonly), err(Errno::enoent));
}

// fs/proc/array.c do_task_stat's 52 fields and proc_pid_statm's 7.
TEST_F(KernelTest, ProcStatAndStatm) {
  sys(nr::setpriority, abi::prio_process, 0, 5);
  std::string stat = p().read_file("/proc/self/stat");
  std::vector<std::string> fields;
  std::istringstream in(stat);
  for (std::string f; in >> f;)
    fields.push_back(f);
  ASSERT_EQ(fields.size(), 52u) << stat;
  EXPECT_EQ(fields[0], std::to_string(p().pid()));
  EXPECT_EQ(fields[1], "(test)");
  EXPECT_EQ(fields[2], "R"); // reading its own stat, it runs
  EXPECT_EQ(fields[3], "1"); // ppid
  EXPECT_EQ(fields[17], "25"); // priority: 20 + nice
  EXPECT_EQ(fields[18], "5");  // nice
  EXPECT_EQ(fields[19], "1");  // one thread
  EXPECT_GT(std::stoll(fields[23]), 0); // rss in pages: the stack, data and heap at least
  EXPECT_EQ(fields[37], "17"); // exit_signal SIGCHLD
  EXPECT_EQ(stat.back(), '\n');
  std::string statm = p().read_file("/proc/self/statm");
  std::istringstream m(statm);
  std::vector<long long> pages;
  for (long long v; m >> v;)
    pages.push_back(v);
  ASSERT_EQ(pages.size(), 7u) << statm;
  EXPECT_EQ(pages[1], std::stoll(fields[23])); // resident, as stat says
  EXPECT_GE(pages[0], pages[1]);
}

TEST_F(KernelTest, ProcListsLiveProcesses) {
  i64 fd = p().open("/proc", abi::o_rdonly | abi::o_directory);
  auto names = p().list_dir(fd, 256); // small buffer: the listing resumes by cookie
  EXPECT_NE(std::find(names.begin(), names.end(), "self"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), std::to_string(p().pid())), names.end());
  i64 pid_dir = p().open("/proc/self", abi::o_rdonly | abi::o_directory);
  auto entries = p().list_dir(pid_dir);
  for (const char* e : {"fd", "cwd", "cmdline", "comm", "stat", "statm", "status"})
    EXPECT_NE(std::find(entries.begin(), entries.end(), e), entries.end()) << e;
}

TEST_F(KernelTest, ProcFdListsAndFollowsDescriptors) {
  p().write_file("f", "file data");
  i64 fd = p().open("f", abi::o_rdonly);
  ASSERT_EQ(fd, 3);
  i64 dir_fd = p().open("/proc/self/fd", abi::o_rdonly | abi::o_directory);
  auto names = p().list_dir(dir_fd);
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "0", "1", "2", "3", std::to_string(dir_fd)}));
  UserAddr buf = p().alloc(256);
  i64 n = sys(nr::readlinkat, abi::at_fdcwd, p().str("/proc/self/fd/3"), buf, 256);
  EXPECT_EQ(p().bytes(buf, static_cast<usize>(n)), dir() + "/f");
  // Reopening through the magic link opens the same file afresh: its own offset.
  p().read(fd, 4);
  i64 again = p().open("/proc/self/fd/3", abi::o_rdonly);
  ASSERT_GE(again, 0);
  EXPECT_EQ(p().read(again, 100), "file data");
  EXPECT_EQ(p().open("/proc/self/fd/77", abi::o_rdonly), err(Errno::enoent));
  n = sys(nr::readlinkat, abi::at_fdcwd, p().str("/proc/self/cwd"), buf, 256);
  EXPECT_EQ(p().bytes(buf, static_cast<usize>(n)), dir());
  abi::Stat via{}, direct{};
  ASSERT_EQ(p().stat("/proc/self/cwd", via), 0);
  ASSERT_EQ(p().stat(".", direct), 0);
  EXPECT_EQ(via.st_ino, direct.st_ino);
}

// A pipe end reopened through /proc/PID/fd/N is another open description of that end:
// the pipe must count it, so closing the original does not end the stream early.
TEST_F(KernelTest, ReopenedPipeEndsKeepThePipeOpen) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  UserAddr buf = p().alloc(64);
  i64 n = sys(nr::readlinkat, abi::at_fdcwd, p().str("/proc/self/fd/" + std::to_string(fds[0])), buf, 64);
  EXPECT_EQ(p().bytes(buf, 6), "pipe:[");
  EXPECT_GT(n, 7);
  i64 writer = p().open("/proc/self/fd/" + std::to_string(fds[1]), abi::o_wronly);
  ASSERT_GE(writer, 0);
  EXPECT_EQ(p().close(fds[1]), 0);
  ASSERT_EQ(sys(nr::fcntl, fds[0], abi::f_setfl, abi::o_nonblock), 0);
  EXPECT_EQ(p().read_result(fds[0], 1), err(Errno::eagain)); // a writer remains: no EOF
  EXPECT_EQ(p().write(writer, "late"), 4);
  EXPECT_EQ(p().read(fds[0], 10), "late");
  EXPECT_EQ(p().close(writer), 0);
  EXPECT_EQ(p().read_result(fds[0], 1), 0); // now the last writer is gone
}

TEST_F(KernelTest, ProcFilesRefuseChanges) {
  EXPECT_EQ(sys(nr::fchmodat, abi::at_fdcwd, p().str("/proc/self/status"), 0777), err(Errno::eperm));
  // Root may open it for writing (DAC override) but nothing can be written.
  i64 fd = p().open("/proc/self/status", abi::o_wronly);
  if (fd >= 0) EXPECT_LT(p().write(fd, "x"), 0);
}

} // namespace
} // namespace wasmux::test
