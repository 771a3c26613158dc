// kernel/signal and syscalls/signal: queues, generation, the kernel exit path with its
// handler frames (the glue's side is played here by hand), interrupted calls, fatal
// signals and the run-state protocol, job control, interval timers.
#include "kernel_fixture.h"
#include "signal/signal_state.h"
#include "signal/timers.h"
#include <thread>

// glibc's <signal.h> (included by gtest) defines these siginfo field names as macros.
#undef si_pid
#undef si_uid
#undef si_value
#undef si_status

namespace wasmux::test {
namespace {

constexpr u32 some_handler = 7; // a function index: the kernel never calls it
constexpr i64 pending_marker = abi::signal_pending;

abi::Siginfo info_for(i32 sig, i32 value = 0) {
  abi::Siginfo i{};
  i.si_signo = sig;
  i.si_value = value;
  return i;
}

TEST(SignalQueue, StandardSignalsCoalesceRealTimeOnesQueue) {
  SignalQueue q;
  EXPECT_TRUE(q.add(info_for(abi::sigusr1, 1)));
  EXPECT_TRUE(q.add(info_for(abi::sigusr1, 2)));
  EXPECT_TRUE(q.add(info_for(40, 1)));
  EXPECT_TRUE(q.add(info_for(40, 2)));
  EXPECT_EQ(q.pending(), sig_bit(abi::sigusr1) | sig_bit(40));
  abi::Siginfo out{};
  ASSERT_TRUE(q.take(abi::sigusr1, out));
  EXPECT_EQ(out.si_value, 1); // the first instance; the second was not queued
  EXPECT_FALSE(q.take(abi::sigusr1, out));
  ASSERT_TRUE(q.take(40, out));
  EXPECT_EQ(out.si_value, 1);
  EXPECT_EQ(q.pending(), sig_bit(40)); // one instance left
  ASSERT_TRUE(q.take(40, out));
  EXPECT_EQ(out.si_value, 2);
  EXPECT_EQ(q.pending(), 0u);
  q.add(info_for(41));
  q.add(info_for(42));
  q.discard(sig_bit(41));
  EXPECT_EQ(q.pending(), sig_bit(42));
}

TEST(SignalDefaults, FollowSignal7) {
  EXPECT_EQ(default_action(abi::sigterm), DefaultAction::terminate);
  EXPECT_EQ(default_action(abi::sigsegv), DefaultAction::core);
  EXPECT_EQ(default_action(abi::sigchld), DefaultAction::ignore);
  EXPECT_EQ(default_action(abi::sigcont), DefaultAction::resume);
  EXPECT_EQ(default_action(abi::sigtstp), DefaultAction::stop);
  EXPECT_EQ(default_action(50), DefaultAction::terminate);
}

class SignalTest : public KernelTest {
protected:
  i64 block(u64 set, i32 how = abi::sig_block) { return sys(nr::rt_sigprocmask, how, p().put(set), 0, 8); }
  i64 kill(i64 pid, i64 sig) { return sys(nr::kill, pid, sig); }
  // The glue's part: ask for the handler frame.
  i64 deliver(UserAddr frame) { return sys(nr::wasmux_sigdeliver, frame, 0); }
  abi::SignalFrame frame_at(UserAddr a) { return p().get<abi::SignalFrame>(a); }
  u64 mask() {
    UserAddr out = p().alloc(8);
    EXPECT_EQ(sys(nr::rt_sigprocmask, abi::sig_block, 0, out, 8), 0);
    return p().get<u64>(out);
  }
  // A child made by posix_spawn (the fake host only records its start).
  i64 spawn_child() {
    i64 fd = p().open("prog", abi::o_wronly | abi::o_creat | abi::o_trunc, 0755);
    std::string image = program_image();
    EXPECT_EQ(p().write(fd, image), static_cast<i64>(image.size()));
    p().close(fd);
    UserAddr argv = p().alloc(8);
    u32 name = p().str("prog");
    memcpy(p().host().memory().at(argv), &name, 4);
    return sys(nr::wasmux_spawn, p().str("prog"), argv, 0, 0, 0, 0);
  }
  bool process_exited() {
    p().enter();
    LockGuard lock;
    return p().process().has_exited();
  }
};

TEST_F(SignalTest, AHandledSignalComesBackAsAFrameAndSigreturnRestoresTheMask) {
  ASSERT_EQ(p().set_action(abi::sigusr1, some_handler, abi::sa_siginfo, sig_bit(abi::sigusr2)), 0);
  // kill(self) returns the marker instead of 0: the glue must run the handler first.
  EXPECT_EQ(kill(p().pid(), abi::sigusr1), pending_marker);
  UserAddr f = p().alloc(sizeof(abi::SignalFrame));
  ASSERT_EQ(deliver(f), abi::signal_handler);
  abi::SignalFrame frame = frame_at(f);
  EXPECT_EQ(frame.handler, some_handler);
  EXPECT_EQ(frame.signo, abi::sigusr1);
  EXPECT_EQ(frame.result, 0); // kill's own result, handed back by rt_sigreturn
  EXPECT_EQ(frame.info.si_code, abi::si_user);
  EXPECT_EQ(frame.info.si_pid, p().pid());
  EXPECT_EQ(frame.uc.uc_sigmask[0], 0u); // the mask to return to
  // While the handler runs: its sa_mask and the signal itself are blocked.
  EXPECT_EQ(mask(), sig_bit(abi::sigusr1) | sig_bit(abi::sigusr2));
  EXPECT_EQ(sys(nr::rt_sigreturn, f), 0);
  EXPECT_EQ(mask(), 0u);
}

TEST_F(SignalTest, ABlockedSignalWaitsForItsUnblocking) {
  ASSERT_EQ(p().set_action(abi::sigusr1, some_handler), 0);
  ASSERT_EQ(block(sig_bit(abi::sigusr1)), 0);
  EXPECT_EQ(kill(p().pid(), abi::sigusr1), 0);
  UserAddr pending = p().alloc(8);
  EXPECT_EQ(sys(nr::rt_sigpending, pending, 8), 0);
  EXPECT_EQ(p().get<u64>(pending), sig_bit(abi::sigusr1));
  EXPECT_EQ(block(sig_bit(abi::sigusr1), abi::sig_unblock), pending_marker);
  UserAddr f = p().alloc(sizeof(abi::SignalFrame));
  EXPECT_EQ(deliver(f), abi::signal_handler);
  EXPECT_EQ(sys(nr::rt_sigreturn, f), 0);
}

TEST_F(SignalTest, SettingSigIgnDiscardsAPendingSignal) {
  ASSERT_EQ(p().set_action(abi::sigusr1, some_handler), 0);
  ASSERT_EQ(block(sig_bit(abi::sigusr1)), 0);
  ASSERT_EQ(kill(p().pid(), abi::sigusr1), 0);
  ASSERT_EQ(p().ignore_signal(abi::sigusr1), 0);
  EXPECT_EQ(block(sig_bit(abi::sigusr1), abi::sig_unblock), 0); // nothing left to deliver
}

TEST_F(SignalTest, SigKillAndSigStopCannotBeCaughtOrBlocked) {
  EXPECT_EQ(p().set_action(abi::sigkill, some_handler), err(Errno::einval));
  EXPECT_EQ(p().set_action(abi::sigstop, abi::sig_ign), err(Errno::einval));
  EXPECT_EQ(p().set_action(65, some_handler), err(Errno::einval));
  ASSERT_EQ(block(~0ull), 0);
  EXPECT_EQ(mask(), ~0ull & ~(sig_bit(abi::sigkill) | sig_bit(abi::sigstop)));
}

TEST_F(SignalTest, ForgedResultsInAFrameDoNotRestartSigreturn) {
  UserAddr f = p().alloc(sizeof(abi::SignalFrame));
  abi::SignalFrame frame{};
  frame.result = -static_cast<i64>(Errno::restart_sys);
  memcpy(p().host().memory().at(f), &frame, sizeof frame);
  EXPECT_EQ(sys(nr::rt_sigreturn, f), err(Errno::eintr));
}

// A reader blocked on an empty pipe; another thread signals the process.
class InterruptedReadTest : public SignalTest {
protected:
  void SetUp() override {
    SignalTest::SetUp();
    ASSERT_EQ(p().pipe(fds), 0);
  }
  i32 reader_tid() {
    // The reader is the most recent thread of the process.
    p().enter();
    LockGuard lock;
    i32 tid = 0;
    p().process().for_each_thread([&](Thread& t) { tid = t.tid(); });
    return tid;
  }
  i32 fds[2];
};

TEST_F(InterruptedReadTest, TheFrameSaysEintrOrRestartAsSaRestartAsks) {
  for (u32 flags : {0u, static_cast<u32>(abi::sa_restart)}) {
    ASSERT_EQ(p().set_action(abi::sigusr1, some_handler, flags), 0);
    abi::SignalFrame frame{};
    std::thread reader([&] {
      GuestThread t(p());
      ASSERT_EQ(t.sys(nr::read, fds[0], p().alloc(4), 4), pending_marker);
      UserAddr f = p().alloc(sizeof(abi::SignalFrame));
      ASSERT_EQ(t.sys(nr::wasmux_sigdeliver, f, 0), abi::signal_handler);
      frame = p().get<abi::SignalFrame>(f);
      EXPECT_EQ(t.sys(nr::rt_sigreturn, f), frame.result);
    });
    wait_until_blocked(p(), fds[0]);
    ASSERT_EQ(p().sys(nr::tkill, reader_tid(), abi::sigusr1), 0);
    reader.join();
    EXPECT_EQ(frame.result, flags ? abi::signal_restart : err(Errno::eintr)) << "flags " << flags;
  }
}

TEST_F(InterruptedReadTest, AnIgnoredSignalDoesNotInterrupt) {
  // SIGCHLD's default is to ignore: it is discarded at generation, the read goes on.
  i64 result = 0;
  std::thread reader([&] {
    GuestThread t(p());
    result = t.sys(nr::read, fds[0], p().alloc(4), 4);
  });
  wait_until_blocked(p(), fds[0]);
  ASSERT_EQ(p().sys(nr::kill, p().pid(), abi::sigchld), 0);
  ASSERT_EQ(p().write(fds[1], "data"), 4);
  reader.join();
  EXPECT_EQ(result, 4);
}

TEST_F(InterruptedReadTest, AFatalSignalEndsTheProcessAndTheBlockedCall) {
  FakeHost::clear_terminations();
  GuestProcess other;
  bool stopped = false;
  std::thread reader([&] {
    GuestThread t(p());
    t.sys(nr::read, fds[0], p().alloc(4), 4);
    p().enter();
    LockGuard lock;
    stopped = p().process().has_exited();
  });
  wait_until_blocked(p(), fds[0]);
  EXPECT_EQ(other.sys(nr::kill, p().pid(), abi::sigterm), 0);
  reader.join();
  EXPECT_TRUE(stopped);
  p().enter();
  LockGuard lock;
  EXPECT_EQ(p().process().wait_status(), wait_status_signaled(abi::sigterm));
  // The main thread was in user code: the host was asked to terminate its worker.
  auto t = FakeHost::terminations();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].pid, p().pid());
  EXPECT_EQ(t[0].wait_status, wait_status_signaled(abi::sigterm));
}

TEST_F(SignalTest, AKilledThreadNeverEntersTheKernelAgain) {
  FakeHost::clear_terminations();
  GuestProcess victim;
  ASSERT_EQ(sys(nr::kill, victim.pid(), abi::sigkill), 0);
  ASSERT_EQ(FakeHost::terminations().size(), 1u);
  EXPECT_TRUE(victim.killed());
  // Its next system call does nothing and tells the caller to stop.
  victim.enter();
  bool must_stop = false;
  SyscallArgs args{{0, 0, 0, 0, 0, 0}};
  EXPECT_EQ(syscall_entry(nr::getpid, args, must_stop), 0);
  EXPECT_TRUE(must_stop);
}

TEST_F(SignalTest, AThreadInUserCodeIsInterruptedForAHandlerOrAStop) {
  GuestProcess target;
  ASSERT_EQ(target.set_action(abi::sigusr1, some_handler), 0);
  int before = FakeHost::interrupts_of(target.thread().tid());
  EXPECT_EQ(sys(nr::kill, target.pid(), abi::sigusr1), 0);
  EXPECT_EQ(FakeHost::interrupts_of(target.thread().tid()), before + 1);
  EXPECT_EQ(sys(nr::kill, target.pid(), abi::sigstop), 0);
  EXPECT_EQ(FakeHost::interrupts_of(target.thread().tid()), before + 2);
  // Its check clears the word; on the way out the handler is due first (SIGUSR1, 10, is
  // taken before SIGSTOP, 19).
  UserAddr word = target.put(u32{1});
  EXPECT_EQ(target.sys(nr::wasmux_interrupted, word), abi::signal_pending);
  EXPECT_EQ(target.get<u32>(word), 0u);
  EXPECT_EQ(sys(nr::kill, target.pid(), abi::sigkill), 0);
}

TEST_F(SignalTest, ABlockedFatalSignalWaitsAndKillsWhenUnblocked) {
  ASSERT_EQ(block(sig_bit(abi::sigterm)), 0);
  ASSERT_EQ(kill(p().pid(), abi::sigterm), 0);
  EXPECT_FALSE(process_exited());
  block(sig_bit(abi::sigterm), abi::sig_unblock);
  EXPECT_TRUE(process_exited());
}

TEST_F(SignalTest, UnprivilegedProcessesMaySignalOnlyTheirOwn) {
  GuestProcess mine, root;
  ASSERT_EQ(mine.sys(nr::setresuid, 1000, 1000, 1000), 0);
  GuestProcess also_mine;
  ASSERT_EQ(also_mine.sys(nr::setresuid, 1000, 1000, 1000), 0);
  EXPECT_EQ(mine.sys(nr::kill, root.pid(), 0), err(Errno::eperm));
  EXPECT_EQ(mine.sys(nr::kill, also_mine.pid(), 0), 0);
  EXPECT_EQ(mine.sys(nr::kill, 999999, 0), err(Errno::esrch));
  EXPECT_EQ(mine.sys(nr::kill, mine.pid(), 65), err(Errno::einval));
}

TEST_F(SignalTest, InitIgnoresEverySignal) {
  EXPECT_EQ(kill(1, abi::sigkill), 0);
  EXPECT_EQ(kill(1, abi::sigterm), 0);
  LockGuard lock;
  EXPECT_FALSE(init_process().has_exited());
}

TEST_F(SignalTest, StopAndContinueAreReportedToTheParent) {
  i64 pid = spawn_child();
  ASSERT_GT(pid, 0);
  // The child sleeps in pause() (ppoll on nothing) on a thread of its own.
  std::atomic<bool> reaped{false};
  std::thread child_thread([&] {
    GuestProcess child(GuestProcess::Existing{static_cast<i32>(pid)});
    child.sys(nr::ppoll, 0, 0, 0, 0, 8); // until SIGKILL below
    while (!reaped) // the fixture's end of a process would reap it: the parent does
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  UserAddr status = p().alloc(4);
  EXPECT_EQ(kill(pid, abi::sigstop), 0);
  // It stops when it takes the signal, in the kernel: wait for the report.
  EXPECT_EQ(sys(nr::wait4, pid, status, abi::wuntraced, 0), pid);
  EXPECT_EQ(p().get<i32>(status), (abi::sigstop << 8) | 0x7f);
  EXPECT_EQ(sys(nr::wait4, pid, status, abi::wuntraced | abi::wnohang, 0), 0); // reported once
  EXPECT_EQ(kill(pid, abi::sigcont), 0);
  EXPECT_EQ(sys(nr::wait4, pid, status, abi::wcontinued, 0), pid);
  EXPECT_EQ(p().get<i32>(status), 0xffff);
  EXPECT_EQ(kill(pid, abi::sigkill), 0);
  EXPECT_EQ(sys(nr::wait4, pid, status, 0, 0), pid);
  EXPECT_EQ(p().get<i32>(status), wait_status_signaled(abi::sigkill));
  reaped = true;
  child_thread.join();
}

TEST_F(SignalTest, ArmingATimerStartsTheServiceAndExpiryRaisesSigalrm) {
  int before = FakeHost::timer_service_starts();
  ASSERT_EQ(block(sig_bit(abi::sigalrm)), 0);
  abi::Itimerval32 v{0, 0, 5, 0};
  ASSERT_EQ(sys(nr::setitimer, abi::itimer_real, p().put(v), 0), 0);
  EXPECT_EQ(FakeHost::timer_service_starts(), before + 1);
  UserAddr now = p().alloc(sizeof(abi::Itimerval32));
  ASSERT_EQ(sys(nr::getitimer, abi::itimer_real, now), 0);
  EXPECT_GE(p().get<abi::Itimerval32>(now).value_sec, 4);
  {
    LockGuard lock;
    i64 at = p().process().real_timer().deadline();
    EXPECT_EQ(run_due_timers(at - 1), at);
    EXPECT_EQ(run_due_timers(at), -1); // one-shot: disarmed
  }
  UserAddr pending = p().alloc(8);
  ASSERT_EQ(sys(nr::rt_sigpending, pending, 8), 0);
  EXPECT_EQ(p().get<u64>(pending), sig_bit(abi::sigalrm));
  EXPECT_EQ(sys(nr::setitimer, 3, p().put(v), 0), err(Errno::einval));
}

// ITIMER_PROF counts CPU time, which a thread tells the kernel at an interrupt check: the
// timer service asks for it (the interrupt) once the timer could be due by wall time.
TEST_F(SignalTest, CpuTimerFiresWhenTheThreadReportsItsCpuTime) {
  ASSERT_EQ(block(sig_bit(abi::sigprof)), 0);
  abi::Itimerval32 v{0, 0, 0, 2000}; // 2 ms of CPU time, one-shot
  ASSERT_EQ(sys(nr::setitimer, abi::itimer_prof, p().put(v), 0), 0);
  i64 start = host().thread_cputime_ns();
  i64 wall = host().monotonic_ns();
  int interrupts = FakeHost::interrupts_of(p().thread().tid());
  // The service runs on a kernel thread of its own, which sees only the CPU time the
  // process's threads reported.
  auto service = [](i64 now) {
    i64 next = 0;
    std::thread([&] {
      FakeHost port;
      set_host(&port);
      LockGuard lock;
      next = run_due_timers(now);
    }).join();
    return next;
  };
  i64 next = service(wall); // plans the probe: about 2 ms from now
  EXPECT_GT(next, wall + 1000000);
  EXPECT_EQ(FakeHost::interrupts_of(p().thread().tid()), interrupts); // not yet
  volatile u64 x = 0;
  while (host().thread_cputime_ns() - start < 5000000) x = x + 1; // 5 ms of CPU
  UserAddr pending = p().alloc(8);
  ASSERT_EQ(sys(nr::rt_sigpending, pending, 8), 0);
  EXPECT_EQ(p().get<u64>(pending) & sig_bit(abi::sigprof), 0u); // the kernel has not heard yet
  (void)service(host().monotonic_ns()); // the probe is due: the thread is asked
  EXPECT_EQ(FakeHost::interrupts_of(p().thread().tid()), interrupts + 1);
  UserAddr word = p().put(u32{1});
  (void)sys(nr::wasmux_interrupted, word); // the thread's interrupt check reports its CPU time
  ASSERT_EQ(sys(nr::rt_sigpending, pending, 8), 0);
  EXPECT_EQ(p().get<u64>(pending) & sig_bit(abi::sigprof), sig_bit(abi::sigprof));
  UserAddr left = p().alloc(sizeof(abi::Itimerval32));
  ASSERT_EQ(sys(nr::getitimer, abi::itimer_prof, left), 0);
  EXPECT_EQ(p().get<abi::Itimerval32>(left).value_usec, 0); // one-shot: disarmed
}

TEST_F(SignalTest, SigtimedwaitTakesABlockedSignalOrTimesOut) {
  ASSERT_EQ(block(sig_bit(abi::sigusr2)), 0);
  abi::Timespec zero{0, 0, 0};
  UserAddr set = p().put(u64{sig_bit(abi::sigusr2)});
  EXPECT_EQ(sys(nr::rt_sigtimedwait, set, 0, p().put(zero), 8), err(Errno::eagain));
  i64 got = 0;
  std::thread waiter([&] {
    GuestThread t(p());
    ASSERT_EQ(t.sys(nr::rt_sigprocmask, abi::sig_block, p().put(u64{sig_bit(abi::sigusr2)}), 0, 8), 0);
    got = t.sys(nr::rt_sigtimedwait, set, 0, 0, 8);
  });
  GuestProcess other;
  // Wait until the waiter sleeps (it is the only one that can take the signal: the main
  // thread blocks it too), then send to the process.
  for (int i = 0; i < 3000; ++i) {
    {
      p().enter();
      LockGuard lock;
      bool waiting = false;
      p().process().for_each_thread([&](Thread& t) { waiting |= t.sigwait_set() != 0; });
      if (waiting) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(other.sys(nr::kill, p().pid(), abi::sigusr2), 0);
  waiter.join();
  EXPECT_EQ(got, abi::sigusr2);
}

} // namespace
} // namespace wasmux::test
