#pragma once
// The kernel exit path of signals and the handler frames (delivery.cpp).
#include "../base/result.h"
#include "signal.h"

namespace wasmux {

// Takes the oldest instance of sig for thread t: its own queue first, then its process's
// (Linux dequeue_signal); a POSIX timer's signal takes the timer's overrun with it.
void dequeue_signal(Thread& t, i32 sig, abi::Siginfo& info);

// Whether the calling thread has anything to do before returning to user code: a signal
// to take, a stop, the end of its process, or a temporary mask to restore. Cheap: it is
// asked at every kernel exit.
bool has_signal_work(Thread& t);

// The kernel exit path (with has_signal_work true): default actions are carried out; if a
// handler must run, result is stashed and SIGNAL_PENDING returned for the glue. Sets
// restart when an interrupted call is to be run again in the kernel (no handler runs).
Result<i64> signal_exit_path(Thread& t, const Result<i64>& result, bool& restart);

// wasmux_sigdeliver: fills the guest's frame for the next handler (SIGNAL_HANDLER), or
// gives back the stashed result (SIGNAL_RESTART for a call to reissue).
// sp: the guest's stack pointer (whether it already runs on the alternate stack).
Result<i64> deliver_to_handler(Thread& t, UserAddr frame, UserAddr sp);

// rt_sigreturn: the handler is done; its frame's mask comes back and the interrupted call's
// result is returned.
Result<i64> return_from_handler(Thread& t, UserAddr frame);

} // namespace wasmux
