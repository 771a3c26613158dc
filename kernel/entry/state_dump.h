#pragma once
// A readable dump of the kernel's processes and threads to the host's log (stderr).

namespace wasmux {

void dump_kernel_state();

} // namespace wasmux
