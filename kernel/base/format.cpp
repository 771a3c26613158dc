#include "format.h"

namespace wasmux {

Formatter& Formatter::append(std::string_view s) {
  for (char c : s) m_buf.append(c);
  return *this;
}

Formatter& Formatter::append_int(i64 v) {
  char tmp[24];
  int n = 0;
  u64 u = v < 0 ? 0 - static_cast<u64>(v) : static_cast<u64>(v);
  do {
    tmp[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) m_buf.append('-');
  while (n) m_buf.append(tmp[--n]);
  return *this;
}

Formatter& Formatter::append_hex(u64 v) {
  char tmp[16];
  int n = 0;
  do {
    tmp[n++] = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v);
  while (n) m_buf.append(tmp[--n]);
  return *this;
}

Formatter& Formatter::append_octal(u64 v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + (v & 7));
    v >>= 3;
  } while (v);
  while (n) m_buf.append(tmp[--n]);
  return *this;
}

Formatter& Formatter::append_escaped(std::string_view s, usize max) {
  usize i = 0;
  for (; i < s.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\n') append("\\n");
    else if (c == '\t') append("\\t");
    else if (c == '"' || c == '\\') m_buf.append('\\'), m_buf.append(static_cast<char>(c));
    else if (c < 32 || c >= 127) append("\\x").append_hex(c);
    else m_buf.append(static_cast<char>(c));
  }
  if (i < s.size()) append("...");
  return *this;
}

const char* errno_name(Errno e) {
  switch (e) {
#define WASMUX_ERRNO_CASE(name, value, text) \
  case Errno::name: return text;
    WASMUX_ERRNO_LIST(WASMUX_ERRNO_CASE)
#undef WASMUX_ERRNO_CASE
  case Errno::would_block: return "EAGAIN";
  case Errno::restart_sys: return "ERESTARTSYS";
  case Errno::restart_nohand: return "ERESTARTNOHAND";
  }
  return "E?";
}

} // namespace wasmux
