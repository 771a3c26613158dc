// kernel/syscalls/poll and time: ppoll's readiness model and timeouts, nanosleep, clocks.
// Timing checks assert lower bounds only.
#include "fd/file_description.h"
#include "kernel_fixture.h"
#include <chrono>
#include <thread>

namespace wasmux::test {
namespace {

using Clock = std::chrono::steady_clock;

i64 elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

class PollTest : public KernelTest {
protected:
  // ppoll over (fd, events) pairs; revents land in `out`. timeout_ns < 0: no timeout.
  i64 poll(std::vector<abi::Pollfd>& fds, i64 timeout_ns) {
    UserAddr a = p().alloc(fds.size() * sizeof(abi::Pollfd) + 8);
    memcpy(p().host().memory().at(a), fds.data(), fds.size() * sizeof(abi::Pollfd));
    UserAddr ts = 0;
    if (timeout_ns >= 0)
      ts = p().put(abi::Timespec{timeout_ns / 1000000000, static_cast<i32>(timeout_ns % 1000000000), 0});
    i64 r = sys(nr::ppoll, a, static_cast<i64>(fds.size()), ts, 0, 0);
    memcpy(fds.data(), p().host().memory().at(a), fds.size() * sizeof(abi::Pollfd));
    return r;
  }
  static abi::Pollfd pfd(i32 fd, i16 events) { return abi::Pollfd{fd, events, 0}; }
};

constexpr i16 in = abi::pollin;
constexpr i16 out = abi::pollout;

TEST_F(PollTest, ReportsPipeReadiness) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  std::vector<abi::Pollfd> set = {pfd(fds[0], in), pfd(fds[1], out)};
  EXPECT_EQ(poll(set, 0), 1);
  EXPECT_EQ(set[0].revents, 0);
  EXPECT_EQ(set[1].revents, out);
  ASSERT_EQ(p().write(fds[1], "x"), 1);
  EXPECT_EQ(poll(set, 0), 2);
  EXPECT_EQ(set[0].revents, in);
  ASSERT_EQ(p().close(fds[1]), 0);
  set.pop_back();
  EXPECT_EQ(poll(set, 0), 1);
  EXPECT_EQ(set[0].revents, in | abi::pollhup); // data left, and the writer gone
  p().read(fds[0], 1);
  set[0].events = 0;
  EXPECT_EQ(poll(set, 0), 1);
  EXPECT_EQ(set[0].revents, abi::pollhup); // POLLHUP needs no asking (poll(2))
}

TEST_F(PollTest, WriteEndWithoutReadersIsPollerr) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  ASSERT_EQ(p().close(fds[0]), 0);
  std::vector<abi::Pollfd> set = {pfd(fds[1], out)};
  EXPECT_EQ(poll(set, 0), 1);
  EXPECT_EQ(set[0].revents, out | abi::pollerr);
}

TEST_F(PollTest, NegativeDescriptorsAreSkippedAndBadOnesArePollnval) {
  std::vector<abi::Pollfd> set = {pfd(-1, in), pfd(77, in), pfd(1, out)};
  set[0].revents = 123; // overwritten with 0
  EXPECT_EQ(poll(set, 0), 2);
  EXPECT_EQ(set[0].revents, 0);
  EXPECT_EQ(set[1].revents, abi::pollnval);
  EXPECT_EQ(set[2].revents, out); // stdout is always writable
}

TEST_F(PollTest, RegularFilesAreAlwaysReady) {
  p().write_file("f", "x");
  i64 fd = p().open("f", abi::o_rdwr);
  std::vector<abi::Pollfd> set = {pfd(static_cast<i32>(fd), in | out)};
  EXPECT_EQ(poll(set, 0), 1);
  EXPECT_EQ(set[0].revents, in | out);
}

TEST_F(PollTest, ValidatesItsArguments) {
  UserAddr one = p().put(pfd(0, in));
  EXPECT_EQ(sys(nr::ppoll, one, 1, p().put(abi::Timespec{0, 1000000000, 0}), 0, 0), err(Errno::einval));
  EXPECT_EQ(sys(nr::ppoll, one, 1, p().put(abi::Timespec{-1, 0, 0}), 0, 0), err(Errno::einval));
  UserAddr zero = p().put(abi::Timespec{0, 0, 0});
  EXPECT_EQ(sys(nr::ppoll, one, 1, zero, p().alloc(8), 4), err(Errno::einval)); // sigsetsize
  EXPECT_EQ(sys(nr::ppoll, one, 1, zero, p().alloc(8), 8), 0);
  EXPECT_EQ(sys(nr::ppoll, one, 1025, zero, 0, 0), err(Errno::einval)); // past RLIMIT_NOFILE
  EXPECT_EQ(sys(nr::ppoll, 0x10, 1, zero, 0, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::ppoll, one, 1, 0x10, 0, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::ppoll, 0, 0, zero, 0, 0), 0); // nothing to watch: just the timeout
}

TEST_F(PollTest, TimeoutElapsesBeforeReturningZero) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  std::vector<abi::Pollfd> set = {pfd(fds[0], in)};
  auto start = Clock::now();
  EXPECT_EQ(poll(set, 50'000'000), 0);
  EXPECT_GE(elapsed_ms(start), 50);
  EXPECT_EQ(set[0].revents, 0);
}

// A timeout too large to add to the clock means "practically forever"; it must not
// overflow, and a ready descriptor still returns at once.
TEST_F(PollTest, HugeTimeoutWithAReadyDescriptorReturnsAtOnce) {
  std::vector<abi::Pollfd> set = {pfd(1, out)};
  UserAddr a = p().put(set[0]);
  UserAddr ts = p().put(abi::Timespec{INT64_MAX, 999999999, 0});
  EXPECT_EQ(sys(nr::ppoll, a, 1, ts, 0, 0), 1);
}

TEST_F(PollTest, BlockedPollIsWokenByAWrite) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  i64 result = -1;
  abi::Pollfd seen{};
  std::thread poller([&] {
    GuestThread t(p());
    UserAddr a = p().put(pfd(fds[0], in));
    result = t.sys(nr::ppoll, a, 1, 0, 0, 0); // no timeout
    seen = p().get<abi::Pollfd>(a);
  });
  wait_until_blocked(p(), fds[0]);
  ASSERT_EQ(p().write(fds[1], "!"), 1);
  poller.join();
  EXPECT_EQ(result, 1);
  EXPECT_EQ(seen.revents, in);
}

TEST_F(PollTest, BlockedPollIsWokenWhenTheLastWriterCloses) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  abi::Pollfd seen{};
  std::thread poller([&] {
    GuestThread t(p());
    UserAddr a = p().put(pfd(fds[0], in));
    EXPECT_EQ(t.sys(nr::ppoll, a, 1, 0, 0, 0), 1);
    seen = p().get<abi::Pollfd>(a);
  });
  wait_until_blocked(p(), fds[0]);
  ASSERT_EQ(p().close(fds[1]), 0);
  poller.join();
  EXPECT_EQ(seen.revents, abi::pollhup);
}

// A poller sleeps on a file's wait queue; meanwhile other threads close every descriptor
// of that file, so the file (and its queue) goes away before the poller runs again. Linux
// keeps each polled file referenced until poll returns (fs/select.c poll_freewait); so
// must we, or the poller's waiter dangles in freed memory.
TEST_F(PollTest, FilesStayAliveWhileAPollerSleepsOnThem) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  ASSERT_EQ(p().write(fds[1], std::string(65536, 'f')), 65536); // full: not writable
  i64 result = -1;
  abi::Pollfd seen{};
  std::thread poller([&] {
    GuestThread t(p());
    UserAddr a = p().put(pfd(fds[1], out));
    result = t.sys(nr::ppoll, a, 1, 0, 0, 0);
    seen = p().get<abi::Pollfd>(a);
  });
  wait_until_blocked(p(), fds[1]);
  {
    // Two closes by other threads, both done before the poller is scheduled again.
    p().enter();
    LockGuard lock;
    ASSERT_FALSE(p().process().fds().close(fds[1]).is_error());
    ASSERT_FALSE(p().process().fds().close(fds[0]).is_error());
  }
  poller.join();
  EXPECT_EQ(result, 1);
  EXPECT_EQ(seen.revents, abi::pollnval); // the descriptor is closed by now
}

// ---- time ----

TEST_F(KernelTest, NanosleepSleepsAtLeastTheRequestedTime) {
  auto start = Clock::now();
  EXPECT_EQ(sys(nr::nanosleep, p().put(abi::Timespec{0, 30'000'000, 0}), 0), 0);
  EXPECT_GE(elapsed_ms(start), 30);
  EXPECT_EQ(sys(nr::nanosleep, p().put(abi::Timespec{0, 1000000000, 0}), 0), err(Errno::einval));
  EXPECT_EQ(sys(nr::nanosleep, p().put(abi::Timespec{-1, 0, 0}), 0), err(Errno::einval));
  EXPECT_EQ(sys(nr::nanosleep, 0, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::nanosleep, p().put(abi::Timespec{0, 0, 0}), 0), 0);
}

TEST_F(KernelTest, ClockNanosleepAbsoluteDeadlines) {
  UserAddr now = p().alloc(sizeof(abi::Timespec));
  ASSERT_EQ(sys(nr::clock_gettime, abi::clock_monotonic, now), 0);
  abi::Timespec t = p().get<abi::Timespec>(now);
  auto start = Clock::now();
  // 20 ms after "now", as an absolute monotonic time.
  i64 target = t.tv_sec * 1000000000 + t.tv_nsec + 20'000'000;
  abi::Timespec abs{target / 1000000000, static_cast<i32>(target % 1000000000), 0};
  EXPECT_EQ(sys(nr::clock_nanosleep, abi::clock_monotonic, abi::timer_abstime, p().put(abs), 0), 0);
  EXPECT_GE(elapsed_ms(start), 20);
  // A deadline in the past returns at once; the thread CPU clock is refused.
  EXPECT_EQ(sys(nr::clock_nanosleep, abi::clock_monotonic, abi::timer_abstime, now, 0), 0);
  EXPECT_EQ(sys(nr::clock_nanosleep, abi::clock_thread_cputime_id, 0, now, 0), err(Errno::einval));
}

TEST_F(KernelTest, ClocksReadTheHost) {
  UserAddr a = p().alloc(sizeof(abi::Timespec)), b = p().alloc(sizeof(abi::Timespec));
  ASSERT_EQ(sys(nr::clock_gettime, abi::clock_monotonic, a), 0);
  ASSERT_EQ(sys(nr::clock_gettime, abi::clock_monotonic, b), 0);
  auto ta = p().get<abi::Timespec>(a), tb = p().get<abi::Timespec>(b);
  EXPECT_GE(tb.tv_sec * 1000000000 + tb.tv_nsec, ta.tv_sec * 1000000000 + ta.tv_nsec);
  ASSERT_EQ(sys(nr::clock_gettime, abi::clock_realtime, a), 0);
  EXPECT_GT(p().get<abi::Timespec>(a).tv_sec, 1600000000); // after 2020
  EXPECT_EQ(sys(nr::clock_gettime, 99, a), err(Errno::einval));
  EXPECT_EQ(sys(nr::clock_gettime, abi::clock_realtime, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::clock_getres, abi::clock_monotonic, 0), 0); // res may be NULL
  UserAddr tv = p().alloc(sizeof(abi::Timeval));
  EXPECT_EQ(sys(nr::gettimeofday, tv, 0), 0);
  EXPECT_GT(p().get<abi::Timeval>(tv).tv_sec, 1600000000);
}

TEST_F(KernelTest, GetrandomFillsTheBuffer) {
  UserAddr buf = p().alloc(64);
  EXPECT_EQ(sys(nr::getrandom, buf, 64, 0), 64);
  EXPECT_NE(p().bytes(buf, 64), std::string(64, '\0'));
  EXPECT_EQ(sys(nr::getrandom, buf, 8, 0x100), err(Errno::einval));
  EXPECT_EQ(sys(nr::getrandom, 0x10, 8, 0), err(Errno::efault));
}

} // namespace
} // namespace wasmux::test
