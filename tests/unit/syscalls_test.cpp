// Syscall families through syscall_entry: attributes (stat, access, chmod, times, links),
// vectored I/O, status flags, standard streams, and EFAULT for bad user pointers.
#include "kernel_fixture.h"

namespace wasmux::test {
namespace {

TEST_F(KernelTest, WritesToStdoutReachTheHost) {
  EXPECT_EQ(p().write(1, "hello\n"), 6);
  EXPECT_EQ(p().write(2, "oops"), 4);
  EXPECT_EQ(p().host().stdout_text(), "hello\n");
  EXPECT_EQ(p().host().stderr_text(), "oops");
  EXPECT_EQ(p().write(1, ""), 0);
  // The host's error comes back as the call's.
  p().host().fail_stdio_with(static_cast<i32>(Errno::eio));
  EXPECT_EQ(p().write(1, "lost"), err(Errno::eio));
  p().host().fail_stdio_with(0);
  EXPECT_EQ(p().read_result(1, 4), err(Errno::ebadf)); // stdout is write-only
  abi::Stat st{};
  ASSERT_EQ(p().fstat(1, st), 0);
  EXPECT_EQ(st.st_mode & abi::s_ifmt, abi::s_ififo); // not a terminal here
  EXPECT_EQ(sys(nr::ioctl, 1, abi::tiocgwinsz, p().alloc(8)), err(Errno::enotty));
}

TEST_F(KernelTest, StatReportsKindsSizesAndLinks) {
  p().write_file("f", "12345");
  ASSERT_EQ(p().mkdir("d"), 0);
  ASSERT_EQ(p().symlink("f", "l"), 0);
  abi::Stat st{};
  ASSERT_EQ(p().stat("f", st), 0);
  EXPECT_EQ(st.st_mode & abi::s_ifmt, abi::s_ifreg);
  EXPECT_EQ(st.st_size, 5);
  EXPECT_EQ(st.st_nlink, 1u);
  EXPECT_EQ(st.st_blksize, 4096);
  abi::Stat link{};
  ASSERT_EQ(p().stat("l", link), 0); // stat follows ...
  EXPECT_EQ(link.st_ino, st.st_ino);
  ASSERT_EQ(p().stat("l", link, false), 0); // ... lstat does not
  EXPECT_EQ(link.st_mode & abi::s_ifmt, abi::s_iflnk);
  EXPECT_EQ(link.st_size, 1); // the target's length
  ASSERT_EQ(p().stat("d", st), 0);
  EXPECT_EQ(st.st_mode & abi::s_ifmt, abi::s_ifdir);
  EXPECT_EQ(st.st_nlink, 2u);
  EXPECT_EQ(p().stat("missing", st), err(Errno::enoent));
  // AT_EMPTY_PATH stats the descriptor itself.
  i64 fd = p().open("f", abi::o_rdonly);
  UserAddr buf = p().alloc(sizeof(abi::Stat));
  ASSERT_EQ(sys(nr::newfstatat, fd, p().str(""), buf, abi::at_empty_path), 0);
  EXPECT_EQ(p().get<abi::Stat>(buf).st_size, 5);
  EXPECT_EQ(sys(nr::newfstatat, fd, p().str(""), buf, 0), err(Errno::enoent));
  EXPECT_EQ(sys(nr::newfstatat, abi::at_fdcwd, p().str("f"), buf, 0x1), err(Errno::einval));
}

TEST_F(KernelTest, StatxMirrorsStat) {
  p().write_file("f", "abc");
  abi::Stat st{};
  ASSERT_EQ(p().stat("f", st), 0);
  UserAddr sx = p().alloc(sizeof(abi::Statx));
  ASSERT_EQ(sys(nr::statx, abi::at_fdcwd, p().str("f"), 0, abi::statx_basic_stats, sx), 0);
  auto x = p().get<abi::Statx>(sx);
  EXPECT_EQ(x.stx_mask & abi::statx_basic_stats, abi::statx_basic_stats);
  EXPECT_EQ(x.stx_size, 3u);
  EXPECT_EQ(x.stx_ino, st.st_ino);
  EXPECT_EQ(x.stx_mode, st.st_mode);
  EXPECT_EQ(x.stx_mtime.tv_sec, st.st_mtime_sec);
}

TEST_F(KernelTest, AccessForRootAndForOthers) {
  p().write_file("f", "");
  ASSERT_EQ(sys(nr::fchmodat, abi::at_fdcwd, p().str("f"), 0640), 0);
  EXPECT_EQ(sys(nr::faccessat, abi::at_fdcwd, p().str("f"), abi::r_ok | abi::w_ok), 0);
  EXPECT_EQ(sys(nr::faccessat, abi::at_fdcwd, p().str("f"), abi::x_ok), err(Errno::eacces)); // root: needs an x bit
  EXPECT_EQ(sys(nr::faccessat, abi::at_fdcwd, p().str("f"), 8), err(Errno::einval));
  EXPECT_EQ(sys(nr::faccessat, abi::at_fdcwd, p().str("missing"), abi::f_ok), err(Errno::enoent));
  p().enter();
  {
    LockGuard lock;
    auto& c = p().process().credentials();
    c.uid = c.euid = 1000;
    c.gid = c.egid = 1000;
  }
  EXPECT_EQ(sys(nr::faccessat, abi::at_fdcwd, p().str("f"), abi::r_ok), err(Errno::eacces)); // "other": ---
  EXPECT_EQ(sys(nr::fchmodat, abi::at_fdcwd, p().str("f"), 0777), err(Errno::eperm));        // not the owner
  EXPECT_EQ(sys(nr::fchownat, abi::at_fdcwd, p().str("f"), 1000, 1000, 0), err(Errno::eperm));
}

TEST_F(KernelTest, ChmodChownAndTimes) {
  p().write_file("f", "");
  ASSERT_EQ(sys(nr::fchmodat, abi::at_fdcwd, p().str("f"), 04751), 0);
  ASSERT_EQ(sys(nr::fchownat, abi::at_fdcwd, p().str("f"), 12, 34, 0), 0);
  abi::Stat st{};
  ASSERT_EQ(p().stat("f", st), 0);
  EXPECT_EQ(st.st_mode, abi::s_ifreg | 04751);
  EXPECT_EQ(st.st_uid, 12u);
  EXPECT_EQ(st.st_gid, 34u);
  ASSERT_EQ(sys(nr::fchownat, abi::at_fdcwd, p().str("f"), -1, 56, 0), 0); // -1 keeps the uid
  ASSERT_EQ(p().stat("f", st), 0);
  EXPECT_EQ(st.st_uid, 12u);
  EXPECT_EQ(st.st_gid, 56u);
  abi::Timespec times[2] = {{1000, 5, 0}, {2000, 7, 0}};
  UserAddr t = p().alloc(sizeof times);
  memcpy(p().host().memory().at(t), times, sizeof times);
  ASSERT_EQ(sys(nr::utimensat, abi::at_fdcwd, p().str("f"), t, 0), 0);
  ASSERT_EQ(p().stat("f", st), 0);
  EXPECT_EQ(st.st_atime_sec, 1000);
  EXPECT_EQ(st.st_atime_nsec, 5);
  EXPECT_EQ(st.st_mtime_sec, 2000);
  // UTIME_OMIT leaves a time alone; UTIME_NOW sets it to now.
  abi::Timespec omit_now[2] = {{0, static_cast<i32>(abi::utime_omit), 0}, {0, static_cast<i32>(abi::utime_now), 0}};
  memcpy(p().host().memory().at(t), omit_now, sizeof omit_now);
  ASSERT_EQ(sys(nr::utimensat, abi::at_fdcwd, p().str("f"), t, 0), 0);
  ASSERT_EQ(p().stat("f", st), 0);
  EXPECT_EQ(st.st_atime_sec, 1000);
  EXPECT_GT(st.st_mtime_sec, 1600000000);
  abi::Timespec bad[2] = {{0, 1000000000, 0}, {0, 0, 0}};
  memcpy(p().host().memory().at(t), bad, sizeof bad);
  EXPECT_EQ(sys(nr::utimensat, abi::at_fdcwd, p().str("f"), t, 0), err(Errno::einval));
  // A NULL path means the descriptor itself (futimens).
  i64 fd = p().open("f", abi::o_rdonly);
  EXPECT_EQ(sys(nr::utimensat, fd, 0, 0, 0), 0);
}

TEST_F(KernelTest, HardLinksAndReadlink) {
  p().write_file("f", "data");
  ASSERT_EQ(sys(nr::linkat, abi::at_fdcwd, p().str("f"), abi::at_fdcwd, p().str("g"), 0), 0);
  abi::Stat st{};
  ASSERT_EQ(p().stat("g", st), 0);
  EXPECT_EQ(st.st_nlink, 2u);
  EXPECT_EQ(sys(nr::linkat, abi::at_fdcwd, p().str("."), abi::at_fdcwd, p().str("dir-link"), 0), err(Errno::eperm));
  EXPECT_EQ(sys(nr::linkat, abi::at_fdcwd, p().str("f"), abi::at_fdcwd, p().str("g"), 0), err(Errno::eexist));
  ASSERT_EQ(p().symlink("a/long/target", "l"), 0);
  UserAddr buf = p().alloc(64);
  EXPECT_EQ(sys(nr::readlinkat, abi::at_fdcwd, p().str("l"), buf, 64), 13);
  EXPECT_EQ(p().bytes(buf, 13), "a/long/target");
  EXPECT_EQ(sys(nr::readlinkat, abi::at_fdcwd, p().str("l"), buf, 4), 4); // truncated, no NUL
  EXPECT_EQ(sys(nr::readlinkat, abi::at_fdcwd, p().str("f"), buf, 64), err(Errno::einval));
  EXPECT_EQ(sys(nr::readlinkat, abi::at_fdcwd, p().str("l"), buf, 0), err(Errno::einval));
  EXPECT_EQ(p().symlink("", "empty"), err(Errno::enoent)); // symlink(2): empty target
}

TEST_F(KernelTest, VectoredIo) {
  i64 fd = p().open("f", abi::o_rdwr | abi::o_creat);
  UserAddr a = p().str("first "), b = p().str("second");
  abi::Iovec iov[3] = {{a, 6}, {0, 0}, {b, 6}}; // an empty entry is skipped
  UserAddr v = p().alloc(sizeof iov);
  memcpy(p().host().memory().at(v), iov, sizeof iov);
  EXPECT_EQ(sys(nr::writev, fd, v, 3), 12);
  EXPECT_EQ(sys(nr::lseek, fd, 0, abi::seek_set), 0);
  UserAddr x = p().alloc(4), y = p().alloc(100);
  abi::Iovec into[2] = {{x, 4}, {y, 100}};
  memcpy(p().host().memory().at(v), into, sizeof into);
  EXPECT_EQ(sys(nr::readv, fd, v, 2), 12);
  EXPECT_EQ(p().bytes(x, 4) + p().bytes(y, 8), "first second");
  EXPECT_EQ(sys(nr::readv, fd, v, -1), err(Errno::einval));
  EXPECT_EQ(sys(nr::readv, fd, v, 1025), err(Errno::einval)); // past IOV_MAX
  EXPECT_EQ(sys(nr::writev, fd, 0x10, 1), err(Errno::efault));
  abi::Iovec huge[2] = {{a, 0x7fffffff}, {b, 2}}; // total past SSIZE_MAX for 32 bits
  memcpy(p().host().memory().at(v), huge, sizeof huge);
  EXPECT_EQ(sys(nr::writev, fd, v, 2), err(Errno::einval));
}

TEST_F(KernelTest, StatusFlagsThroughFcntlAndIoctl) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  EXPECT_EQ(sys(nr::fcntl, fds[0], abi::f_getfl), abi::o_rdonly);
  ASSERT_EQ(sys(nr::fcntl, fds[0], abi::f_setfl, abi::o_nonblock | abi::o_wronly), 0);
  EXPECT_EQ(sys(nr::fcntl, fds[0], abi::f_getfl), abi::o_rdonly | abi::o_nonblock); // access mode kept
  EXPECT_EQ(p().read_result(fds[0], 1), err(Errno::eagain));
  ASSERT_EQ(sys(nr::ioctl, fds[0], abi::fionbio, p().put(i32{0})), 0);
  EXPECT_EQ(sys(nr::fcntl, fds[0], abi::f_getfl), abi::o_rdonly);
  EXPECT_EQ(sys(nr::ioctl, fds[0], 0x1234, 0), err(Errno::enotty));
  EXPECT_EQ(sys(nr::ioctl, fds[0], abi::fionbio, 0x10), err(Errno::efault));
  // F_GETLK on an unlocked file reports F_UNLCK.
  p().write_file("f", "");
  i64 fd = p().open("f", abi::o_rdwr);
  UserAddr lk = p().alloc(32);
  ASSERT_EQ(sys(nr::fcntl, fd, abi::f_getlk, lk), 0);
  EXPECT_EQ(p().get<i16>(lk), 2);
  UserAddr n = p().alloc(4);
  p().write_file("g", "1234567");
  i64 g = p().open("g", abi::o_rdonly);
  p().read(g, 3);
  ASSERT_EQ(sys(nr::ioctl, g, abi::fionread, n), 0);
  EXPECT_EQ(p().get<i32>(n), 4); // bytes left from the offset
}

// ---- bad user pointers: EFAULT, never a crash, and nothing half-done ----

TEST_F(KernelTest, BadBuffersAreEfault) {
  u64 end = p().host().memory().size();
  p().write_file("f", "contents");
  i64 fd = p().open("f", abi::o_rdwr);
  EXPECT_EQ(sys(nr::read, fd, 0, 4), err(Errno::efault));          // NULL
  EXPECT_EQ(sys(nr::read, fd, 4095, 4), err(Errno::efault));       // still the NULL page
  EXPECT_EQ(sys(nr::read, fd, end - 2, 4), err(Errno::efault));    // runs off the end
  EXPECT_EQ(sys(nr::read, fd, end + 4096, 4), err(Errno::efault)); // wholly outside
  EXPECT_EQ(sys(nr::read, fd, 0xfffffffe, 4), err(Errno::efault)); // would wrap
  EXPECT_EQ(sys(nr::read, fd, 0, 0), 0);                           // nothing to copy
  EXPECT_EQ(sys(nr::lseek, fd, 0, abi::seek_cur), 0);              // the offset did not move
  EXPECT_EQ(sys(nr::write, fd, 16, 4), err(Errno::efault));
  EXPECT_EQ(sys(nr::write, fd, end - 1, 2), err(Errno::efault));
  EXPECT_EQ(p().read_file("f"), "contents");              // unchanged
  EXPECT_EQ(sys(nr::write, 1, 0, 5), err(Errno::efault)); // stdout too
  EXPECT_EQ(sys(nr::write, 1, end - 1, 5), err(Errno::efault));
  EXPECT_EQ(p().host().stdout_text(), "");
  EXPECT_EQ(sys(nr::fstat, fd, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::fstat, fd, end - 8), err(Errno::efault));
  EXPECT_EQ(sys(nr::getcwd, 0, 4096), err(Errno::efault));
}

TEST_F(KernelTest, BadPathPointersAreEfault) {
  u64 end = p().host().memory().size();
  EXPECT_EQ(sys(nr::openat, abi::at_fdcwd, 0, abi::o_rdonly, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::openat, abi::at_fdcwd, end, abi::o_rdonly, 0), err(Errno::efault));
  // A path whose NUL would lie past the end of memory.
  UserAddr tail = static_cast<UserAddr>(end - 3);
  memset(p().host().memory().at(tail), 'a', 3);
  EXPECT_EQ(sys(nr::openat, abi::at_fdcwd, tail, abi::o_rdonly, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::mkdirat, abi::at_fdcwd, 0, 0755), err(Errno::efault));
  EXPECT_EQ(sys(nr::unlinkat, abi::at_fdcwd, 0, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::symlinkat, 0, abi::at_fdcwd, p().str("x")), err(Errno::efault));
  EXPECT_EQ(sys(nr::chdir, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::newfstatat, abi::at_fdcwd, 0, p().alloc(sizeof(abi::Stat)), 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::newfstatat, abi::at_fdcwd, p().str("/"), 0, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::readlinkat, abi::at_fdcwd, p().str("/dev/stdout"), 0, 64), err(Errno::efault));
  EXPECT_EQ(sys(nr::utimensat, abi::at_fdcwd, p().str("/"), 0x10, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::setrlimit, abi::rlimit_nofile, 0x10), err(Errno::efault));
  EXPECT_EQ(sys(nr::getrlimit, abi::rlimit_nofile, end), err(Errno::efault));
  EXPECT_EQ(sys(nr::rt_sigprocmask, abi::sig_block, 0x10, 0, 8), err(Errno::efault));
}

TEST_F(KernelTest, FaultingReadFromAPipeConsumesNothing) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  ASSERT_EQ(p().write(fds[1], "keep me"), 7);
  EXPECT_EQ(sys(nr::read, fds[0], 0x10, 7), err(Errno::efault));
  EXPECT_EQ(sys(nr::write, fds[1], 0x10, 7), err(Errno::efault));
  EXPECT_EQ(p().read(fds[0], 100), "keep me");
}

} // namespace
} // namespace wasmux::test
