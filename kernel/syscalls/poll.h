// The wait shared by ppoll and pselect6 (fs/select.c: do_poll and do_select are two faces
// of one loop over File::readiness and the files' wait queues).
#pragma once
#include "syscall.h"

namespace wasmux {

// The absolute monotonic deadline of a timespec timeout at `timeout` (null: -1, no limit);
// EINVAL for a negative or unnormalized one.
Result<i64> poll_deadline(UserAddr timeout);

// Until an entry of `fds` has events (each one's revents set) or the deadline passes: the
// number of entries with events, or restart_nohand when a signal interrupted the wait.
// With hup_and_err_always, POLLHUP and POLLERR count unasked (poll(2)); without, only
// the events asked for (select's sets).
Result<usize> poll_until(Vector<abi::Pollfd>& fds, i64 deadline, bool hup_and_err_always);

// ppoll(2), pselect6(2): the mask given replaces the caller's for the call (and until a
// handler it lets in has run). `sigmask` at `size` bytes (8), or none when null.
ErrorOr poll_set_temporary_mask(UserAddr sigmask, usize size);

} // namespace wasmux
