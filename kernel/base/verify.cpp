#include "verify.h"

#include "../host/host_port.h"
#include "format.h"

namespace wasmux {

void verify_failed(const char* condition, const char* file, int line) {
  Formatter f;
  f.append("wasmux: kernel invariant failed: ").append(condition).append(" at ").append(file).append(":");
  f.append_int(line).append("\n");
  host().log(f.data(), f.size());
  __builtin_trap();
}

} // namespace wasmux
