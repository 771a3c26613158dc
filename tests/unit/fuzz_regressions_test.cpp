// Bugs the syscall fuzzer found (tests/fuzz), one test each, named after the bug. The input
// that found each is kept in tests/fuzz/regressions/ under the same name and replayed by
// scripts/fuzz.sh.
#include <array>
#include <thread>

#include "kernel_fixture.h"

namespace wasmux::test {
namespace {

// utimensat with a tv_sec whose nanoseconds overflow 64 bits was signed overflow (UBSan).
// Linux clamps a time a file system cannot hold (fs/inode.c timestamp_truncate).
TEST_F(KernelTest, UtimensatHugeSecondsClampInsteadOfOverflowing) {
  p().write_file("f", "");
  abi::Timespec times[2] = {{INT64_MAX / 2, 5, 0}, {-(INT64_MAX / 2), 0, 0}};
  UserAddr t = p().put(times);
  ASSERT_EQ(sys(nr::utimensat, abi::at_fdcwd, p().str("f"), t, 0), 0);
  abi::Stat st;
  ASSERT_EQ(p().stat("f", st), 0);
  EXPECT_EQ(st.st_atime_sec, INT64_MAX / 1000000000); // the latest time the kernel holds
  EXPECT_LT(st.st_mtime_sec, -9000000000ll);          // before 1678
  // On the way: a time before 1970 was taken for UTIME_OMIT (-1 meant "leave it").
  abi::Timespec before_epoch[2] = {{-86400, 250, 0}, {-1, 999999999, 0}};
  memcpy(p().host().memory().at(t), before_epoch, sizeof before_epoch);
  ASSERT_EQ(sys(nr::utimensat, abi::at_fdcwd, p().str("f"), t, 0), 0);
  ASSERT_EQ(p().stat("f", st), 0);
  EXPECT_EQ(st.st_atime_sec, -86400);
  EXPECT_EQ(st.st_atime_nsec, 250);
  EXPECT_EQ(st.st_mtime_sec, -1);
  EXPECT_EQ(st.st_mtime_nsec, 999999999);
}

// ftruncate to INT64_MAX made a file whose st_blocks overflowed (UBSan) and which no
// write could fill: a tmpfs file is at most 1 TiB, past it truncate is EFBIG as writes are.
TEST_F(KernelTest, FtruncateBeyondTheLargestFileIsEfbig) {
  i64 fd = p().open("f", abi::o_rdwr | abi::o_creat);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(sys(nr::ftruncate, fd, INT64_MAX), err(Errno::efbig));
  EXPECT_EQ(sys(nr::ftruncate, fd, (1ll << 40) + 1), err(Errno::efbig));
  ASSERT_EQ(sys(nr::ftruncate, fd, 1ll << 40), 0); // sparse: costs nothing
  abi::Stat st;
  ASSERT_EQ(p().fstat(fd, st), 0);
  EXPECT_EQ(st.st_size, 1ll << 40);
  EXPECT_EQ(st.st_blocks, (1ll << 40) / 512);
  EXPECT_EQ(p().close(fd), 0);
}

// An ordinary user could rename /dev (root's, and a mount point) into its own directory:
// nothing checked permissions on directory entries, and a mount point moved.
TEST_F(KernelTest, RenameOfAMountPointOrOfRootsEntriesByAUserFails) {
  EXPECT_EQ(sys(nr::renameat, abi::at_fdcwd, p().str("/dev"), abi::at_fdcwd, p().str("moved")), err(Errno::ebusy));
  // Root's: a directory with one inside; the test's own directory becomes the user's.
  ASSERT_EQ(p().mkdir("roots"), 0);
  ASSERT_EQ(p().mkdir("roots/d"), 0);
  ASSERT_EQ(sys(nr::fchownat, abi::at_fdcwd, p().str("."), 1000, 1000, 0), 0);
  ASSERT_EQ(sys(nr::setresuid, 1000, 1000, 1000), 0);
  EXPECT_EQ(sys(nr::renameat, abi::at_fdcwd, p().str("/dev"), abi::at_fdcwd, p().str("moved")), err(Errno::ebusy));
  EXPECT_EQ(sys(nr::renameat, abi::at_fdcwd, p().str("roots/d"), abi::at_fdcwd, p().str("moved")), err(Errno::eacces));
  EXPECT_EQ(p().rmdir("roots/d"), err(Errno::eacces));
  // /tmp holds the target: Linux's lock_rename trap answers first (EINVAL).
  EXPECT_EQ(sys(nr::renameat, abi::at_fdcwd, p().str("/tmp"), abi::at_fdcwd, p().str("moved")), err(Errno::einval));
  abi::Stat st;
  EXPECT_EQ(p().stat("/dev/null", st), 0);
}

// A blocking eventfd write of more than the counter has room for, while the counter is
// below its maximum (so the file polls writable), looped forever with the kernel lock
// held: the write waited for POLLOUT, which answered at once. eventfd_write sleeps until
// its own value fits (fs/eventfd.c).
TEST_F(KernelTest, EventfdWriteThatDoesNotFitSleepsUntilARead) {
  i64 fd = sys(nr::eventfd2, 0, 0);
  ASSERT_GE(fd, 0);
  u64 big = ~0ull - 2;
  ASSERT_EQ(sys(nr::write, fd, p().put(big), 8), 8); // room for 1 more: writable
  i64 result = -1;
  std::thread writer([&] {
    GuestThread t(p());
    u64 two = 2;
    result = t.sys(nr::write, fd, p().put(two), 8);
  });
  wait_until_blocked(p(), static_cast<i32>(fd));
  UserAddr got = p().put(u64{0});
  ASSERT_EQ(sys(nr::read, fd, got, 8), 8); // takes it all: the 2 fits now
  writer.join();
  EXPECT_EQ(result, 8);
  EXPECT_EQ(p().get<u64>(got), big);
}

// The same with an AF_UNIX datagram larger than the room left in its receiver's queue:
// the socket polls writable (a byte fits), the datagram does not.
TEST_F(KernelTest, UnixDatagramThatDoesNotFitSleepsUntilARead) {
  UserAddr pair = p().put(std::array<i32, 2>{});
  ASSERT_EQ(sys(nr::socketpair, abi::af_unix, abi::sock_dgram, 0, pair), 0);
  auto fds = p().get<std::array<i32, 2>>(pair);
  i32 size = 4096; // doubled by the kernel: 8192
  ASSERT_EQ(sys(nr::setsockopt, fds[1], abi::sol_socket, abi::so_rcvbuf, p().put(size), 4), 0);
  std::string first(5000, 'a'), second(5000, 'b');
  ASSERT_EQ(p().write(fds[0], first), 5000);
  i64 result = -1;
  std::thread sender([&] {
    GuestThread t(p());
    result = t.sys(nr::write, fds[0], p().str(second), 5000);
  });
  wait_until_blocked(p(), fds[0]); // the sender's poll watches its peer's writers
  UserAddr buf = p().alloc(8192);
  ASSERT_EQ(sys(nr::read, fds[1], buf, 8192), 5000);
  sender.join();
  EXPECT_EQ(result, 5000);
  EXPECT_EQ(sys(nr::read, fds[1], buf, 8192), 5000);
}

} // namespace
} // namespace wasmux::test
