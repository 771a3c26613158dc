#pragma once
// A process's file descriptor table: descriptions plus per-descriptor flags (FD_CLOEXEC).
#include "../base/vector.h"
#include "file_description.h"

namespace wasmux {

class FdTable {
public:
  struct Entry {
    RefPtr<FileDescription> description;
    bool cloexec{false};
  };

  // Lowest free descriptor ≥ min_fd below limit (POSIX: lowest available), else EMFILE.
  Result<i32> allocate(RefPtr<FileDescription> d, bool cloexec, i32 min_fd, u64 limit);
  // Installs at exactly fd, closing what was there (dup2/dup3 semantics).
  ErrorOr install_at(i32 fd, RefPtr<FileDescription> d, bool cloexec, u64 limit);
  Result<RefPtr<FileDescription>> get(i32 fd) const;
  Entry* entry(i32 fd);
  ErrorOr close(i32 fd);
  void close_all();
  void close_on_exec();
  usize open_count() const;
  // One past the highest slot ever used (descriptors are below it).
  i32 slot_count() const { return static_cast<i32>(m_entries.size()); }
  FdTable clone() const;

private:
  // A descriptor goes: this table's POSIX locks on its file go with it (vfs/locks.h).
  void release(Entry& e);
  Vector<Entry> m_entries;
};

} // namespace wasmux
