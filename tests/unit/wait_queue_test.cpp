// kernel/wait, kernel/entry/big_lock, Thread::block: the blocking machinery (DESIGN §1),
// with real OS threads. Timing checks assert lower bounds only.
#include "base/arch.h"
#include "fd/file_description.h"
#include "ipc/pipe.h"
#include "kernel_fixture.h"
#include "wait/wait_queue.h"
#include <atomic>
#include <chrono>
#include <thread>

namespace wasmux::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

i64 elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - since).count();
}

TEST(BigLock, ExcludesOtherThreads) {
  u64 counter = 0; // deliberately not atomic: the lock is what protects it
  auto work = [&] {
    for (int i = 0; i < 20000; ++i) {
      LockGuard lock;
      ++counter;
    }
  };
  std::thread a(work), b(work), c(work);
  a.join();
  b.join();
  c.join();
  EXPECT_EQ(counter, 60000u);
  EXPECT_FALSE(big_lock().is_held());
}

TEST(BigLock, UnlockedDropsAndRetakesTheLock) {
  LockGuard lock;
  EXPECT_TRUE(big_lock().is_held());
  {
    Unlocked unlocked;
    std::atomic<bool> got{false};
    std::thread other([&] {
      LockGuard inner;
      got = true;
    });
    other.join(); // would deadlock if Unlocked did not release
    EXPECT_TRUE(got);
  }
  EXPECT_TRUE(big_lock().is_held());
}

TEST(Arch, Wait32ChecksTheValueAndTimesOut) {
  std::atomic<i32> word{5};
  EXPECT_EQ(arch::wait32(&word, 4, -1), arch::WaitResult::value_changed);
  auto start = Clock::now();
  EXPECT_EQ(arch::wait32(&word, 5, 20'000'000), arch::WaitResult::timed_out);
  EXPECT_GE(elapsed_ms(start), 20);
}

TEST(Arch, NotifyWakesAWaiter) {
  std::atomic<i32> word{0};
  std::thread waker([&] {
    std::this_thread::sleep_for(milliseconds(5));
    word.store(1);
    arch::notify(&word, 1);
  });
  while (word.load() == 0)
    arch::wait32(&word, 0, -1); // woken, or the value moved first
  waker.join();
  EXPECT_EQ(word.load(), 1);
}

// A process and thread made directly (not in the process table) for Thread::block tests.
class BlockTest : public ::testing::Test {
protected:
  void SetUp() override {
    set_host(&host);
    LockGuard lock;
    process = make_ref<Process>(777777, 1);
    threads[0] = process->add_thread(777777);
    threads[1] = process->add_thread(777778);
  }
  void TearDown() override {
    {
      LockGuard lock;
      for (auto& t : threads) {
        process->remove_thread(*t);
        t = nullptr;
      }
      process = nullptr;
    }
    set_host(&idle_host());
  }
  // Runs Thread::block(deadline) on a new OS thread, as a syscall would: lock held.
  std::thread blocker(Thread& t, i64 timeout_ns, Errno* result, std::atomic<bool>* registered, WaitQueue* queue) {
    return std::thread([this, &t, timeout_ns, result, registered, queue] {
      FakeHost mine(host);
      set_host(&mine);
      set_current_thread(&t); // only a thread blocks itself
      LockGuard lock;
      ThreadWaiter w(t);
      if (queue) queue->add(w);
      *registered = true;
      i64 deadline = timeout_ns < 0 ? -1 : mine.monotonic_ns() + timeout_ns;
      auto r = t.block(deadline);
      *result = r.is_error() ? r.error() : Errno{};
      set_current_thread(nullptr);
      set_host(&idle_host());
    });
  }
  FakeHost host;
  RefPtr<Process> process;
  RefPtr<Thread> threads[2];
};

TEST_F(BlockTest, BlockTimesOutAtTheDeadline) {
  Errno result{};
  std::atomic<bool> registered{false};
  auto start = Clock::now();
  blocker(*threads[0], 30'000'000, &result, &registered, nullptr).join();
  EXPECT_EQ(result, Errno::etimedout);
  EXPECT_GE(elapsed_ms(start), 30);
}

TEST_F(BlockTest, WakeAllWakesEveryWaiterOfAQueue) {
  WaitQueue queue;
  Errno results[2] = {Errno::eio, Errno::eio};
  std::atomic<bool> registered[2] = {false, false};
  std::thread a = blocker(*threads[0], -1, &results[0], &registered[0], &queue);
  std::thread b = blocker(*threads[1], -1, &results[1], &registered[1], &queue);
  while (!registered[0] || !registered[1])
    std::this_thread::sleep_for(milliseconds(1));
  {
    LockGuard lock; // both are now inside block(), or about to wait: no wake-up is lost
    EXPECT_TRUE(queue.has_waiters());
    queue.wake_all();
  }
  a.join();
  b.join();
  EXPECT_EQ(results[0], Errno{});
  EXPECT_EQ(results[1], Errno{});
  EXPECT_FALSE(queue.has_waiters()); // each entry left the queue when destroyed
}

TEST_F(BlockTest, EntriesUnlinkThemselves) {
  LockGuard lock;
  WaitQueue queue;
  {
    ThreadWaiter w(*threads[0]);
    queue.add(w);
    queue.add(w); // adding again moves, never duplicates
    EXPECT_TRUE(queue.has_waiters());
    w.dequeue();
    EXPECT_FALSE(queue.has_waiters());
    queue.add(w);
  }
  EXPECT_FALSE(queue.has_waiters());
}

// An entry that counts what it is told (an epoll registration will be one).
struct CountingEntry final : WaitEntry {
  explicit CountingEntry(u32 interest) : WaitEntry(interest) {}
  bool notify(u32 events) override {
    ++calls;
    seen |= events;
    return true;
  }
  int calls{0};
  u32 seen{0};
};

TEST(WaitQueue, NotifiesOnlyTheEntriesWhoseInterestItMeets) {
  LockGuard lock;
  WaitQueue queue;
  CountingEntry readers(abi::pollin | abi::pollhup), writers(abi::pollout | abi::pollerr), all(all_events);
  queue.add(readers);
  queue.add(writers);
  queue.add(all);
  queue.notify(abi::pollin | abi::pollrdnorm);
  EXPECT_EQ(readers.calls, 1);
  EXPECT_EQ(readers.seen, static_cast<u32>(abi::pollin | abi::pollrdnorm)); // told all that changed
  EXPECT_EQ(writers.calls, 0);
  EXPECT_EQ(all.calls, 1);
  queue.notify(abi::pollerr);
  EXPECT_EQ(readers.calls, 1);
  EXPECT_EQ(writers.calls, 1);
  queue.wake_all();
  EXPECT_EQ(readers.calls, 2);
  EXPECT_EQ(writers.calls, 2);
  EXPECT_EQ(all.calls, 3);
}

// An entry may leave its queue while being told (a one-shot registration).
struct LeavingEntry final : WaitEntry {
  LeavingEntry() : WaitEntry(all_events) {}
  bool notify(u32) override {
    dequeue();
    return true;
  }
};

TEST(WaitQueue, AnEntryMayLeaveWhileNotified) {
  LockGuard lock;
  WaitQueue queue;
  LeavingEntry a, b;
  CountingEntry c(all_events);
  queue.add(a);
  queue.add(b);
  queue.add(c);
  queue.notify(abi::pollin);
  EXPECT_FALSE(a.queued());
  EXPECT_FALSE(b.queued());
  EXPECT_EQ(c.calls, 1);
  queue.notify(abi::pollin);
  EXPECT_EQ(c.calls, 2);
}

// Exclusive entries: told in order until one takes the wake-up; the others always.
struct ExclusiveEntry final : WaitEntry {
  explicit ExclusiveEntry(bool takes) : WaitEntry(all_events), take(takes) { set_exclusive(true); }
  bool notify(u32) override {
    ++calls;
    return take;
  }
  bool take;
  int calls{0};
};

TEST(WaitQueue, OneExclusiveEntryTakesAWakeUp) {
  LockGuard lock;
  WaitQueue queue;
  ExclusiveEntry declines(false), takes(true), never(true);
  CountingEntry plain(all_events);
  queue.add(declines);
  queue.add(takes);
  queue.add(never);
  queue.add(plain); // added last, told first: non-exclusive entries come before
  queue.notify(abi::pollin);
  EXPECT_EQ(plain.calls, 1);
  EXPECT_EQ(declines.calls, 1); // told, did not take it
  EXPECT_EQ(takes.calls, 1);
  EXPECT_EQ(never.calls, 0);
  queue.wake_all(); // every entry
  EXPECT_EQ(never.calls, 1);
}

TEST(WaitQueue, AQueueThatGoesFirstLeavesItsEntriesUnlinked) {
  LockGuard lock;
  CountingEntry a(all_events), b(all_events);
  {
    WaitQueue queue;
    queue.add(a);
    queue.add(b);
  }
  EXPECT_FALSE(a.queued());
  EXPECT_FALSE(b.queued());
  a.dequeue(); // touches nothing of the queue that went
}

// A table collects the queues a file has it watch, with the key of the poller.
struct RecordingTable final : PollTable {
  void watch(WaitQueue& q) override { queues.append(&q); }
  Vector<WaitQueue*> queues;
};

TEST(WaitQueue, APipeEndHasItsOwnQueue) {
  LockGuard lock;
  auto pipe = make_ref<Pipe>();
  PipeEnd reader(pipe, PipeEnd::Side::read), writer(pipe, PipeEnd::Side::write);
  RecordingTable r, w;
  reader.poll(abi::pollin, &r);
  writer.poll(abi::pollout, &w);
  ASSERT_EQ(r.queues.size(), 1u);
  ASSERT_EQ(w.queues.size(), 1u);
  EXPECT_NE(r.queues[0], w.queues[0]); // a write does not wake other writers, nor a read readers
}

// ---- blocking syscalls on real threads ----

TEST_F(KernelTest, ReadBlockedOnAnEmptyPipeIsWokenByAWrite) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  std::string got;
  i64 result = 0;
  std::thread reader([&] {
    GuestThread t(p()); // a second thread of the same process, with its own kernel instance
    UserAddr buf = p().alloc(64);
    result = t.sys(nr::read, fds[0], buf, 64);
    if (result > 0) got = p().bytes(buf, static_cast<usize>(result));
  });
  wait_until_blocked(p(), fds[0]);
  EXPECT_EQ(p().write(fds[1], "wake up"), 7);
  reader.join();
  EXPECT_EQ(result, 7);
  EXPECT_EQ(got, "wake up");
}

TEST_F(KernelTest, ReadBlockedInAnotherProcessSeesEofWhenTheLastWriterCloses) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  i64 result = -1;
  std::thread reader_thread([&] {
    GuestProcess reader; // its own memory and kernel instance
    share_fd(p(), fds[0], reader, 3);
    result = reader.read_result(3, 16);
  });
  // The reader shares the read description, so its waiter shows on our fd's queue.
  wait_until_blocked(p(), fds[0]);
  EXPECT_EQ(p().close(fds[1]), 0);
  reader_thread.join();
  EXPECT_EQ(result, 0);
}

TEST_F(KernelTest, WriterBlockedOnAFullPipeIsWokenByARead) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  ASSERT_EQ(p().write(fds[1], std::string(65536, 'f')), 65536);
  i64 result = 0;
  std::thread writer([&] {
    GuestThread t(p());
    UserAddr data = p().str("more");
    result = t.sys(nr::write, fds[1], data, 4);
  });
  wait_until_blocked(p(), fds[1]);
  // Freeing fewer than PIPE_BUF bytes is not enough for an atomic 4-byte write to be
  // promised (pipe_poll needs PIPE_BUF free), but it may proceed once woken; read a page.
  EXPECT_EQ(p().read(fds[0], 4096).size(), 4096u);
  writer.join();
  EXPECT_EQ(result, 4);
}

TEST_F(KernelTest, WriterBlockedOnAFullPipeGetsEpipeWhenTheReaderGoes) {
  p().ignore_signal(abi::sigpipe); // else SIGPIPE ends the process (see signal_test.cpp)
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  ASSERT_EQ(p().write(fds[1], std::string(65536, 'f')), 65536);
  i64 result = 0;
  std::thread writer([&] {
    GuestThread t(p());
    result = t.sys(nr::write, fds[1], p().str("x"), 1);
  });
  wait_until_blocked(p(), fds[1]);
  EXPECT_EQ(p().close(fds[0]), 0);
  writer.join();
  EXPECT_EQ(result, err(Errno::epipe));
}

TEST_F(KernelTest, LargeWriteBlocksUntilAReaderDrainsIt) {
  i32 fds[2];
  ASSERT_EQ(p().pipe(fds), 0);
  const usize total = 300000; // several pipe capacities
  std::string data(total, ' ');
  for (usize i = 0; i < total; ++i)
    data[i] = static_cast<char>('a' + i % 26);
  i64 written = 0;
  std::thread writer([&] {
    GuestThread t(p());
    UserAddr src = p().alloc(total, 1);
    memcpy(p().host().memory().at(src), data.data(), total);
    written = t.sys(nr::write, fds[1], src, static_cast<i64>(total));
  });
  std::string got;
  while (got.size() < total) {
    std::string chunk = p().read(fds[0], 10000); // blocks while the pipe is empty
    if (chunk.empty()) break;                    // EOF or an error: stop, and compare below
    got += chunk;
  }
  writer.join();
  EXPECT_EQ(written, static_cast<i64>(total));
  EXPECT_EQ(got, data);
}

} // namespace
} // namespace wasmux::test
