// kernel/host/host_channels: a process's standard streams on channels fed and drained by
// the embedder (input queues, output to the host), with blocking reads.
#include "fd/file_description.h"
#include "host/host_channels.h"
#include "kernel_fixture.h"
#include <thread>

namespace wasmux::test {
namespace {

class ChannelTest : public KernelTest {
protected:
  // A new API channel on descriptor fd of the test process (what the host API's stdio
  // options do through wasmux_process_set_stdio).
  i32 attach(i32 fd, bool input) {
    p().enter();
    LockGuard lock;
    i32 channel = create_channel();
    auto d = make_ref<FileDescription>(make_host_stdio(channel, input), input ? abi::o_rdonly : abi::o_wronly);
    EXPECT_FALSE(p().process().fds().install_at(fd, std::move(d), false, 1024).is_error());
    return channel;
  }
  void feed(i32 channel, std::string_view data) {
    p().enter();
    LockGuard lock;
    auto r = channel_input(channel)->push(reinterpret_cast<const u8*>(data.data()), data.size());
    EXPECT_EQ(r.value(), data.size());
  }
  void end(i32 channel) {
    p().enter();
    LockGuard lock;
    channel_input(channel)->push_eof();
  }
};

TEST_F(ChannelTest, InputIsReadInOrderThenEof) {
  i32 ch = attach(0, true);
  ASSERT_GE(ch, 3);
  feed(ch, "first ");
  feed(ch, std::string(10000, 'x')); // grows the unbounded queue
  UserAddr n = p().alloc(4);
  ASSERT_EQ(sys(nr::ioctl, 0, abi::fionread, n), 0);
  EXPECT_EQ(p().get<i32>(n), 10006);
  EXPECT_EQ(p().read(0, 6), "first ");
  EXPECT_EQ(p().read(0, 20000), std::string(10000, 'x'));
  end(ch);
  EXPECT_EQ(p().read_result(0, 10), 0);
  EXPECT_EQ(p().read_result(0, 10), 0); // EOF stays
}

TEST_F(ChannelTest, PollSeesInputAndEof) {
  i32 ch = attach(0, true);
  UserAddr pfd = p().put(abi::Pollfd{0, abi::pollin, 0});
  UserAddr zero = p().put(abi::Timespec{0, 0, 0});
  EXPECT_EQ(sys(nr::ppoll, pfd, 1, zero, 0, 0), 0);
  feed(ch, "x");
  EXPECT_EQ(sys(nr::ppoll, pfd, 1, zero, 0, 0), 1);
  EXPECT_EQ(p().get<abi::Pollfd>(pfd).revents, abi::pollin);
  p().read(0, 1);
  end(ch);
  EXPECT_EQ(sys(nr::ppoll, pfd, 1, zero, 0, 0), 1); // readable: read returns 0 at once
}

TEST_F(ChannelTest, BlockedReadIsWokenByInput) {
  i32 ch = attach(0, true);
  i64 result = 0;
  std::string got;
  std::thread reader([&] {
    GuestThread t(p());
    UserAddr buf = p().alloc(32);
    result = t.sys(nr::read, 0, buf, 32);
    if (result > 0) got = p().bytes(buf, static_cast<usize>(result));
  });
  wait_until_blocked(p(), 0);
  feed(ch, "typed");
  reader.join();
  EXPECT_EQ(result, 5);
  EXPECT_EQ(got, "typed");
}

TEST_F(ChannelTest, NonblockingEmptyInputIsEagain) {
  attach(0, true);
  ASSERT_EQ(sys(nr::fcntl, 0, abi::f_setfl, abi::o_nonblock), 0);
  EXPECT_EQ(p().read_result(0, 4), err(Errno::eagain));
}

TEST_F(ChannelTest, OutputGoesToTheChannel) {
  i32 ch = attach(1, false);
  EXPECT_EQ(p().write(1, "to the embedder"), 15);
  EXPECT_EQ(p().host().channel_text(ch), "to the embedder");
  EXPECT_EQ(p().host().stdout_text(), "");
  EXPECT_EQ(p().read_result(1, 4), err(Errno::ebadf)); // an output channel has no input
}

TEST_F(ChannelTest, InputChannelsAreNotWritable) {
  i32 ch = attach(0, true);
  p().enter();
  {
    LockGuard lock;
    // Even through a read-write description, an API input channel takes no output.
    auto d = make_ref<FileDescription>(make_host_stdio(ch, true), abi::o_rdwr);
    ASSERT_FALSE(p().process().fds().install_at(5, std::move(d), false, 1024).is_error());
  }
  EXPECT_EQ(p().write(5, "x"), err(Errno::ebadf));
  EXPECT_EQ(p().write(0, "x"), err(Errno::ebadf)); // and descriptor 0 is read-only
}

TEST_F(KernelTest, UnknownChannelsHaveNoInput) {
  p().enter();
  LockGuard lock;
  EXPECT_EQ(channel_input(123456), nullptr);
  EXPECT_NE(channel_input(0), nullptr); // the host's stdin
}

} // namespace
} // namespace wasmux::test
