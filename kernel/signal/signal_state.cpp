#include "signal_state.h"

namespace wasmux {

DefaultAction default_action(i32 sig) {
  // signal(7), "Standard signals"; real-time signals terminate.
  switch (sig) {
  case abi::sigquit:
  case abi::sigill:
  case abi::sigtrap:
  case abi::sigabrt:
  case abi::sigbus:
  case abi::sigfpe:
  case abi::sigsegv:
  case abi::sigxcpu:
  case abi::sigxfsz:
  case abi::sigsys: return DefaultAction::core;
  case abi::sigchld:
  case abi::sigurg:
  case abi::sigwinch: return DefaultAction::ignore;
  case abi::sigcont: return DefaultAction::resume;
  case abi::sigstop:
  case abi::sigtstp:
  case abi::sigttin:
  case abi::sigttou: return DefaultAction::stop;
  default: return DefaultAction::terminate;
  }
}

bool SignalQueue::add(const abi::Siginfo& info) {
  i32 sig = info.si_signo;
  if (sig < first_realtime_signal && (m_set & sig_bit(sig))) return true; // coalesced
  // RLIMIT_SIGPENDING's usual value on Linux is in the thousands; one queue holds at most
  // this many instances.
  if (m_queue.size() >= max_queued) return false;
  m_queue.append(info);
  m_set |= sig_bit(sig);
  return true;
}

bool SignalQueue::take(i32 sig, abi::Siginfo& out) {
  if (!(m_set & sig_bit(sig))) return false;
  bool more = false;
  bool found = false;
  for (usize i = 0; i < m_queue.size(); ++i) {
    if (m_queue[i].si_signo != sig) continue;
    if (!found) {
      out = m_queue[i];
      m_queue.remove(i);
      found = true;
      --i;
    } else {
      more = true;
      break;
    }
  }
  if (!more) m_set &= ~sig_bit(sig);
  return found;
}

void SignalQueue::discard(SigSet set) {
  for (usize i = 0; i < m_queue.size();) {
    if (set & sig_bit(m_queue[i].si_signo))
      m_queue.remove(i);
    else
      ++i;
  }
  m_set &= ~set;
}

} // namespace wasmux
