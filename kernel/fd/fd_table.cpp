#include "fd_table.h"

#include "../vfs/locks.h"

namespace wasmux {

Result<i32> FdTable::allocate(RefPtr<FileDescription> d, bool cloexec, i32 min_fd, u64 limit) {
  if (min_fd < 0 || static_cast<u64>(min_fd) >= limit) return min_fd < 0 ? Errno::einval : Errno::emfile;
  for (usize fd = static_cast<usize>(min_fd); fd < limit; ++fd) {
    if (fd >= m_entries.size()) m_entries.resize(fd + 1);
    if (!m_entries[fd].description) {
      m_entries[fd] = {std::move(d), cloexec};
      return static_cast<i32>(fd);
    }
  }
  return Errno::emfile;
}

ErrorOr FdTable::install_at(i32 fd, RefPtr<FileDescription> d, bool cloexec, u64 limit) {
  if (fd < 0 || static_cast<u64>(fd) >= limit) return Errno::ebadf;
  if (static_cast<usize>(fd) >= m_entries.size()) m_entries.resize(static_cast<usize>(fd) + 1);
  // Swap first, release after: the old description's last close may run arbitrary code.
  Entry old = std::move(m_entries[static_cast<usize>(fd)]);
  m_entries[static_cast<usize>(fd)] = {std::move(d), cloexec};
  release(old);
  return {};
}

FdTable::Entry* FdTable::entry(i32 fd) {
  if (fd < 0 || static_cast<usize>(fd) >= m_entries.size()) return nullptr;
  Entry& e = m_entries[static_cast<usize>(fd)];
  return e.description ? &e : nullptr;
}

Result<RefPtr<FileDescription>> FdTable::get(i32 fd) const {
  if (fd < 0 || static_cast<usize>(fd) >= m_entries.size()) return Errno::ebadf;
  const Entry& e = m_entries[static_cast<usize>(fd)];
  if (!e.description) return Errno::ebadf;
  return e.description;
}

ErrorOr FdTable::close(i32 fd) {
  Entry* e = entry(fd);
  if (!e) return Errno::ebadf;
  Entry old = std::move(*e);
  *e = {};
  release(old);
  return {};
}

void FdTable::release(Entry& e) {
  if (e.description) release_posix_locks(this, *e.description);
}

void FdTable::close_all() {
  Vector<Entry> old = std::move(m_entries);
  m_entries = {};
  for (auto& e : old)
    release(e);
}

void FdTable::close_on_exec() {
  for (auto& e : m_entries)
    if (e.cloexec) {
      Entry old = std::move(e);
      e = {};
      release(old);
    }
}

usize FdTable::open_count() const {
  usize n = 0;
  for (auto& e : m_entries) n += e.description ? 1 : 0;
  return n;
}

FdTable FdTable::clone() const {
  FdTable copy;
  copy.m_entries = m_entries;
  return copy;
}

} // namespace wasmux
