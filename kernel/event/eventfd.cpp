// eventfd2 (eventfd(2), Linux fs/eventfd.c): a 64-bit counter as a file. A write adds to
// it, blocking while the sum would pass 0xfffffffffffffffe; a read takes it all (or 1 with
// EFD_SEMAPHORE), blocking while it is 0. Readable while non-zero, writable while at least
// 1 can be added.
#include "../fd/anon_file.h"
#include "../fd/file_description.h"
#include "../syscalls/syscall.h"
#include "../wait/wait_queue.h"

namespace wasmux {

namespace {

constexpr u64 counter_max = ~0ull - 1;

class EventFd final : public AnonFile {
public:
  EventFd(u64 count, bool semaphore) : AnonFile("[eventfd]"), m_count(count), m_semaphore(semaphore) {}

  Result<usize> read(FileDescription&, const IoBuffer& buf, i64) override {
    if (buf.size() < sizeof(u64)) return Errno::einval;
    if (m_count == 0) return Errno::would_block;
    u64 value = m_semaphore ? 1 : m_count;
    TRY(buf.write_from(0, &value, sizeof value));
    m_count -= value;
    m_writers.notify(abi::pollout | abi::pollwrnorm);
    return sizeof(u64);
  }

  Result<usize> write(FileDescription& d, const IoBuffer& buf, i64) override {
    if (buf.size() < sizeof(u64)) return Errno::einval;
    u64 value = 0;
    TRY(buf.read_into(&value, 0, sizeof value));
    if (value == ~0ull) return Errno::einval;
    // eventfd_write waits for room for this value, which may be more than the 1 that
    // makes the file poll writable: it sleeps here rather than on POLLOUT (which would
    // answer at once, again and again).
    while (counter_max - m_count < value) {
      if (d.is_nonblocking()) return Errno::would_block;
      ThreadWaiter w(current());
      m_writers.add(w);
      TRY(current().block(-1));
    }
    m_count += value;
    if (value) m_readers.notify(abi::pollin | abi::pollrdnorm);
    return sizeof(u64);
  }

  bool can_poll() const override { return true; }
  u32 poll(u32 mask, PollTable* table) override {
    if (table) {
      table->watch(m_readers);
      table->watch(m_writers);
    }
    u32 r = 0;
    if (m_count > 0) r |= abi::pollin | abi::pollrdnorm;
    if (m_count < counter_max) r |= abi::pollout | abi::pollwrnorm;
    return r & (mask | abi::pollhup | abi::pollerr);
  }

  void describe(Formatter& f) const override {
    AnonFile::describe(f);
    f.append(" count ").append_int(static_cast<i64>(m_count));
  }

private:
  u64 m_count;
  bool m_semaphore;
  WaitQueue m_readers; // for a non-zero count
  WaitQueue m_writers; // for room to add
};

} // namespace

SyscallResult sys_eventfd2(const SyscallArgs& a) {
  u32 flags = a.u32_(1);
  if (flags & ~static_cast<u32>(abi::efd_semaphore | abi::efd_cloexec | abi::efd_nonblock)) return Errno::einval;
  return TRY(install_anon_file(make_ref<EventFd>(a.u32_(0), flags & abi::efd_semaphore), flags));
}

} // namespace wasmux
