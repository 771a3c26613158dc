// kernel/ipc/pipe: the ring, PIPE_BUF atomicity, EOF and EPIPE edges, readiness (pipe(7),
// Linux fs/pipe.c), first on the Pipe object, then through pipe2/read/write/poll.
#include "ipc/pipe.h"
#include "kernel_fixture.h"

namespace wasmux::test {
namespace {

class PipeTest : public LockedTest {
protected:
  Result<usize> put(Pipe& p, std::string data) { return p.write(IoBuffer::kernel(data.data(), data.size())); }
  std::string take(Pipe& p, usize n) {
    std::string out(n, '?');
    auto r = p.read(IoBuffer::kernel(out.data(), n));
    if (r.is_error()) return std::string("error:") + errno_name(r.error());
    out.resize(r.value());
    return out;
  }
  static std::string pattern(usize n, char seed) {
    std::string s(n, ' ');
    for (usize i = 0; i < n; ++i)
      s[i] = static_cast<char>(seed + i % 23);
    return s;
  }
};

TEST_F(PipeTest, DataWrapsAroundTheRingInOrder) {
  auto p = make_ref<Pipe>(8192);
  p->add_reader();
  p->add_writer();
  std::string a = pattern(6000, 'a'), b = pattern(5000, 'A');
  EXPECT_EQ(put(*p, a).value(), 6000u);
  EXPECT_EQ(take(*p, 5000), a.substr(0, 5000));
  EXPECT_EQ(put(*p, b).value(), 5000u); // wraps past the ring's end
  EXPECT_EQ(p->available(), 6000u);
  EXPECT_EQ(take(*p, 8192), a.substr(5000) + b);
  EXPECT_EQ(take(*p, 10), "error:EAGAIN"); // empty with a writer: would block
  EXPECT_EQ(take(*p, 0), "");              // a zero-length read never blocks
}

TEST_F(PipeTest, SmallWritesAreAtomicLargeOnesPartial) {
  auto p = make_ref<Pipe>(8192);
  p->add_reader();
  p->add_writer();
  ASSERT_EQ(put(*p, pattern(8192 - 100, 'x')).value(), 8092u);
  // pipe(7): n <= PIPE_BUF is written all at once or not at all ...
  EXPECT_EQ(put(*p, pattern(101, 'y')).error(), Errno::would_block);
  EXPECT_EQ(put(*p, pattern(4096, 'y')).error(), Errno::would_block);
  EXPECT_EQ(p->available(), 8092u);
  // ... while a larger write takes what fits.
  EXPECT_EQ(put(*p, pattern(5000, 'z')).value(), 100u);
  EXPECT_EQ(put(*p, "q").error(), Errno::would_block); // full
  take(*p, 8192);
  EXPECT_EQ(put(*p, pattern(100, 'y')).value(), 100u);
}

TEST_F(PipeTest, EofAfterTheLastWriterAndEpipeWithoutReaders) {
  auto p = make_ref<Pipe>();
  p->add_reader();
  p->add_writer();
  p->add_writer();
  ASSERT_EQ(put(*p, "tail").value(), 4u);
  p->remove_writer();
  p->remove_writer();
  EXPECT_EQ(take(*p, 100), "tail"); // data first ...
  EXPECT_EQ(take(*p, 100), "");     // ... then end of file
  p->remove_reader();
  EXPECT_EQ(put(*p, "x").error(), Errno::epipe);
}

TEST_F(PipeTest, ReadinessBits) {
  const u32 all = abi::pollin | abi::pollrdnorm | abi::pollout | abi::pollwrnorm;
  auto p = make_ref<Pipe>(8192);
  p->add_reader();
  p->add_writer();
  EXPECT_EQ(p->poll(all, true, nullptr), 0u);
  EXPECT_EQ(p->poll(all, false, nullptr), static_cast<u32>(abi::pollout | abi::pollwrnorm));
  EXPECT_FALSE(put(*p, "x").is_error());
  EXPECT_EQ(p->poll(all, true, nullptr), static_cast<u32>(abi::pollin | abi::pollrdnorm));
  EXPECT_EQ(p->poll(abi::pollout, true, nullptr), 0u); // only what was asked for
  EXPECT_FALSE(put(*p, pattern(4096, 'a')).is_error());
  // Linux pipe_poll: writable only with at least PIPE_BUF bytes free (8192 - 4097 < 4096).
  EXPECT_EQ(p->poll(all, false, nullptr), 0u);
  take(*p, 1);
  EXPECT_EQ(p->poll(all, false, nullptr), static_cast<u32>(abi::pollout | abi::pollwrnorm));
  p->remove_writer();
  // POLLHUP is reported whatever the mask (poll(2)).
  EXPECT_EQ(p->poll(0, true, nullptr), static_cast<u32>(abi::pollhup));
  EXPECT_EQ(p->poll(all, true, nullptr), static_cast<u32>(abi::pollin | abi::pollrdnorm | abi::pollhup));
  p->remove_reader();
  EXPECT_EQ(p->poll(0, false, nullptr), static_cast<u32>(abi::pollerr));
}

// Entries the pipe's queues tell of changes: which side hears what (fs/pipe.c's edges).
struct EdgeCounter final : WaitEntry {
  EdgeCounter() : WaitEntry(all_events) {}
  bool notify(u32 events) override {
    ++calls;
    last = events;
    return true;
  }
  int calls{0};
  u32 last{0};
};
struct CountingTable final : PollTable {
  explicit CountingTable(EdgeCounter& e) : entry(e) {}
  void watch(WaitQueue& q) override { q.add(entry); }
  EdgeCounter& entry;
};

TEST_F(PipeTest, EachSideHearsOnlyItsEdges) {
  auto p = make_ref<Pipe>(8192);
  p->add_reader();
  p->add_writer();
  EdgeCounter reader, writer;
  CountingTable rt(reader), wt(writer);
  p->poll(abi::pollin, true, &rt);
  p->poll(abi::pollout, false, &wt);
  ASSERT_FALSE(put(*p, "ab").is_error()); // empty → not empty: readers
  EXPECT_EQ(reader.calls, 1);
  EXPECT_EQ(reader.last, static_cast<u32>(abi::pollin | abi::pollrdnorm));
  ASSERT_FALSE(put(*p, "c").is_error()); // not an edge, but the pipe was polled: told anyway
  EXPECT_EQ(reader.calls, 2);             // (fs/pipe.c poll_usage, for EPOLLET users)
  EXPECT_EQ(writer.calls, 0);
  ASSERT_FALSE(put(*p, pattern(8192 - 3, 'x')).is_error()); // now full
  take(*p, 1);                                            // full → room, under PIPE_BUF
  EXPECT_EQ(writer.calls, 1);
  EXPECT_EQ(writer.last, static_cast<u32>(abi::pollout | abi::pollwrnorm));
  take(*p, 8191); // room crosses PIPE_BUF: writable again for poll (pipe_poll)
  EXPECT_EQ(writer.calls, 2);
  EXPECT_EQ(reader.calls, 3); // reads never tell readers
  p->remove_writer();         // the last writer: readers hear POLLHUP
  EXPECT_EQ(reader.calls, 4);
  EXPECT_EQ(reader.last, static_cast<u32>(abi::pollhup));
  p->remove_reader(); // the last reader: writers hear POLLERR
  EXPECT_EQ(writer.last, static_cast<u32>(abi::pollerr));
}

// ---- through the syscalls ----

TEST_F(KernelTest, PipeCarriesBytesAndLooksLikeAFifo) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  EXPECT_EQ(fds[0], 3);
  EXPECT_EQ(fds[1], 4);
  EXPECT_EQ(p().write(fds[1], "through the pipe"), 16);
  UserAddr n = p().alloc(4);
  ASSERT_EQ(sys(nr::ioctl, fds[0], abi::fionread, n), 0);
  EXPECT_EQ(p().get<i32>(n), 16);
  EXPECT_EQ(p().read(fds[0], 7), "through");
  EXPECT_EQ(p().read(fds[0], 100), " the pipe");
  abi::Stat r{}, w{};
  ASSERT_EQ(p().fstat(fds[0], r), 0);
  ASSERT_EQ(p().fstat(fds[1], w), 0);
  EXPECT_EQ(r.st_mode & abi::s_ifmt, abi::s_ififo);
  EXPECT_EQ(r.st_ino, w.st_ino); // one inode, two files (fs/pipe.c create_pipe_files)
  EXPECT_EQ(sys(nr::fcntl, fds[0], abi::f_getpipe_sz), 65536);
  EXPECT_EQ(sys(nr::lseek, fds[0], 0, abi::seek_cur), err(Errno::espipe));
  EXPECT_EQ(sys(nr::pread64, fds[0], p().alloc(4), 4, 0), err(Errno::espipe));
  EXPECT_EQ(p().write(fds[0], "x"), err(Errno::ebadf)); // wrong end
  EXPECT_EQ(p().read_result(fds[1], 1), err(Errno::ebadf));
  EXPECT_EQ(sys(nr::fsync, fds[0]), err(Errno::einval)); // fsync(2) on a pipe
}

TEST_F(KernelTest, Pipe2FlagsAndFaults) {
  i32 fds[2];
  EXPECT_EQ(p().pipe(fds, abi::o_append), err(Errno::einval));
  ASSERT_EQ(p().pipe(fds, abi::o_cloexec | abi::o_nonblock), 0);
  EXPECT_EQ(sys(nr::fcntl, fds[0], abi::f_getfd), abi::fd_cloexec);
  EXPECT_TRUE(sys(nr::fcntl, fds[1], abi::f_getfl) & abi::o_nonblock);
  EXPECT_EQ(sys(nr::fcntl, fds[1], abi::f_getfl) & abi::o_accmode, abi::o_wronly);
  // A bad result pointer fails without leaving descriptors behind.
  usize before = p().process().fds().open_count();
  EXPECT_EQ(sys(nr::pipe2, 0x10, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::pipe2, p().host().memory().size() - 4, 0), err(Errno::efault));
  EXPECT_EQ(p().process().fds().open_count(), before);
}

TEST_F(KernelTest, NonblockingPipeSaysEagainAndKeepsAtomicity) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds, abi::o_nonblock), 0);
  EXPECT_EQ(p().read_result(fds[0], 10), err(Errno::eagain));
  std::string big(65536 - 100, 'b');
  EXPECT_EQ(p().write(fds[1], big), static_cast<i64>(big.size()));
  EXPECT_EQ(p().write(fds[1], std::string(200, 's')), err(Errno::eagain)); // atomic: nothing
  EXPECT_EQ(p().write(fds[1], std::string(5000, 'L')), 100);               // partial
  EXPECT_EQ(p().write(fds[1], "x"), err(Errno::eagain));
  EXPECT_EQ(p().read(fds[0], 65536).size(), 65536u);
  EXPECT_EQ(p().read_result(fds[0], 1), err(Errno::eagain));
}

TEST_F(KernelTest, EofWaitsForEveryWriteDescription) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  i64 copy = sys(nr::dup, fds[1]);
  ASSERT_GE(copy, 0);
  EXPECT_EQ(p().write(copy, "last words"), 10);
  EXPECT_EQ(p().close(fds[1]), 0);
  // One write description remains open: an empty pipe would block, so set O_NONBLOCK to
  // see it (EAGAIN, not EOF) once the data is gone.
  EXPECT_EQ(p().read(fds[0], 100), "last words");
  ASSERT_EQ(sys(nr::fcntl, fds[0], abi::f_setfl, abi::o_nonblock), 0);
  EXPECT_EQ(p().read_result(fds[0], 1), err(Errno::eagain));
  EXPECT_EQ(p().close(copy), 0);
  EXPECT_EQ(p().read_result(fds[0], 1), 0); // EOF
}

TEST_F(KernelTest, WriteWithoutReadersIsEpipe) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  ASSERT_EQ(p().close(fds[0]), 0);
  EXPECT_EQ(p().write(fds[1], "nobody listens"), err(Errno::epipe));
}

TEST_F(KernelTest, PipeBetweenTwoProcessesSharesOneDescription) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  GuestProcess child;
  share_fd(p(), fds[0], child, 5);
  share_fd(p(), fds[1], child, 6);
  EXPECT_EQ(child.write(6, "from the child"), 14);
  EXPECT_EQ(child.close(6), 0);
  EXPECT_EQ(p().read(fds[0], 4), "from");
  EXPECT_EQ(child.read(5, 100), " the child"); // one description: one stream
  EXPECT_EQ(p().close(fds[1]), 0);
  EXPECT_EQ(child.read_result(5, 1), 0); // the last writer is gone in both processes
}

TEST_F(KernelTest, ExitClosesDescriptorsSoPeersSeeEof) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  {
    GuestProcess writer;
    share_fd(p(), fds[1], writer, 3);
    ASSERT_EQ(p().close(fds[1]), 0);
    EXPECT_EQ(writer.write(3, "bye"), 3);
    EXPECT_EQ(writer.sys(nr::exit_group, 0), 0);
    // exit_group closes descriptors at once (before the worker unwinds).
    EXPECT_EQ(p().read(fds[0], 10), "bye");
    EXPECT_EQ(p().read_result(fds[0], 10), 0);
  }
}

// Linux fs/pipe.c pipe_write: "Null write succeeds" before it looks for readers.
TEST_F(KernelTest, ZeroLengthWriteWithoutReadersReturnsZero) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  EXPECT_EQ(p().write(fds[1], ""), 0);
  ASSERT_EQ(p().close(fds[0]), 0);
  EXPECT_EQ(p().write(fds[1], ""), 0);
  EXPECT_EQ(p().write(fds[1], "x"), err(Errno::epipe));
}

} // namespace
} // namespace wasmux::test
