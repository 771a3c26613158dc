// signalfd4 (signalfd(2), Linux fs/signalfd.c): the signals of a mask, read as records
// instead of delivered. A read takes the caller's pending signals of the mask (its own
// queue first, then its process's, lowest number first, as dequeue_signal does), so after
// a fork the same descriptor reads the child's signals. The mask's signals should be
// blocked, or their default actions or handlers take them first.
#include "../fd/anon_file.h"
#include "../fd/file_description.h"
#include "../signal/delivery.h"
#include "../syscalls/syscall.h"
#include "../wait/wait_queue.h"

namespace wasmux {

namespace {

class SignalFd final : public AnonFile {
public:
  static inline const char kind_tag = 0;
  explicit SignalFd(SigSet mask) : AnonFile("[signalfd]"), m_mask(mask) {}
  const void* kind() const override { return &kind_tag; }
  void set_mask(SigSet mask) { m_mask = mask; }

  Result<usize> read(FileDescription&, const IoBuffer& buf, i64) override {
    constexpr usize record = sizeof(abi::SignalfdSiginfo);
    if (buf.size() < record) return Errno::einval;
    Thread& t = current();
    usize done = 0;
    while (done + record <= buf.size()) {
      SigSet ready = pending(t);
      if (!ready) break;
      abi::Siginfo info{};
      dequeue_signal(t, __builtin_ctzll(ready) + 1, info);
      abi::SignalfdSiginfo out = to_record(info);
      // A record taken and not delivered is lost, as on Linux (signalfd_read stops there).
      auto w = buf.write_from(done, &out, record);
      if (w.is_error()) return done ? Result<usize>(done) : Result<usize>(w.error());
      done += record;
    }
    if (!done) return Errno::would_block;
    return done;
  }

  bool can_poll() const override { return true; }
  u32 poll(u32 mask, PollTable* table) override {
    Thread& t = current();
    if (table) table->watch(t.process().signal_arrivals());
    u32 r = pending(t) ? static_cast<u32>(abi::pollin | abi::pollrdnorm) : 0;
    return r & (mask | abi::pollhup | abi::pollerr);
  }

  void describe(Formatter& f) const override {
    AnonFile::describe(f);
    f.append(" mask ").append_hex(m_mask);
  }

private:
  SigSet pending(Thread& t) const { return (t.pending().pending() | t.process().shared_pending().pending()) & m_mask; }

  // fs/signalfd.c signalfd_copyinfo: the fields the signal's siginfo layout has.
  static abi::SignalfdSiginfo to_record(const abi::Siginfo& info) {
    abi::SignalfdSiginfo out{};
    out.ssi_signo = static_cast<u32>(info.si_signo);
    out.ssi_errno = info.si_errno;
    out.ssi_code = info.si_code;
    if (info.si_code == abi::si_timer) {
      out.ssi_tid = static_cast<u32>(info.si_pid); // si_timerid
      out.ssi_overrun = info.si_uid;              // si_overrun
    } else {
      out.ssi_pid = static_cast<u32>(info.si_pid);
      out.ssi_uid = info.si_uid;
    }
    if (info.si_signo == abi::sigchld && info.si_code > 0 && info.si_code != abi::si_kernel) {
      const auto& child = reinterpret_cast<const abi::SiginfoChild&>(info);
      out.ssi_status = child.si_status;
      out.ssi_utime = static_cast<u64>(child.si_utime);
      out.ssi_stime = static_cast<u64>(child.si_stime);
    } else if (info.si_code < 0) { // sigqueue, timers, tkill: the value
      out.ssi_int = info.si_value;
      out.ssi_ptr = static_cast<u32>(info.si_value);
    }
    return out;
  }

  SigSet m_mask;
};

} // namespace

SyscallResult sys_signalfd4(const SyscallArgs& a) {
  i32 fd = a.i32_(0);
  u32 flags = a.u32_(3);
  if (a.size(2) != sizeof(SigSet)) return Errno::einval;
  if (flags & ~static_cast<u32>(abi::sfd_cloexec | abi::sfd_nonblock)) return Errno::einval;
  SigSet mask = TRY(copy_in<u64>(a.ptr(1))) & ~unblockable_signals;
  if (fd == -1) return TRY(install_anon_file(make_ref<SignalFd>(mask), flags));
  // An existing signalfd takes the new mask (EINVAL for another kind of file).
  auto d = TRY(current_process().fds().get(fd));
  SignalFd* s = file_as<SignalFd>(d->file());
  if (!s) return Errno::einval;
  s->set_mask(mask);
  current_process().signal_arrivals().notify(abi::pollin | abi::pollrdnorm); // pollers look again
  return fd;
}

} // namespace wasmux
