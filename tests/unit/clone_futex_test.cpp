// kernel/syscalls/clone.cpp, futex.cpp: what clone refuses and what a thread it makes
// starts with; futex argument errors, wait and wake between two threads, requeue, PI.
#include "ipc/futex.h"
#include "kernel_fixture.h"
#include <thread>

namespace wasmux::test {
namespace {

using CloneFutexTest = KernelTest;

constexpr i64 thread_flags = clone_thread_flags;

TEST_F(CloneFutexTest, CloneRefusesWhatIsNotAThread) {
  abi::CloneStart start{};
  UserAddr s = p().put(start);
  // A process (fork's flags), a thread without its signal handlers, handlers without VM.
  EXPECT_EQ(sys(nr::clone, abi::sigchld, 0, 0, 0, 0, s), err(Errno::einval));
  EXPECT_EQ(sys(nr::clone, abi::clone_vm | abi::clone_thread, 0, 0, 0, 0, s), err(Errno::einval));
  EXPECT_EQ(sys(nr::clone, abi::clone_sighand | abi::clone_thread, 0, 0, 0, 0, s), err(Errno::einval));
  EXPECT_EQ(sys(nr::clone, thread_flags | abi::clone_vfork, 0, 0, 0, 0, s), err(Errno::einval));
  EXPECT_EQ(sys(nr::clone, thread_flags, 0, 0, 0, 0, 0), err(Errno::einval)); // no start record
  EXPECT_EQ(sys(nr::clone, thread_flags, 0, 0, 0, 0, 16), err(Errno::efault));
}

TEST_F(CloneFutexTest, CloneMakesAThreadWithTheCreatorsMask) {
  ASSERT_EQ(sys(nr::rt_sigprocmask, abi::sig_block, p().put(u64{sig_bit(abi::sigusr1)}), 0, 8), 0);
  abi::CloneStart start{0x40, 0x44, 0, 0x100, 0x200, 0x300};
  UserAddr ptid = p().put(i32{0});
  UserAddr ctid = p().put(i32{0});
  i64 tid = sys(nr::clone, thread_flags, 0x9000, ptid, 0x100, ctid, p().put(start));
  ASSERT_GT(tid, 0);
  EXPECT_EQ(p().get<i32>(ptid), tid); // CLONE_PARENT_SETTID
  auto starts = FakeHost::thread_starts();
  ASSERT_FALSE(starts.empty());
  EXPECT_EQ(starts.back(), std::make_pair(p().pid(), static_cast<i32>(tid)));
  LockGuard lock;
  Thread* t = ProcessTable::the().find_thread(static_cast<i32>(tid));
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->blocked(), sig_bit(abi::sigusr1));
  EXPECT_EQ(t->start().func, 0x40u);
  EXPECT_EQ(t->start().stack_pointer, 0x9000u);
  EXPECT_EQ(t->clear_child_tid(), ctid);
  EXPECT_TRUE(t->in_kernel()); // not started yet: it cannot be in user code
  p().process().remove_thread(*t);
}

TEST_F(CloneFutexTest, FutexArgumentsAreChecked) {
  UserAddr word = p().put(u32{5});
  EXPECT_EQ(sys(nr::futex, word + 1, abi::futex_wait, 5, 0), err(Errno::einval));
  EXPECT_EQ(sys(nr::futex, 0x7ffffffc, abi::futex_wait, 5, 0), err(Errno::efault));
  EXPECT_EQ(sys(nr::futex, word, abi::futex_wait, 6, 0), err(Errno::eagain));              // the value changed
  EXPECT_EQ(sys(nr::futex, word, abi::futex_wait_bitset, 5, 0, 0, 0), err(Errno::einval)); // empty bitset
  EXPECT_EQ(sys(nr::futex, word, abi::futex_wake | abi::futex_clock_realtime, 1), err(Errno::enosys));
  EXPECT_EQ(sys(nr::futex, word, 99, 0), err(Errno::enosys));
  EXPECT_EQ(sys(nr::futex, word, abi::futex_wake, 1), 0); // nobody waits
  abi::Timespec past{0, 0, 0};
  EXPECT_EQ(sys(nr::futex, word, abi::futex_wait, 5, p().put(past)), err(Errno::etimedout));
  abi::Timespec bad{0, 1000000000, 0};
  EXPECT_EQ(sys(nr::futex, word, abi::futex_wait, 5, p().put(bad)), err(Errno::einval));
}

TEST_F(CloneFutexTest, WaitAndWakeBetweenThreadsAndRequeue) {
  UserAddr word = p().put(u32{0});
  UserAddr other = p().put(u32{0});
  std::atomic<int> done{0};
  std::thread a([&] {
    GuestThread t(p());
    EXPECT_EQ(t.sys(nr::futex, word, abi::futex_wait, 0, 0), 0);
    done++;
  });
  std::thread b([&] {
    GuestThread t(p());
    EXPECT_EQ(t.sys(nr::futex, word, abi::futex_wait, 0, 0), 0);
    done++;
  });
  // Both asleep on word: requeue one to other, wake the other one.
  for (int i = 0; i < 2000; ++i) {
    {
      LockGuard lock;
      if (FutexTable::the().first_waiter(p().process(), word) &&
          FutexTable::the().first_waiter(p().process(), word, FutexTable::the().first_waiter(p().process(), word)))
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(sys(nr::futex, word, abi::futex_cmp_requeue, 1, 1, other, 1), err(Errno::eagain)); // *word != 1
  EXPECT_EQ(sys(nr::futex, word, abi::futex_cmp_requeue, 1, 1, other, 0), 2);                  // one woken, one moved
  EXPECT_EQ(sys(nr::futex, other, abi::futex_wake, 1), 1);
  a.join();
  b.join();
  EXPECT_EQ(done, 2);
}

TEST_F(CloneFutexTest, PriorityInheritanceFutexesHandTheWordOver) {
  UserAddr word = p().put(u32{0});
  u32 me = static_cast<u32>(p().pid());
  EXPECT_EQ(sys(nr::futex, word, abi::futex_lock_pi, 0, 0), 0);
  EXPECT_EQ(p().get<u32>(word), me);
  EXPECT_EQ(sys(nr::futex, word, abi::futex_lock_pi, 0, 0), err(Errno::edeadlk));
  i32 waiter_tid = 0;
  std::thread waiter([&] {
    GuestThread t(p());
    waiter_tid = t.thread().tid();
    EXPECT_EQ(t.sys(nr::futex, word, abi::futex_trylock_pi, 0, 0), err(Errno::eagain));
    EXPECT_EQ(t.sys(nr::futex, word, abi::futex_lock_pi, 0, 0), 0); // handed over
    EXPECT_EQ(t.sys(nr::futex, word, abi::futex_unlock_pi, 0, 0), 0);
  });
  for (int i = 0; i < 2000 && !(p().get<u32>(word) & abi::futex_waiters); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(p().get<u32>(word), me | static_cast<u32>(abi::futex_waiters));
  EXPECT_EQ(sys(nr::futex, word, abi::futex_unlock_pi, 0, 0), 0);
  waiter.join();
  EXPECT_EQ(p().get<u32>(word), 0u);
  EXPECT_EQ(sys(nr::futex, word, abi::futex_unlock_pi, 0, 0), err(Errno::eperm)); // not the owner
}

} // namespace
} // namespace wasmux::test
