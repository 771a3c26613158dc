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
  // A kernel buffer's bytes (null for a user buffer).
  const u8* kernel_ptr() const { return m_kptr; }
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

// A typed pointer into the calling process's memory (T in the guest's layout: abi::
// structs or plain integers). Every access goes through the HostPort, which bounds-checks
// it: EFAULT for what lies outside the process's memory or in its NULL page.
template <typename T>
class UserPtr {
public:
  UserPtr() = default;
  explicit UserPtr(UserAddr addr) : m_addr(addr) {}
  UserAddr addr() const { return m_addr; }
  bool is_null() const { return m_addr == 0; }
  // The i-th T after this one (an array in user memory).
  UserPtr operator+(usize i) const { return UserPtr(m_addr + static_cast<UserAddr>(i * sizeof(T))); }

  Result<T> read() const {
    T value;
    TRY(read_array(&value, 1));
    return value;
  }
  ErrorOr write(const T& value) const { return write_array(&value, 1); }
  ErrorOr read_array(T* out, usize count) const {
    if (count && !host().copy_from_user(out, m_addr, count * sizeof(T))) return Errno::efault;
    return {};
  }
  ErrorOr write_array(const T* in, usize count) const {
    if (count && !host().copy_to_user(m_addr, in, count * sizeof(T))) return Errno::efault;
    return {};
  }

private:
  UserAddr m_addr{0};
};

// Typed copies of one object from or to user memory.
template <typename T>
Result<T> copy_in(UserAddr addr) {
  return UserPtr<T>(addr).read();
}
template <typename T>
ErrorOr copy_out(UserAddr addr, const T& value) {
  return UserPtr<T>(addr).write(value);
}

// Copies a NUL-terminated user string of at most max bytes (ENAMETOOLONG past it).
Result<String> copy_string_in(UserAddr addr, usize max);

} // namespace wasmux
