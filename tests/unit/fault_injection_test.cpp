// Host faults (issue 8): host file-system calls that fail or are slow, memory that cannot
// grow, a process or thread the host cannot start. Each reaches the program as the errno
// Linux would give for the same failure underneath, and the kernel goes on working.
#include "fs/hostfs/hostfs.h"
#include "kernel_fixture.h"
#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

namespace wasmux::test {
namespace {

// A host directory mounted at <test dir>/mnt; every fault is cleared after each test.
class FaultTest : public KernelTest {
protected:
  void SetUp() override {
    KernelTest::SetUp();
    u32 mount = FakeHost::register_mount(host.path());
    p().enter();
    LockGuard lock;
    auto r = mount_host_directory(dir() + "/mnt", mount);
    ASSERT_FALSE(r.is_error()) << errno_name(r.error());
  }
  void TearDown() override {
    FakeHost::clear_faults();
    KernelTest::TearDown();
  }
  static void fail(HostOp op, Errno e, int skip = 0, int times = -1) { FakeHost::inject(op, {e, skip, times, 0}); }
  HostTempDir host;
};

TEST_F(FaultTest, AWriteTheHostRefusesIsTheHostsErrno) {
  i64 fd = p().open("mnt/f", abi::o_wronly | abi::o_creat);
  ASSERT_GE(fd, 0);
  fail(HostOp::pwrite, Errno::enospc);
  EXPECT_EQ(p().write(fd, "data"), err(Errno::enospc));
  fail(HostOp::pwrite, Errno::eio);
  EXPECT_EQ(p().write(fd, "data"), err(Errno::eio));
  FakeHost::clear_faults();
  EXPECT_EQ(p().write(fd, "data"), 4); // the file goes on working
  EXPECT_EQ(p().close(fd), 0);
  EXPECT_EQ(p().read_file("mnt/f"), "data");
}

TEST_F(FaultTest, AWriteThatFailsPartWayReportsWhatWasWritten) {
  i64 fd = p().open("mnt/big", abi::o_wronly | abi::o_creat);
  ASSERT_GE(fd, 0);
  std::string data(3 << 20, 'x');
  // The first host write goes through: a 4 KiB piece, as HostPort's default path from a
  // process's memory (host_pwrite_user) writes through a buffer on the stack.
  fail(HostOp::pwrite, Errno::enospc, 1);
  EXPECT_EQ(p().write(fd, data), 4096); // write(2): a partial write, then the error
  EXPECT_EQ(p().write(fd, data), err(Errno::enospc));
  EXPECT_EQ(p().close(fd), 0);
}

TEST_F(FaultTest, ReadsOpensAndListingsTheHostRefuses) {
  { std::ofstream(host / "f") << "contents"; }
  ASSERT_EQ(mkdir((host / "d").c_str(), 0755), 0);
  fail(HostOp::open, Errno::eacces);
  EXPECT_EQ(p().open("mnt/f", abi::o_rdonly), err(Errno::eacces));
  FakeHost::clear_faults();
  i64 fd = p().open("mnt/f", abi::o_rdonly);
  ASSERT_GE(fd, 0);
  fail(HostOp::pread, Errno::eio);
  EXPECT_EQ(p().read_result(fd, 8), err(Errno::eio));
  FakeHost::clear_faults();
  EXPECT_EQ(p().read(fd, 8), "contents");
  EXPECT_EQ(p().close(fd), 0);
  i64 dirfd = p().open("mnt/d", abi::o_rdonly | abi::o_directory);
  ASSERT_GE(dirfd, 0);
  fail(HostOp::readdir, Errno::eio);
  EXPECT_EQ(sys(nr::getdents64, dirfd, p().alloc(4096), 4096), err(Errno::eio));
  EXPECT_EQ(p().close(dirfd), 0);
  fail(HostOp::stat, Errno::eio);
  abi::Stat st;
  EXPECT_EQ(p().stat("mnt/f", st), err(Errno::eio));
  FakeHost::clear_faults();
  EXPECT_EQ(p().stat("mnt/f", st), 0);
}

TEST_F(FaultTest, ChangesToTheHostTreeTheHostRefuses) {
  { std::ofstream(host / "f") << "x"; }
  fail(HostOp::mkdir, Errno::enospc);
  EXPECT_EQ(p().mkdir("mnt/new"), err(Errno::enospc));
  fail(HostOp::unlink, Errno::eacces);
  EXPECT_EQ(p().unlink("mnt/f"), err(Errno::eacces));
  fail(HostOp::rename, Errno::eio);
  EXPECT_EQ(p().rename("mnt/f", "mnt/g"), err(Errno::eio));
  fail(HostOp::open, Errno::enospc);
  EXPECT_EQ(p().open("mnt/created", abi::o_wronly | abi::o_creat), err(Errno::enospc));
  FakeHost::clear_faults();
  i64 fd = p().open("mnt/f", abi::o_wronly);
  ASSERT_GE(fd, 0);
  fail(HostOp::fsync, Errno::eio);
  EXPECT_EQ(sys(nr::fsync, fd), err(Errno::eio));
  fail(HostOp::ftruncate, Errno::eio);
  EXPECT_EQ(sys(nr::ftruncate, fd, 0), err(Errno::eio));
  EXPECT_EQ(p().close(fd), 0);
  FakeHost::clear_faults();
  EXPECT_EQ(p().rename("mnt/f", "mnt/g"), 0);
  EXPECT_EQ(p().unlink("mnt/g"), 0);
}

TEST_F(FaultTest, MemoryThatCannotGrowIsEnomem) {
  fail(HostOp::memory_grow, Errno::enomem);
  // More than the fake memory's first 16 MiB: it has to grow.
  EXPECT_EQ(sys(nr::mmap, 0, 64 << 20, abi::prot_read | abi::prot_write, abi::map_private | abi::map_anonymous, -1, 0),
            err(Errno::enomem));
  i64 brk = sys(nr::brk, 0);
  EXPECT_EQ(sys(nr::brk, brk + (64 << 20)), brk); // brk(2): the old break when it cannot move
  FakeHost::clear_faults();
  i64 m = sys(nr::mmap, 0, 64 << 20, abi::prot_read | abi::prot_write, abi::map_private | abi::map_anonymous, -1, 0);
  EXPECT_GT(m, 0);
  EXPECT_EQ(sys(nr::munmap, m, 64 << 20), 0);
}

TEST_F(FaultTest, AThreadTheHostCannotStartIsEagain) {
  fail(HostOp::start_thread, Errno::eagain);
  abi::CloneStart start{0x40, 0x44, 0, 0x100, 0x200, 0x300};
  EXPECT_EQ(sys(nr::clone, clone_thread_flags, 0x9000, p().put(i32{0}), 0x100, p().put(i32{0}), p().put(start)),
            err(Errno::eagain));
  LockGuard lock;
  EXPECT_EQ(p().process().live_thread_count(), 1u); // nothing half-made is left
}

TEST_F(FaultTest, AProcessTheHostCannotStartFailsTheSpawn) {
  // A program the kernel would run (exec/wasm_image.h), and a spawn the host refuses.
  std::string image = program_image();
  i64 fd = p().open("prog", abi::o_wronly | abi::o_creat, 0755);
  ASSERT_EQ(p().write(fd, image), static_cast<i64>(image.size()));
  ASSERT_EQ(p().close(fd), 0);
  UserAddr argv = p().put(std::array<u32, 2>{static_cast<u32>(p().str("prog")), 0});
  fail(HostOp::start_process, Errno::eagain);
  EXPECT_EQ(sys(nr::wasmux_spawn, p().str("prog"), argv, p().put(u32{0}), 0, 0, 0), err(Errno::eagain));
  EXPECT_EQ(sys(nr::wait4, -1, 0, abi::wnohang, 0), err(Errno::echild)); // no child is left
}

TEST_F(FaultTest, ASlowHostCallHoldsUpOnlyItsCaller) {
  { std::ofstream(host / "slow") << "late"; }
  i64 fd = p().open("mnt/slow", abi::o_rdonly);
  ASSERT_GE(fd, 0);
  FakeHost::inject(HostOp::pread, {Errno{}, 0, 1, 300});
  std::atomic<bool> read_done{false};
  std::string got;
  std::thread reader([&] {
    got = p().read(fd, 4);
    read_done = true;
  });
  // Meanwhile another process goes through the kernel many times: the big lock is not held
  // across host I/O (DESIGN §1), so none of its calls waits for the slow read.
  GuestProcess other(dir());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  int calls = 0;
  while (!read_done && calls < 1000) {
    EXPECT_EQ(other.sys(nr::getpid), other.pid());
    ++calls;
  }
  EXPECT_EQ(calls, 1000) << "a getpid waited for the slow host read";
  reader.join();
  EXPECT_EQ(got, "late");
  p().enter();
  EXPECT_EQ(p().close(fd), 0);
}

} // namespace
} // namespace wasmux::test
