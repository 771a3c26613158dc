#pragma once
// Buffers that a file operation reads into or writes from: user memory of the calling
// process (bounds-checked by the HostPort → EFAULT) or kernel memory.
#include "../host/host_port.h"
#include "result.h"

namespace wasmux {

class IoBuffer {
public:
  static IoBuffer user(UserAddr addr, usize len) { return IoBuffer(addr, nullptr, len); }
  static IoBuffer kernel(void* ptr, usize len) { return IoBuffer(0, static_cast<u8*>(ptr), len); }

  usize size() const { return m_len; }
  IoBuffer slice(usize offset, usize len) const {
    return m_kptr ? IoBuffer(0, m_kptr + offset, len) : IoBuffer(m_uaddr + offset, nullptr, len);
  }
  // Copies n bytes starting at offset of this buffer into dst.
  ErrorOr read_into(void* dst, usize offset, usize n) const {
    if (m_kptr) {
      __builtin_memcpy(dst, m_kptr + offset, n);
      return {};
    }
    if (!host().copy_from_user(dst, m_uaddr + offset, n)) return Errno::efault;
    return {};
  }
  // Copies n bytes from src into this buffer at offset.
  ErrorOr write_from(usize offset, const void* src, usize n) const {
    if (m_kptr) {
      __builtin_memcpy(m_kptr + offset, src, n);
      return {};
    }
    if (!host().copy_to_user(m_uaddr + offset, src, n)) return Errno::efault;
    return {};
  }
  ErrorOr fill_zero(usize offset, usize n) const {
    if (m_kptr) {
      __builtin_memset(m_kptr + offset, 0, n);
      return {};
    }
    if (!host().fill_user(m_uaddr + offset, 0, n)) return Errno::efault;
    return {};
  }
  bool is_user() const { return m_kptr == nullptr; }
  UserAddr user_addr() const { return m_uaddr; }

private:
  IoBuffer(UserAddr a, u8* k, usize len) : m_uaddr(a), m_kptr(k), m_len(len) {}
  UserAddr m_uaddr;
  u8* m_kptr;
  usize m_len;
};

// Typed copies of one object from or to user memory.
template <typename T>
Result<T> copy_in(UserAddr addr) {
  T value;
  if (!host().copy_from_user(&value, addr, sizeof(T))) return Errno::efault;
  return value;
}
template <typename T>
ErrorOr copy_out(UserAddr addr, const T& value) {
  if (!host().copy_to_user(addr, &value, sizeof(T))) return Errno::efault;
  return {};
}

// Copies a NUL-terminated user string of at most max bytes (ENAMETOOLONG past it).
Result<String> copy_string_in(UserAddr addr, usize max);

} // namespace wasmux
