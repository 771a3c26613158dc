#include "big_lock.h"

#include "../base/arch.h"

namespace wasmux {

void BigLock::lock() {
  i32 c = 0;
  if (m_state.compare_exchange_strong(c, 1, std::memory_order_acquire)) return;
  if (c != 2) c = m_state.exchange(2, std::memory_order_acquire);
  while (c != 0) {
    arch::wait32(&m_state, 2, -1);
    c = m_state.exchange(2, std::memory_order_acquire);
  }
}

void BigLock::unlock() {
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
