#pragma once
// A tiny text builder for kernel diagnostics (no printf in the kernel).
#include <string_view>

#include "errno.h"
#include "vector.h"

namespace wasmux {

class Formatter {
public:
  Formatter& append(std::string_view s);
  Formatter& append_int(i64 v);
  Formatter& append_hex(u64 v);
  Formatter& append_octal(u64 v);
  // Appends s with non-printable bytes escaped, cut at max bytes ("..." marks the cut).
  Formatter& append_escaped(std::string_view s, usize max);
  const char* data() const { return m_buf.data(); }
  usize size() const { return m_buf.size(); }

private:
  Vector<char> m_buf;
};

} // namespace wasmux
