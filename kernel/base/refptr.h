#pragma once
// Intrusive reference counting. The kernel runs single-writer under the big lock, so counts
// are plain integers (DESIGN §1).
#include <utility>

#include "types.h"

namespace wasmux {

template <typename T>
class RefCounted {
public:
  void ref() const { ++m_refs; }
  void unref() const {
    if (--m_refs == 0) delete static_cast<const T*>(this);
  }
  u32 ref_count() const { return m_refs; }
  // Objects of this type alive now: the fuzzer checks that a program leaves none behind
  // (tests/fuzz/fuzz_checks.cpp). Under the big lock like the counts.
  static usize live() { return s_live; }

protected:
  RefCounted() { ++s_live; }
  ~RefCounted() { --s_live; }
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;

private:
  mutable u32 m_refs{1};
  static inline usize s_live = 0;
};

template <typename T>
class RefPtr {
public:
  RefPtr() = default;
  RefPtr(std::nullptr_t) {}
  RefPtr(T* p) : m_ptr(p) {
    if (m_ptr) m_ptr->ref();
  }
  RefPtr(const RefPtr& o) : RefPtr(o.m_ptr) {}
  RefPtr(RefPtr&& o) : m_ptr(std::exchange(o.m_ptr, nullptr)) {}
  template <typename U>
  RefPtr(const RefPtr<U>& o) : RefPtr(static_cast<T*>(o.ptr())) {}
  template <typename U>
  RefPtr(RefPtr<U>&& o) : m_ptr(o.leak()) {}
  ~RefPtr() { clear(); }
  RefPtr& operator=(RefPtr o) {
    std::swap(m_ptr, o.m_ptr);
    return *this;
  }

  // Takes over a freshly created object (count already 1).
  static RefPtr adopt(T* p) {
    RefPtr r;
    r.m_ptr = p;
    return r;
  }
  void clear() {
    if (m_ptr) std::exchange(m_ptr, nullptr)->unref();
  }
  T* leak() { return std::exchange(m_ptr, nullptr); }
  T* ptr() const { return m_ptr; }
  T* operator->() const { return m_ptr; }
  T& operator*() const { return *m_ptr; }
  explicit operator bool() const { return m_ptr != nullptr; }
  bool operator==(const RefPtr& o) const { return m_ptr == o.m_ptr; }
  bool operator==(const T* o) const { return m_ptr == o; }

private:
  T* m_ptr{nullptr};
};

template <typename T, typename... Args>
RefPtr<T> make_ref(Args&&... args) {
  return RefPtr<T>::adopt(new T(std::forward<Args>(args)...));
}

} // namespace wasmux
