#pragma once
// An open file description (POSIX): the file, the offset and the status flags. fork and
// dup share one description, hence one offset (open(2) "open file description").
#include "../base/list.h"
#include "../base/refptr.h"
#include "async_io.h"
#include "file.h"

namespace wasmux {

class Custody;

// Something that must hear when an open file description goes: an epoll registration,
// which lives as long as the description it watches, whatever descriptors name it
// (Linux eventpoll_release at the last fput).
class DescriptionWatch {
public:
  virtual ~DescriptionWatch() { m_description_node.unlink(); }
  // The description is going; the watch removes itself (it may delete itself).
  virtual void description_released() = 0;
  ListNode m_description_node;
};

class FileDescription : public RefCounted<FileDescription> {
public:
  FileDescription(RefPtr<File> file, u32 flags, RefPtr<Custody> custody = nullptr);
  ~FileDescription();

  File& file() { return *m_file; }
  Custody* custody() { return m_custody.ptr(); }
  i64 offset() const { return m_offset; }
  void set_offset(i64 o) { m_offset = o; }
  u32 status_flags() const { return m_flags; }
  // F_SETFL may change only O_APPEND, O_NONBLOCK, O_ASYNC, O_DIRECT, O_NOATIME (fcntl(2)).
  void set_status_flags(u32 flags);
  bool is_readable() const;
  bool is_writable() const;
  bool is_nonblocking() const { return m_flags & abi::o_nonblock; }
  bool is_append() const { return m_flags & abi::o_append; }
  bool is_path_only() const { return m_flags & abi::o_path; }
  // Signal-driven I/O: the owner, the signal, the O_ASYNC registration (async_io.h).
  AsyncIo& async_io() { return m_async; }
  void add_watch(DescriptionWatch& w) {
    w.m_description_node.unlink();
    m_watches.push_back(w);
  }

private:
  IntrusiveList<DescriptionWatch, &DescriptionWatch::m_description_node> m_watches;
  RefPtr<File> m_file;
  RefPtr<Custody> m_custody;
  i64 m_offset{0};
  u32 m_flags;
  AsyncIo m_async;
};

} // namespace wasmux
