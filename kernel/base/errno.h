#pragma once
// Kernel error codes: Linux's errno values (generated list from abi/), plus internal codes
// that never reach a program. The conversion to -errno happens once: abi_error below.
#include <wasmux/abi.h>

#include "types.h"

namespace wasmux {

enum class Errno : i32 {
#define WASMUX_ERRNO_ENUM(name, value, text) name = value,
  WASMUX_ERRNO_LIST(WASMUX_ERRNO_ENUM)
#undef WASMUX_ERRNO_ENUM
  // Internal: the operation cannot progress now; the caller blocks and restarts it.
  would_block = 100000,
  // Internal: a blocking call was interrupted by a signal (Linux ERESTARTSYS). At kernel
  // exit it is restarted when no handler runs or the handler has SA_RESTART, else EINTR.
  restart_sys = 100001,
  // Internal: as restart_sys, but EINTR whenever a handler runs (Linux ERESTARTNOHAND:
  // poll, pause, sigsuspend, nanosleep).
  restart_nohand = 100002,
};

constexpr bool is_restart(Errno e) { return e == Errno::restart_sys || e == Errno::restart_nohand; }

// The one place an Errno becomes what a program or the host sees: -errno (-4095..-1).
constexpr i64 abi_error(Errno e) { return -static_cast<i64>(e); }

const char* errno_name(Errno e);

} // namespace wasmux
