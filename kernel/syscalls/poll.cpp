// ppoll: one readiness model for every file (File::readiness + wait queues).
#include "../fd/file_description.h"
#include "syscall.h"

namespace wasmux {

namespace {

// Polls every entry once; returns how many have events.
usize scan(Vector<abi::Pollfd>& fds) {
  Process& p = current_process();
  usize ready = 0;
  for (auto& pfd : fds) {
    pfd.revents = 0;
    if (pfd.fd < 0) continue; // poll(2): negative fds are ignored
    auto d = p.fds().get(pfd.fd);
    if (d.is_error()) {
      pfd.revents = abi::pollnval;
    } else {
      u32 mask = static_cast<u16>(pfd.events);
      pfd.revents = static_cast<i16>(d.value()->file().readiness(mask) & (mask | abi::pollhup | abi::pollerr));
    }
    if (pfd.revents) ++ready;
  }
  return ready;
}

} // namespace

SyscallResult sys_ppoll(const SyscallArgs& a) {
  u32 nfds = a.u32_(1);
  Process& p = current_process();
  if (nfds > p.nofile_limit()) return Errno::einval;
  Vector<abi::Pollfd> fds;
  fds.resize(nfds);
  TRY(a.user<abi::Pollfd>(0).read_array(fds.data(), nfds));
  i64 deadline = -1;
  if (a.ptr(2)) {
    auto ts = TRY(copy_in<abi::Timespec>(a.ptr(2)));
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return Errno::einval;
    // Any tv_sec is valid (ppoll(2)); one too large to add to the clock without overflow
    // (over ~73 years) is a wait without limit.
    if (ts.tv_sec <= INT64_MAX / 4 / 1000000000) deadline = host().monotonic_ns() + ts.tv_sec * 1000000000 + ts.tv_nsec;
  }
  // ppoll(2): the mask replaces the caller's for the call (and until a handler it lets in
  // has run).
  if (a.ptr(3)) {
    if (a.size(4) != 8) return Errno::einval;
    SigSet mask = TRY(copy_in<u64>(a.ptr(3)));
    current().set_temporary_mask(mask);
  }
  usize ready;
  for (;;) {
    ready = scan(fds);
    if (ready || (deadline >= 0 && host().monotonic_ns() >= deadline)) break;
    // Register on every watched queue, re-check (no lost wake-up: we hold the lock), block.
    // The files are held while we sleep, so their queues outlive our waiters even if other
    // threads close every descriptor meanwhile (Linux fs/select.c: poll_freewait drops
    // them). Declared first, destroyed last: the waiters unlink before the files go.
    Vector<RefPtr<FileDescription>> watched;
    Vector<Waiter> waiters;
    waiters.reserve(nfds);
    for (auto& pfd : fds) {
      if (pfd.fd < 0) continue;
      auto d = p.fds().get(pfd.fd);
      if (d.is_error()) continue;
      if (WaitQueue* q = d.value()->file().wait_queue()) {
        waiters.append(Waiter(current()));
        q->add(waiters.last());
        watched.append(d.release_value());
      }
    }
    auto r = current().block(deadline);
    if (r.is_error() && r.error() == Errno::etimedout) {
      ready = scan(fds);
      break;
    }
    // Interrupted: EINTR once a handler ran (Linux ERESTARTNOHAND).
    if (r.is_error()) return Errno::restart_nohand;
  }
  TRY(a.user<abi::Pollfd>(0).write_array(fds.data(), nfds));
  return static_cast<i64>(ready);
}

} // namespace wasmux
