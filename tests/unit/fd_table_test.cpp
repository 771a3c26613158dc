// kernel/fd: FdTable (POSIX lowest-fd allocation, EMFILE, dup2-style install, close-on-exec,
// fork-style cloning) and the descriptor syscalls built on it.
#include "fd/fd_table.h"
#include "fd/file_description.h"
#include "kernel_fixture.h"

namespace wasmux::test {
namespace {

// A file that counts its open descriptions, like pipe ends do.
class CountingFile final : public File {
public:
  int opens = 0;
  int last_closes = 0;
  void on_open(FileDescription&) override { ++opens; }
  void on_last_close(FileDescription&) override { ++last_closes; }
};

RefPtr<FileDescription> describe(const RefPtr<CountingFile>& f, u32 flags = abi::o_rdwr) {
  return make_ref<FileDescription>(RefPtr<File>(f), flags);
}

class FdTableTest : public LockedTest {
protected:
  static constexpr u64 limit = 8;
  RefPtr<CountingFile> file = make_ref<CountingFile>();
};

TEST_F(FdTableTest, AllocatesTheLowestFreeDescriptor) {
  FdTable t;
  EXPECT_EQ(t.allocate(describe(file), false, 0, limit).value(), 0);
  EXPECT_EQ(t.allocate(describe(file), false, 0, limit).value(), 1);
  EXPECT_EQ(t.allocate(describe(file), false, 0, limit).value(), 2);
  ASSERT_FALSE(t.close(1).is_error());
  EXPECT_EQ(t.allocate(describe(file), false, 0, limit).value(), 1); // the hole first
  EXPECT_EQ(t.allocate(describe(file), false, 5, limit).value(), 5); // F_DUPFD's minimum
  EXPECT_EQ(t.allocate(describe(file), false, 5, limit).value(), 6);
  EXPECT_EQ(t.open_count(), 5u);
}

TEST_F(FdTableTest, RunsOutAtTheLimit) {
  FdTable t;
  for (u64 i = 0; i < limit; ++i)
    ASSERT_EQ(t.allocate(describe(file), false, 0, limit).value(), static_cast<i32>(i));
  EXPECT_EQ(t.allocate(describe(file), false, 0, limit).error(), Errno::emfile);
  EXPECT_EQ(t.allocate(describe(file), false, static_cast<i32>(limit), limit).error(), Errno::emfile);
  EXPECT_EQ(t.allocate(describe(file), false, -1, limit).error(), Errno::einval);
  // The refused descriptions were released at once.
  EXPECT_EQ(file->last_closes, 3);
}

TEST_F(FdTableTest, GetAndCloseRejectBadDescriptors) {
  FdTable t;
  EXPECT_EQ(t.get(0).error(), Errno::ebadf);
  EXPECT_EQ(t.get(-1).error(), Errno::ebadf);
  EXPECT_EQ(t.close(3).error(), Errno::ebadf);
  EXPECT_EQ(t.entry(-5), nullptr);
  i32 fd = t.allocate(describe(file), true, 0, limit).value();
  ASSERT_NE(t.entry(fd), nullptr);
  EXPECT_TRUE(t.entry(fd)->cloexec);
  ASSERT_FALSE(t.close(fd).is_error());
  EXPECT_EQ(t.close(fd).error(), Errno::ebadf);
  EXPECT_EQ(file->last_closes, 1);
}

TEST_F(FdTableTest, InstallAtReplacesAndClosesTheOldDescription) {
  FdTable t;
  auto other = make_ref<CountingFile>();
  ASSERT_FALSE(t.install_at(4, describe(file), false, limit).is_error());
  EXPECT_EQ(t.get(3).error(), Errno::ebadf); // slots below stay free
  EXPECT_EQ(t.allocate(describe(other), false, 0, limit).value(), 0);
  ASSERT_FALSE(t.install_at(4, describe(other), true, limit).is_error());
  EXPECT_EQ(file->last_closes, 1);
  EXPECT_EQ(&t.get(4).value()->file(), other.ptr());
  EXPECT_TRUE(t.entry(4)->cloexec);
  // dup2(2): a target at or past RLIMIT_NOFILE is EBADF.
  EXPECT_EQ(t.install_at(static_cast<i32>(limit), describe(other), false, limit).error(), Errno::ebadf);
  EXPECT_EQ(t.install_at(-1, describe(other), false, limit).error(), Errno::ebadf);
}

TEST_F(FdTableTest, CloseOnExecClosesOnlyMarkedDescriptors) {
  FdTable t;
  (void)t.allocate(describe(file), false, 0, limit);
  (void)t.allocate(describe(file), true, 0, limit);
  (void)t.allocate(describe(file), false, 0, limit);
  t.close_on_exec();
  EXPECT_FALSE(t.get(0).is_error());
  EXPECT_EQ(t.get(1).error(), Errno::ebadf);
  EXPECT_FALSE(t.get(2).is_error());
  EXPECT_EQ(file->last_closes, 1);
  t.close_all();
  EXPECT_EQ(t.open_count(), 0u);
  EXPECT_EQ(file->last_closes, 3);
}

TEST_F(FdTableTest, CloneSharesDescriptionsAndOffsets) {
  FdTable parent;
  auto d = describe(file);
  i32 fd = parent.allocate(d, true, 0, limit).value();
  FdTable child = parent.clone();
  EXPECT_EQ(child.get(fd).value().ptr(), d.ptr()); // one description, as after fork(2)
  EXPECT_TRUE(child.entry(fd)->cloexec);           // fd flags are copied per table
  child.entry(fd)->cloexec = false;
  EXPECT_TRUE(parent.entry(fd)->cloexec);
  child.get(fd).value()->set_offset(42);
  EXPECT_EQ(parent.get(fd).value()->offset(), 42);
  d.clear();
  ASSERT_FALSE(parent.close(fd).is_error());
  EXPECT_EQ(file->last_closes, 0); // the child still has it open
  child.close_all();
  EXPECT_EQ(file->last_closes, 1);
  EXPECT_EQ(file->opens, 1);
}

TEST_F(FdTableTest, StatusFlagsChangeOnlyTheChangeableBits) {
  auto d = describe(file, abi::o_wronly | abi::o_cloexec);
  EXPECT_FALSE(d->status_flags() & abi::o_cloexec); // a descriptor flag, not a status flag
  EXPECT_TRUE(d->is_writable());
  EXPECT_FALSE(d->is_readable());
  d->set_status_flags(abi::o_rdwr | abi::o_nonblock | abi::o_append | abi::o_creat);
  EXPECT_TRUE(d->is_nonblocking());
  EXPECT_TRUE(d->is_append());
  EXPECT_FALSE(d->is_readable()); // F_SETFL cannot change the access mode (fcntl(2))
  EXPECT_FALSE(d->status_flags() & abi::o_creat);
  auto path_only = describe(file, abi::o_path | abi::o_rdwr);
  EXPECT_FALSE(path_only->is_readable());
  EXPECT_FALSE(path_only->is_writable());
}

// ---- the descriptor syscalls ----

TEST_F(KernelTest, DupSharesTheOffset) {
  p().write_file("f", "0123456789");
  i64 fd = p().open("f", abi::o_rdonly);
  ASSERT_GE(fd, 0);
  i64 copy = sys(nr::dup, fd);
  ASSERT_GE(copy, 0);
  EXPECT_EQ(p().read(fd, 3), "012");
  EXPECT_EQ(p().read(copy, 3), "345"); // one open file description (dup(2))
  EXPECT_EQ(sys(nr::lseek, copy, 0, abi::seek_cur), 6);
  EXPECT_EQ(sys(nr::fcntl, copy, abi::f_getfd), 0); // dup clears FD_CLOEXEC
}

TEST_F(KernelTest, Dup3AndFcntlFollowLinux) {
  i64 fd = p().open(".", abi::o_rdonly | abi::o_directory);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(sys(nr::dup3, fd, fd, 0), err(Errno::einval)); // dup3(2): same fd is EINVAL
  EXPECT_EQ(sys(nr::dup3, fd, 40, abi::o_cloexec), 40);
  EXPECT_EQ(sys(nr::fcntl, 40, abi::f_getfd), abi::fd_cloexec);
  EXPECT_EQ(sys(nr::dup3, fd, 41, abi::o_nonblock), err(Errno::einval));
  EXPECT_EQ(sys(nr::dup3, fd, 4096, 0), err(Errno::ebadf)); // past RLIMIT_NOFILE
  EXPECT_EQ(sys(nr::dup3, 999, 42, 0), err(Errno::ebadf));
  EXPECT_EQ(sys(nr::fcntl, fd, abi::f_dupfd, 30), 30);
  EXPECT_EQ(sys(nr::fcntl, fd, abi::f_dupfd, 30), 31);
  EXPECT_EQ(sys(nr::fcntl, fd, abi::f_dupfd_cloexec, 30), 32);
  EXPECT_EQ(sys(nr::fcntl, 32, abi::f_getfd), abi::fd_cloexec);
  EXPECT_EQ(sys(nr::fcntl, fd, abi::f_dupfd, 1024), err(Errno::einval)); // fcntl(2)
  EXPECT_EQ(sys(nr::fcntl, fd, abi::f_setfd, abi::fd_cloexec), 0);
  EXPECT_EQ(sys(nr::fcntl, fd, abi::f_getfd), abi::fd_cloexec);
  EXPECT_EQ(sys(nr::fcntl, fd, 12345), err(Errno::einval));
}

TEST_F(KernelTest, OpenRunsOutOfDescriptorsAtTheSoftLimit) {
  abi::Rlimit lim{8, 4096};
  ASSERT_EQ(sys(nr::setrlimit, abi::rlimit_nofile, p().put(lim)), 0);
  std::vector<i64> fds;
  for (;;) {
    i64 fd = p().open(".", abi::o_rdonly);
    if (fd < 0) {
      EXPECT_EQ(fd, err(Errno::emfile));
      break;
    }
    fds.push_back(fd);
    ASSERT_LT(fds.size(), 10u);
  }
  EXPECT_EQ(fds.back(), 7); // 0-2 are stdio
  EXPECT_EQ(sys(nr::dup, 0), err(Errno::emfile));
  EXPECT_EQ(p().close(5), 0);
  EXPECT_EQ(sys(nr::dup, 0), 5);
}

TEST_F(KernelTest, CloseTwiceIsEbadf) {
  i64 fd = p().open(".", abi::o_rdonly);
  EXPECT_EQ(p().close(fd), 0);
  EXPECT_EQ(p().close(fd), err(Errno::ebadf));
  EXPECT_EQ(p().close(-1), err(Errno::ebadf));
  EXPECT_EQ(p().close(100000), err(Errno::ebadf));
}

} // namespace
} // namespace wasmux::test
