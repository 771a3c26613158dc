#pragma once
// A small growable array and an owned string. The kernel avoids the C++ library's
// containers: on wasm they would drag in libc++'s non-header parts (TOOLCHAIN-NOTES).
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

#include "types.h"

namespace wasmux {

template <typename T> class Vector {
public:
  Vector() = default;
  Vector(const Vector& o) { *this = o; }
  Vector(Vector&& o) noexcept
      : m_data(std::exchange(o.m_data, nullptr)), m_size(std::exchange(o.m_size, 0)),
        m_capacity(std::exchange(o.m_capacity, 0)) {}
  Vector& operator=(const Vector& o) {
    if (this == &o) return *this;
    clear();
    reserve(o.m_size);
    for (usize i = 0; i < o.m_size; ++i)
      new (&m_data[i]) T(o.m_data[i]);
    m_size = o.m_size;
    return *this;
  }
  Vector& operator=(Vector&& o) noexcept {
    std::swap(m_data, o.m_data);
    std::swap(m_size, o.m_size);
    std::swap(m_capacity, o.m_capacity);
    return *this;
  }
  ~Vector() {
    clear();
    ::operator delete(m_data);
  }

  usize size() const { return m_size; }
  usize capacity() const { return m_capacity; }
  bool empty() const { return m_size == 0; }
  T* data() { return m_data; }
  const T* data() const { return m_data; }
  T& operator[](usize i) { return m_data[i]; }
  const T& operator[](usize i) const { return m_data[i]; }
  T& last() { return m_data[m_size - 1]; }
  T* begin() { return m_data; }
  T* end() { return m_data + m_size; }
  const T* begin() const { return m_data; }
  const T* end() const { return m_data + m_size; }

  void reserve(usize n) {
    if (n > m_capacity) move_to(static_cast<T*>(::operator new(n * sizeof(T))), n);
  }
  // reserve that reports a failed allocation instead of stopping the kernel: for sizes a
  // process chooses (a program image), which must fail with ENOMEM.
  [[nodiscard]] bool try_reserve(usize n) {
    if (n <= m_capacity) return true;
    if (n > ~usize{0} / sizeof(T)) return false;
    T* fresh = static_cast<T*>(::operator new(n * sizeof(T), std::nothrow));
    if (!fresh) return false;
    move_to(fresh, n);
    return true;
  }
  // Grows to n elements left uninitialised (trivial types only), for a buffer about to be
  // overwritten whole.
  void resize_for_overwrite(usize n) {
    static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>);
    reserve(n);
    m_size = n;
  }
  void append(T v) {
    if (m_size == m_capacity) reserve(m_capacity ? m_capacity * 2 : 4);
    new (&m_data[m_size++]) T(std::move(v));
  }
  void insert(usize at, T v) {
    append(std::move(v));
    for (usize i = m_size - 1; i > at; --i)
      std::swap(m_data[i], m_data[i - 1]);
  }
  void remove(usize at) {
    for (usize i = at; i + 1 < m_size; ++i)
      m_data[i] = std::move(m_data[i + 1]);
    m_data[--m_size].~T();
  }
  void resize(usize n) {
    reserve(n);
    while (m_size < n)
      new (&m_data[m_size++]) T();
    while (m_size > n)
      m_data[--m_size].~T();
  }
  void clear() {
    while (m_size)
      m_data[--m_size].~T();
  }

private:
  // The elements move to fresh storage of n elements; the old storage goes.
  void move_to(T* fresh, usize n) {
    for (usize i = 0; i < m_size; ++i) {
      new (&fresh[i]) T(std::move(m_data[i]));
      m_data[i].~T();
    }
    ::operator delete(m_data);
    m_data = fresh;
    m_capacity = n;
  }

  T* m_data{nullptr};
  usize m_size{0};
  usize m_capacity{0};
};

class String {
public:
  String() = default;
  String(std::string_view s) { assign(s); }
  String(const char* s) { assign(std::string_view(s)); }
  String(const String& o) { assign(o.view()); }
  String(String&& o) noexcept : m_chars(std::move(o.m_chars)) {}
  String& operator=(const String& o) {
    if (this != &o) assign(o.view());
    return *this;
  }
  String& operator=(String&& o) noexcept {
    m_chars = std::move(o.m_chars);
    return *this;
  }

  std::string_view view() const {
    return m_chars.empty() ? std::string_view() : std::string_view(m_chars.data(), m_chars.size() - 1);
  }
  operator std::string_view() const { return view(); }
  const char* c_str() const { return m_chars.empty() ? "" : m_chars.data(); }
  usize length() const { return view().size(); }
  bool empty() const { return length() == 0; }
  bool operator==(std::string_view o) const { return view() == o; }
  void append(std::string_view s) {
    String joined;
    joined.m_chars.reserve(length() + s.size() + 1);
    for (char c : view())
      joined.m_chars.append(c);
    for (char c : s)
      joined.m_chars.append(c);
    joined.m_chars.append('\0');
    *this = std::move(joined);
  }

private:
  void assign(std::string_view s) {
    m_chars.clear();
    m_chars.reserve(s.size() + 1);
    for (char c : s)
      m_chars.append(c);
    m_chars.append('\0');
  }
  Vector<char> m_chars;
};

} // namespace wasmux
