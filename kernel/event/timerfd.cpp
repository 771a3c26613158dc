// timerfd_create, timerfd_settime, timerfd_gettime (timerfd_create(2), Linux fs/timerfd.c):
// a timer whose expiries are read as a 64-bit count. Each runs as a kernel timer
// (time/timer_list.h); a periodic one reloads from its last expiry and counts the expiries
// it missed (hrtimer_forward). CLOCK_REALTIME values are taken on the wall clock when set
// and run on the monotonic clock from there: a later clock_settime does not move them, and
// TFD_TIMER_CANCEL_ON_SET is accepted without cancelling (docs/guest-abi.md).
#include "../fd/anon_file.h"
#include "../fd/file_description.h"
#include "../syscalls/syscall.h"
#include "../time/clocks.h"
#include "../time/timer_list.h"
#include "../wait/wait_queue.h"

namespace wasmux {

namespace {

class TimerFd final : public AnonFile, private KernelTimer {
public:
  static inline const char kind_tag = 0;
  explicit TimerFd(bool realtime) : AnonFile("[timerfd]"), m_realtime(realtime) {}
  const void* kind() const override { return &kind_tag; }

  // Arms for `value` ns (from now, or at that time of the clock with `absolute`), reloading
  // every `interval` ns; value 0 disarms. The expiry count starts again from 0.
  void set(i64 value, i64 interval, bool absolute) {
    m_ticks = 0;
    m_interval = value ? interval : 0;
    if (!value) return cancel();
    i64 now = host().monotonic_ns();
    i64 at = !absolute ? now + value : m_realtime ? now + (value - realtime_now()) : value;
    arm(max<i64>(at, 0));
  }
  // What is left until the next expiry (0: disarmed) and the interval.
  void get(i64& left, i64& interval) const {
    interval = m_interval;
    left = armed() ? max<i64>(deadline() - host().monotonic_ns(), 1) : 0;
  }

  Result<usize> read(FileDescription&, const IoBuffer& buf, i64) override {
    if (buf.size() < sizeof(u64)) return Errno::einval;
    if (m_ticks == 0) return Errno::would_block;
    TRY(buf.write_from(0, &m_ticks, sizeof m_ticks));
    m_ticks = 0;
    return sizeof(u64);
  }

  bool can_poll() const override { return true; }
  u32 poll(u32 mask, PollTable* table) override {
    if (table) table->watch(m_readers);
    u32 r = m_ticks ? static_cast<u32>(abi::pollin | abi::pollrdnorm) : 0;
    return r & (mask | abi::pollhup | abi::pollerr);
  }

  void describe(Formatter& f) const override {
    AnonFile::describe(f);
    f.append(" ticks ").append_int(static_cast<i64>(m_ticks)).append(armed() ? " armed" : " disarmed");
  }

private:
  void expire(i64 now) override {
    u64 n = 1;
    if (m_interval > 0) {
      i64 next = deadline() + m_interval;
      if (next <= now) {
        i64 missed = (now - next) / m_interval + 1;
        n += static_cast<u64>(missed);
        next += missed * m_interval;
      }
      arm(next);
    }
    bool was_zero = m_ticks == 0;
    m_ticks += n;
    if (was_zero) m_readers.notify(abi::pollin | abi::pollrdnorm);
  }

  bool m_realtime;
  i64 m_interval{0};
  u64 m_ticks{0};
  WaitQueue m_readers;
};

// The timerfd of descriptor fd: EBADF for no descriptor, EINVAL for another kind of file.
Result<TimerFd*> timerfd_of(i32 fd) {
  auto d = TRY(current_process().fds().get(fd));
  TimerFd* t = file_as<TimerFd>(d->file());
  if (!t) return Errno::einval;
  return t;
}

abi::Itimerspec current_value(const TimerFd& t) {
  i64 left = 0, interval = 0;
  t.get(left, interval);
  abi::Itimerspec v{};
  v.it_value = timespec_of_ns(left);
  v.it_interval = timespec_of_ns(interval);
  return v;
}

} // namespace

SyscallResult sys_timerfd_create(const SyscallArgs& a) {
  i32 clock = a.i32_(0);
  u32 flags = a.u32_(1);
  if (flags & ~static_cast<u32>(abi::tfd_cloexec | abi::tfd_nonblock)) return Errno::einval;
  bool realtime = clock == abi::clock_realtime || clock == abi::clock_realtime_alarm;
  bool alarm = clock == abi::clock_realtime_alarm || clock == abi::clock_boottime_alarm;
  if (!realtime && clock != abi::clock_monotonic && clock != abi::clock_boottime && !alarm) return Errno::einval;
  // The alarm clocks need CAP_WAKE_ALARM (timerfd_create(2)); they run as their base clock.
  if (alarm && current_process().credentials().euid != 0) return Errno::eperm;
  return TRY(install_anon_file(make_ref<TimerFd>(realtime), flags));
}

SyscallResult sys_timerfd_settime(const SyscallArgs& a) {
  // Linux's order: the copy (EFAULT), the flags and values (EINVAL), then the descriptor.
  auto next = TRY(a.user<abi::Itimerspec>(2).read());
  u32 flags = a.u32_(1);
  if (flags & ~static_cast<u32>(abi::tfd_timer_abstime | abi::tfd_timer_cancel_on_set)) return Errno::einval;
  i64 value = TRY(timer_value_ns(next.it_value));
  i64 interval = TRY(timer_value_ns(next.it_interval));
  TimerFd* t = TRY(timerfd_of(a.i32_(0)));
  abi::Itimerspec old = current_value(*t);
  t->set(value, interval, flags & abi::tfd_timer_abstime);
  if (a.ptr(3)) TRY(a.user<abi::Itimerspec>(3).write(old));
  return 0;
}

SyscallResult sys_timerfd_gettime(const SyscallArgs& a) {
  TimerFd* t = TRY(timerfd_of(a.i32_(0)));
  TRY(a.user<abi::Itimerspec>(1).write(current_value(*t)));
  return 0;
}

} // namespace wasmux
