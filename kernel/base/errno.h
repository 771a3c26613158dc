#pragma once
// Kernel error codes: Linux's errno values (generated list from abi/), plus internal codes
// that never reach a program. The conversion to -errno happens once, in entry/dispatch.cpp.
#include <wasmux/abi.h>

#include "types.h"

namespace wasmux {

enum class Errno : i32 {
#define WASMUX_ERRNO_ENUM(name, value, text) name = value,
  WASMUX_ERRNO_LIST(WASMUX_ERRNO_ENUM)
#undef WASMUX_ERRNO_ENUM
  // Internal: the operation cannot progress now; the caller blocks and restarts it.
  would_block = 100000,
};

const char* errno_name(Errno e);

} // namespace wasmux
