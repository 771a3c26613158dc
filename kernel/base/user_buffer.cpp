#include "user_buffer.h"

namespace wasmux {

Result<String> copy_string_in(UserAddr addr, usize max) {
  i64 len = host().user_strnlen(addr, max);
  if (len < 0) return Errno::efault;
  if (static_cast<usize>(len) >= max) return Errno::enametoolong;
  Vector<char> chars;
  chars.resize(static_cast<usize>(len));
  if (len && !host().copy_from_user(chars.data(), addr, static_cast<usize>(len))) return Errno::efault;
  return String(std::string_view(chars.data(), chars.size()));
}

} // namespace wasmux
