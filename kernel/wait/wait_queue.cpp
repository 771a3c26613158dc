#include "wait_queue.h"

#include "../proc/thread.h"

namespace wasmux {

void WaitQueue::wake_all() {
  m_waiters.for_each([](Waiter& w) { w.thread().wake(); });
}

} // namespace wasmux
