// The native build's HostPort slot: each thread (a test's "kernel instance") installs its
// own implementation, e.g. the fake in tests/unit.
#if !defined(__wasm__)
#include "host_port.h"

namespace wasmux {

namespace {
thread_local HostPort* t_port = nullptr;
}

HostPort& host() { return *t_port; }
void set_host(HostPort* port) { t_port = port; }

} // namespace wasmux
#endif
