// kernel/proc: a process is a thread group. Thread ids come from the pid allocator, exit
// ends one thread and exit_group all of them, set_tid_address's word is zeroed at a
// thread's end, execve ends the other threads and takes the leader's id, and /proc tells
// how many threads there are and in what state.
#include "kernel_fixture.h"
#include "signal/signal.h"
#include <thread>

namespace wasmux::test {
namespace {

using ThreadGroupTest = KernelTest;

// Finishes the calling OS thread's kernel thread as its worker would (wasmux_thread_finish).
i32 finish(GuestThread& t, i32 signal = 0) {
  (void)t.sys(nr::getpid); // binds this OS thread to it
  LockGuard lock;
  return finish_thread(signal);
}

TEST_F(ThreadGroupTest, ThreadIdsComeFromThePidSpace) {
  std::thread([&] {
    GuestThread second(p());
    i32 tid = second.thread().tid();
    EXPECT_NE(tid, p().pid());
    EXPECT_LT(tid, 32768); // a pid, not a number from another range
    EXPECT_EQ(second.sys(nr::gettid), tid);
    EXPECT_EQ(second.sys(nr::getpid), p().pid());
    // No process is given an id a thread holds.
    GuestProcess other;
    EXPECT_NE(other.pid(), tid);
    LockGuard lock;
    EXPECT_EQ(ProcessTable::the().find_thread(tid), &second.thread());
  }).join();
}

TEST_F(ThreadGroupTest, ExitEndsOneThreadAndTheLastEndsTheProcess) {
  std::thread([&] {
    GuestThread second(p());
    UserAddr word = p().put(u32{0x1234});
    EXPECT_EQ(second.sys(nr::set_tid_address, word), second.thread().tid());
    EXPECT_EQ(second.sys(nr::exit, 3), 0);
    {
      LockGuard lock;
      EXPECT_TRUE(second.thread().exiting());
      EXPECT_FALSE(p().process().has_exited()); // the main thread goes on
      EXPECT_EQ(p().process().live_thread_count(), 1u);
    }
    (void)finish(second);
    EXPECT_EQ(p().get<u32>(word), 0u); // CLONE_CHILD_CLEARTID: zeroed as it ended
    LockGuard lock;
    EXPECT_FALSE(p().process().has_exited());
  }).join();
  EXPECT_EQ(sys(nr::getpid), p().pid()); // the process still runs
}

TEST_F(ThreadGroupTest, ExitOfTheLastThreadEndsTheProcessWithItsStatus) {
  std::thread([&] {
    GuestThread second(p());
    EXPECT_EQ(sys(nr::exit, 4), 0); // the main thread first: the process lives on
    {
      LockGuard lock;
      EXPECT_FALSE(p().process().has_exited());
    }
    EXPECT_EQ(second.sys(nr::exit, 5), 0); // the last one: the process ends with 5
    LockGuard lock;
    EXPECT_TRUE(p().process().has_exited());
    EXPECT_EQ(p().process().wait_status(), wait_status_exited(5));
  }).join();
}

TEST_F(ThreadGroupTest, ExitGroupEndsEveryThread) {
  std::thread([&] {
    GuestThread second(p());
    EXPECT_EQ(second.sys(nr::exit_group, 6), 0);
    LockGuard lock;
    EXPECT_TRUE(p().process().has_exited());
    EXPECT_EQ(p().process().wait_status(), wait_status_exited(6));
    // The main thread was in user code: its worker is to be terminated.
    EXPECT_TRUE(p().thread().killed());
  }).join();
}

TEST_F(ThreadGroupTest, AFaultInAnyThreadEndsTheProcessBySignal) {
  std::thread([&] {
    GuestThread second(p());
    EXPECT_EQ(finish(second, abi::sigsegv), wait_status_signaled(abi::sigsegv));
    LockGuard lock;
    EXPECT_TRUE(p().process().has_exited());
  }).join();
}

// fs/exec.c de_thread: an execve from a thread that is not the leader ends the others and
// takes the leader's id; the process (its pid) goes on with the new image.
TEST_F(ThreadGroupTest, ExecFromAThreadEndsTheOthersAndTakesTheLeadersId) {
  std::string image = program_image();
  i64 fd = p().open("prog", abi::o_wronly | abi::o_creat | abi::o_trunc, 0755);
  ASSERT_EQ(p().write(fd, image), static_cast<i64>(image.size()));
  p().close(fd);
  std::thread([&] {
    GuestThread second(p());
    UserAddr argv = p().alloc(8);
    u32 name = p().str("prog");
    memcpy(p().host().memory().at(argv), &name, 4);
    ASSERT_EQ(second.sys(nr::execve, p().str("prog"), argv, 0), 0);
    LockGuard lock;
    EXPECT_EQ(second.thread().tid(), p().pid());
    EXPECT_TRUE(p().thread().killed()); // the old leader ran user code: its worker goes
    EXPECT_FALSE(p().process().has_exited());
    EXPECT_EQ(p().process().live_thread_count(), 1u);
  }).join();
}

TEST_F(ThreadGroupTest, ProcStatusCountsThreads) {
  std::thread([&] {
    GuestThread second(p());
    std::string status = p().read_file("/proc/self/status");
    EXPECT_NE(status.find("Threads:\t2\n"), std::string::npos) << status;
    EXPECT_NE(status.find("State:\tR (running)\n"), std::string::npos) << status;
    std::string task = p().read_file("/proc/self/task/" + std::to_string(second.thread().tid()) + "/status");
    EXPECT_NE(task.find("Pid:\t" + std::to_string(second.thread().tid()) + "\n"), std::string::npos) << task;
    EXPECT_NE(task.find("Tgid:\t" + std::to_string(p().pid()) + "\n"), std::string::npos) << task;
    i64 fd = p().open("/proc/self/task", abi::o_rdonly | abi::o_directory);
    ASSERT_GE(fd, 0);
    auto names = p().list_dir(fd);
    p().close(fd);
    EXPECT_NE(std::find(names.begin(), names.end(), std::to_string(p().pid())), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), std::to_string(second.thread().tid())), names.end());
  }).join();
}

} // namespace
} // namespace wasmux::test
