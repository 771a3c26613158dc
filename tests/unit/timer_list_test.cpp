// kernel/time/timer_list: kernel timers fire in deadline order, only once due; an expiry
// may arm or cancel timers (itself included); one armed again for a moment already past
// waits for the service's next look.
#include "kernel_fixture.h"
#include "time/timer_list.h"

#include <functional>
#include <string>

namespace wasmux::test {
namespace {

std::string g_log;

struct NamedTimer final : KernelTimer {
  explicit NamedTimer(char n) : name(n) {}
  void expire(i64 now) override {
    g_log += name;
    if (on_expire) on_expire(now);
  }
  char name;
  std::function<void(i64)> on_expire;
};

class TimerListTest : public LockedTest {
protected:
  void SetUp() override {
    LockedTest::SetUp();
    g_log.clear();
  }
};

TEST_F(TimerListTest, FireInDeadlineOrderOnlyOnceDue) {
  NamedTimer a('a'), b('b'), c('c');
  c.arm(300);
  a.arm(100);
  b.arm(200);
  EXPECT_EQ(run_due_timers(99), 100);
  EXPECT_EQ(g_log, "");
  EXPECT_EQ(run_due_timers(250), 300);
  EXPECT_EQ(g_log, "ab");
  EXPECT_FALSE(a.armed());
  EXPECT_TRUE(c.armed());
  c.arm(50); // re-arming moves it
  EXPECT_EQ(run_due_timers(60), -1);
  EXPECT_EQ(g_log, "abc");
}

TEST_F(TimerListTest, CancelledAndDestroyedTimersNeverFire) {
  NamedTimer a('a');
  {
    NamedTimer gone('g');
    gone.arm(10);
  }
  a.arm(10);
  a.cancel();
  EXPECT_EQ(run_due_timers(1000), -1);
  EXPECT_EQ(g_log, "");
}

TEST_F(TimerListTest, AnExpiryMayCancelAnotherDueTimerOrReArmItself) {
  NamedTimer a('a'), b('b'), periodic('p');
  a.on_expire = [&](i64) { b.cancel(); };
  periodic.on_expire = [&](i64 now) { periodic.arm(now); }; // a moment not after now
  a.arm(10);
  b.arm(20);
  periodic.arm(30);
  // b was due too but a cancelled it; p armed itself for "now": not run twice in one look.
  EXPECT_EQ(run_due_timers(100), 100);
  EXPECT_EQ(g_log, "ap");
  EXPECT_EQ(run_due_timers(100), 100);
  EXPECT_EQ(g_log, "app");
  periodic.cancel();
}

TEST_F(TimerListTest, ArmingTheFirstTimerStartsTheService) {
  NamedTimer a('a');
  int before = FakeHost::timer_service_starts();
  a.arm(1000);
  // Started once per kernel: by this arming or an earlier one.
  EXPECT_LE(FakeHost::timer_service_starts(), before + 1);
  EXPECT_GE(FakeHost::timer_service_starts(), 1);
  a.cancel();
}

} // namespace
} // namespace wasmux::test
