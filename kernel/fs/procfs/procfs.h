#pragma once
// procfs: /proc/self, /proc/PID/{fd/N, cwd, cmdline, comm, status}. Entries are made on
// lookup from the live process table, so they never go stale.
#include "../../base/result.h"

namespace wasmux {

ErrorOr mount_procfs();

} // namespace wasmux
