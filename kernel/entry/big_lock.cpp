#include "big_lock.h"

#include "../base/arch.h"

namespace wasmux {

namespace {
// Something unique to each kernel instance (its TLS block is its own), and to each thread
// natively.
thread_local char t_instance_marker;
} // namespace

void BigLock::lock() {
  i32 c = 0;
  if (!m_state.compare_exchange_strong(c, 1, std::memory_order_acquire)) {
    if (c != 2) c = m_state.exchange(2, std::memory_order_acquire);
    while (c != 0) {
      arch::wait32_sliced(&m_state, 2, -1);
      c = m_state.exchange(2, std::memory_order_acquire);
    }
  }
  m_owner.store(&t_instance_marker, std::memory_order_relaxed);
  arch::catch_up_with_memory_growth();
}

bool BigLock::try_lock() {
  i32 c = 0;
  if (!m_state.compare_exchange_strong(c, 1, std::memory_order_acquire)) return false;
  m_owner.store(&t_instance_marker, std::memory_order_relaxed);
  arch::catch_up_with_memory_growth();
  return true;
}

bool BigLock::held_by_caller() const {
  return is_held() && m_owner.load(std::memory_order_relaxed) == &t_instance_marker;
}

void BigLock::unlock() {
  m_owner.store(nullptr, std::memory_order_relaxed);
  if (m_state.fetch_sub(1, std::memory_order_release) != 1) {
    m_state.store(0, std::memory_order_release);
    arch::notify(&m_state, 1);
  }
}

BigLock& big_lock() {
  static BigLock lock;
  return lock;
}

} // namespace wasmux
