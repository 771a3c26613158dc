#pragma once
// A File is what an open file description refers to: a regular file, a directory, a pipe
// end, a device. A new kind of file is a new subclass, never a new case in a syscall.
#include <wasmux/abi.h>

#include "../base/refptr.h"
#include "../base/result.h"
#include "../base/user_buffer.h"

namespace wasmux {

class FileDescription;
class Inode;
class PollTable;

// A statfs answer for a file system without blocks or inode counts (procfs, pipefs ...).
void fill_pseudo_statfs(abi::Statfs& out, u32 magic);

class File : public RefCounted<File> {
public:
  virtual ~File() = default;

  // Transfers at offset (ignored by non-seekable files). Errno::would_block means "not now":
  // the syscall layer waits for readiness unless O_NONBLOCK (then EAGAIN).
  virtual Result<usize> read(FileDescription&, const IoBuffer&, i64 offset);
  virtual Result<usize> write(FileDescription&, const IoBuffer&, i64 offset);
  virtual bool is_seekable() const { return false; }
  // Current size for SEEK_END; only seekable files answer.
  virtual Result<i64> size() { return Errno::espipe; }
  virtual ErrorOr stat(abi::Stat& out);
  // fstatfs(2): the file system of the inode, or for a file without one (a pipe, the
  // console) the kernel-internal one Linux names (pipefs, devpts, anon_inodefs).
  virtual ErrorOr statfs(abi::Statfs& out);
  virtual Result<i64> ioctl(FileDescription&, u32 request, UserAddr arg);
  // poll(2)'s question (Linux file_operations::poll, wait/wait_queue.h): which of the
  // events in mask hold now (POLLHUP and POLLERR whether asked or not); with a table, the
  // file also has it watch every queue whose notification could change the answer. A file
  // that never blocks (a regular file, a directory) watches nothing: always ready.
  virtual u32 poll(u32 mask, PollTable* table);
  // Whether the file has queues to wait on (Linux file_can_poll: a poll method): epoll
  // refuses the others with EPERM, and poll and select find them always ready.
  virtual bool can_poll() const { return false; }
  // Whether O_ASYNC makes it send SIGIO (Linux: a fasync method; pipes, sockets, inotify,
  // terminals): async_io.h.
  virtual bool supports_async() const { return false; }
  // A pipe or FIFO end (F_GETPIPE_SZ, F_SETPIPE_SZ).
  virtual bool is_pipe() const { return false; }
  // A socket (net/socket.h): readv and writev are one message.
  virtual bool is_socket() const { return false; }
  // A file of anon_inodefs (fd/anon_file.h): its name in /proc ("[eventfd]"), else null.
  virtual const char* anon_name() const { return nullptr; }
  // Which class a file is, for the calls that take one kind only (timerfd_settime,
  // epoll_ctl's epoll): such a class answers the address of its static `kind_tag`.
  virtual const void* kind() const { return nullptr; }
  virtual Result<usize> getdents(FileDescription&, const IoBuffer&) { return Errno::enotdir; }
  virtual ErrorOr truncate(i64) { return Errno::einval; }
  // fsync(2): EINVAL for files that cannot be synchronized (pipes, most devices).
  virtual ErrorOr sync() { return Errno::einval; }
  // lseek(2) on this file; the default serves seekable files, others answer ESPIPE.
  virtual Result<i64> seek(FileDescription&, i64 offset, i32 whence);
  virtual Inode* inode() { return nullptr; }
  virtual bool is_directory() const { return false; }
  virtual bool is_tty() const { return false; }
  // An open file description of this file was created / went away. A file may have several
  // (reopened through /proc/PID/fd/N); pipes count them for EOF and EPIPE edges.
  virtual void on_open(FileDescription&) {}
  // After a new open file description of this file is made by open(2): a FIFO's waits for
  // its other side (pipe.h). An error ends the open (the description goes).
  virtual ErrorOr wait_for_partner(FileDescription&) { return {}; }
  virtual void on_last_close(FileDescription&) {}
  // A few words about this file for the kernel's state dump (entry/state_dump.cpp).
  virtual void describe(class Formatter&) const {}
};

// The file as a T when it is one (T::kind_tag, File::kind), else null.
template <typename T>
T* file_as(File& f) {
  return f.kind() == &T::kind_tag ? static_cast<T*>(&f) : nullptr;
}

} // namespace wasmux
