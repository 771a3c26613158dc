#pragma once
// Result<T>: a value or an Errno. TRY(expr) returns the error to the caller.
#include <new>
#include <type_traits>
#include <utility>

#include "errno.h"

namespace wasmux {

struct Empty {};

template <typename T>
class [[nodiscard]] Result {
public:
  Result(Errno e) : m_error(e), m_ok(false) {}
  Result(T value) : m_ok(true) { new (&m_storage) T(std::move(value)); }
  template <typename U>
    requires(std::is_convertible_v<U, T> && !std::is_same_v<std::decay_t<U>, Errno>)
  Result(U&& value) : m_ok(true) { new (&m_storage) T(std::forward<U>(value)); }
  Result(Result&& other) : m_error(other.m_error), m_ok(other.m_ok) {
    if (m_ok) new (&m_storage) T(std::move(other.value_ref()));
  }
  // A result of a plain value (a system call's i64) is copied like one.
  Result(const Result& other)
    requires std::is_trivially_copyable_v<T>
      : m_error(other.m_error), m_ok(other.m_ok) {
    if (m_ok) new (&m_storage) T(other.value_ref_const());
  }
  Result& operator=(const Result& other)
    requires std::is_trivially_copyable_v<T>
  {
    m_error = other.m_error;
    m_ok = other.m_ok;
    if (m_ok) new (&m_storage) T(other.value_ref_const());
    return *this;
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() {
    if (m_ok) value_ref().~T();
  }

  bool is_error() const { return !m_ok; }
  Errno error() const { return m_error; }
  T& value() { return value_ref(); }
  const T& value() const { return value_ref_const(); }
  T release_value() { return std::move(value_ref()); }

private:
  T& value_ref() { return *std::launder(reinterpret_cast<T*>(&m_storage)); }
  const T& value_ref_const() const { return *std::launder(reinterpret_cast<const T*>(&m_storage)); }
  alignas(T) unsigned char m_storage[sizeof(T)];
  Errno m_error{};
  bool m_ok;
};

template <>
class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Errno e) : m_error(e), m_ok(false) {}
  Result(Empty) {}
  bool is_error() const { return !m_ok; }
  Errno error() const { return m_error; }
  Empty release_value() { return {}; }

private:
  Errno m_error{};
  bool m_ok{true};
};

using ErrorOr = Result<void>;

// A system call's result as a program sees it: the value, or -errno (the one conversion,
// base/errno.h abi_error).
inline i64 abi_value(const Result<i64>& r) { return r.is_error() ? abi_error(r.error()) : r.value(); }

} // namespace wasmux

// GNU statement expression: evaluates to the value, or returns the error. Both clang and
// gcc accept it; it is the idiom SerenityOS' TRY uses.
#define TRY(expr)                                  \
  ({                                               \
    auto _try_result = (expr);                     \
    if (_try_result.is_error()) return _try_result.error(); \
    _try_result.release_value();                   \
  })
