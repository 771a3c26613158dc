// Bugs the syscall fuzzer found (tests/fuzz), one test each, named after the bug. The input
// that found each is kept in tests/fuzz/regressions/ under the same name and replayed by
// scripts/fuzz.sh.
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

} // namespace
} // namespace wasmux::test
