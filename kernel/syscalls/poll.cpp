// ppoll: one readiness model for every file (File::poll and the queues it has a table
// watch); pselect6 (select.cpp) waits the same way.
#include "../fd/file_description.h"
#include "poll.h"

namespace wasmux {

namespace {

// Polls every entry once (with a table: registering it on their queues too); returns how
// many have events. poll(2) reports POLLHUP and POLLERR whether asked or not; select asks
// exactly for what each of its sets counts. A table's entries are registered before the
// files are asked, under the lock: no notification falls between (fs/select.c do_poll).
// `held` keeps the files watched alive while their queues carry the table's entries.
usize scan(Vector<abi::Pollfd>& fds, bool hup_and_err_always, PollTable* table,
           Vector<RefPtr<FileDescription>>* held) {
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
      u32 reported = hup_and_err_always ? mask | abi::pollhup | abi::pollerr : mask;
      if (table) table->set_key(mask | abi::pollhup | abi::pollerr);
      pfd.revents = static_cast<i16>(d.value()->file().poll(mask, table) & reported);
      if (held) held->append(d.release_value());
    }
    if (pfd.revents) ++ready;
  }
  return ready;
}

} // namespace

Result<i64> poll_deadline(UserAddr timeout) {
  if (!timeout) return -1;
  auto ts = TRY(copy_in<abi::Timespec>(timeout));
  if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return Errno::einval;
  // Any tv_sec is valid (ppoll(2)); one too large to add to the clock without overflow
  // (over ~73 years) is a wait without limit.
  if (ts.tv_sec > INT64_MAX / 4 / 1000000000) return -1;
  return host().monotonic_ns() + ts.tv_sec * 1000000000 + ts.tv_nsec;
}

ErrorOr poll_set_temporary_mask(UserAddr sigmask, usize size) {
  if (!sigmask) return {};
  if (size != 8) return Errno::einval;
  SigSet mask = TRY(copy_in<u64>(sigmask));
  current().set_temporary_mask(mask);
  return {};
}

Result<usize> poll_until(Vector<abi::Pollfd>& fds, i64 deadline, bool hup_and_err_always) {
  usize ready = scan(fds, hup_and_err_always, nullptr, nullptr);
  if (ready || deadline == 0) return ready;
  for (;;) {
    // The files are held while we sleep, so their queues outlive our entries even if other
    // threads close every descriptor meanwhile (Linux fs/select.c: poll_freewait drops
    // them). Declared first, destroyed last: the entries unlink before the files go.
    Vector<RefPtr<FileDescription>> watched;
    ThreadPollTable table(current());
    ready = scan(fds, hup_and_err_always, &table, &watched);
    if (ready || (deadline >= 0 && host().monotonic_ns() >= deadline)) return ready;
    auto r = current().block(deadline);
    if (r.is_error() && r.error() == Errno::etimedout) return scan(fds, hup_and_err_always, nullptr, nullptr);
    // Interrupted: EINTR once a handler ran (Linux ERESTARTNOHAND).
    if (r.is_error()) return Errno::restart_nohand;
  }
}

SyscallResult sys_ppoll(const SyscallArgs& a) {
  u32 nfds = a.u32_(1);
  if (nfds > current_process().nofile_limit()) return Errno::einval;
  Vector<abi::Pollfd> fds;
  fds.resize(nfds);
  TRY(a.user<abi::Pollfd>(0).read_array(fds.data(), nfds));
  i64 deadline = TRY(poll_deadline(a.ptr(2)));
  TRY(poll_set_temporary_mask(a.ptr(3), a.size(4)));
  usize ready = TRY(poll_until(fds, deadline, true));
  TRY(a.user<abi::Pollfd>(0).write_array(fds.data(), nfds));
  return static_cast<i64>(ready);
}

} // namespace wasmux
