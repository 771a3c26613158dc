#pragma once
// The data of signals: sets, dispositions, pending queues (signal(7)). Process-wide state
// (dispositions, the shared pending queue) lives in Process, per-thread state (mask,
// private pending queue, alternate stack) in Thread; the operations are in signal.h.
#include <wasmux/abi.h>

#include "../base/types.h"
#include "../base/vector.h"

namespace wasmux {

// Signals 1..64, signal n as bit n-1 (the kernel's sigset_t is 64 bits: rt_sigprocmask
// requires sigsetsize 8).
using SigSet = u64;
inline constexpr i32 max_signal = 64;
constexpr SigSet sig_bit(i32 sig) { return 1ull << (sig - 1); }
constexpr bool valid_signal(i32 sig) { return sig >= 1 && sig <= max_signal; }
inline constexpr SigSet unblockable_signals = sig_bit(abi::sigkill) | sig_bit(abi::sigstop);
inline constexpr SigSet stop_signals =
    sig_bit(abi::sigstop) | sig_bit(abi::sigtstp) | sig_bit(abi::sigttin) | sig_bit(abi::sigttou);
// Signals below 32 are standard: one instance pending at a time. 32 and up are real-time:
// each instance is queued with its own siginfo (signal(7) "Real-time signals").
inline constexpr i32 first_realtime_signal = 32;

struct SigAction {
  u32 handler{abi::sig_dfl}; // SIG_DFL, SIG_IGN or a function (its table index)
  u32 flags{0};
  SigSet mask{0};
  u32 restorer{0};
};

// What SIG_DFL does with a signal (signal(7), "Standard signals").
enum class DefaultAction : u8 { terminate, core, ignore, stop, resume };
DefaultAction default_action(i32 sig);

// Pending signals with their siginfo (Linux struct sigpending).
class SignalQueue {
public:
  SigSet pending() const { return m_set; }
  usize queued() const { return m_queue.size(); }
  static constexpr usize max_queued = 4096;
  // Queues one instance. A standard signal already pending is not queued again. False when
  // a real-time signal cannot be queued (RLIMIT_SIGPENDING: EAGAIN for sigqueue).
  bool add(const abi::Siginfo& info);
  // Takes the oldest instance of sig; the set keeps sig while instances remain.
  bool take(i32 sig, abi::Siginfo& out);
  // Whether a signal of POSIX timer id is queued (SI_TIMER, si_timerid in si_pid's place).
  bool has_timer_signal(i32 sig, i32 id) const {
    for (auto& info : m_queue)
      if (info.si_signo == sig && info.si_code == abi::si_timer && info.si_pid == id) return true;
    return false;
  }
  // Drops every instance of the signals in set.
  void discard(SigSet set);
  void clear() { discard(~0ull); }

private:
  SigSet m_set{0};
  Vector<abi::Siginfo> m_queue;
};

} // namespace wasmux
