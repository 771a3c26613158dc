#include "pipe.h"

#include "../base/format.h"
#include "../proc/thread.h"
#include "../signal/signal.h"

#include "../fs/tmpfs/tmpfs.h"

namespace wasmux {

Pipe::Pipe(usize capacity) : m_ring(new u8[capacity]), m_capacity(capacity), m_ino(allocate_inode_number()) {}

Pipe::~Pipe() { delete[] m_ring; }

Result<usize> Pipe::read(const IoBuffer& buf) {
  if (buf.size() == 0) return 0;
  if (available() == 0) {
    if (m_writers == 0) return 0; // EOF
    return Errno::would_block;
  }
  bool was_full = space() == 0;
  usize n = min(buf.size(), available());
  usize off = m_tail % m_capacity;
  usize first = min(n, m_capacity - off);
  TRY(buf.write_from(0, m_ring + off, first));
  if (n > first) TRY(buf.write_from(first, m_ring, n - first));
  m_tail += n;
  // Writers wait for PIPE_BUF bytes of room (pipe_poll's "writable"): the edge is crossing it.
  if (was_full || (space() >= abi::pipe_buf && space() - n < abi::pipe_buf))
    m_writers_queue.notify(abi::pollout | abi::pollwrnorm);
  return n;
}

Result<usize> Pipe::write(const IoBuffer& buf) {
  usize len = buf.size();
  if (len == 0) return 0; // fs/pipe.c pipe_write: "Null write succeeds", readers or not
  if (m_readers == 0) {
    // fs/pipe.c pipe_write: the writer also gets SIGPIPE (send_sig: SI_USER from itself).
    if (Thread* t = current_thread()) send_signal_to_thread(*t, make_siginfo(abi::sigpipe, abi::si_user));
    return Errno::epipe;
  }
  usize room = space();
  // pipe(7): writes of at most PIPE_BUF bytes are atomic: all or nothing.
  if (room == 0 || (len <= abi::pipe_buf && room < len)) return Errno::would_block;
  bool was_empty = available() == 0;
  usize n = min(len, room);
  usize off = m_head % m_capacity;
  usize first = min(n, m_capacity - off);
  TRY(buf.read_into(m_ring + off, 0, first));
  if (n > first) TRY(buf.read_into(m_ring, first, n - first));
  m_head += n;
  if (was_empty) m_readers_queue.notify(abi::pollin | abi::pollrdnorm);
  return n;
}

u32 Pipe::poll(u32 mask, bool reader, PollTable* table) {
  if (table) table->watch(reader ? m_readers_queue : m_writers_queue);
  u32 r = 0;
  if (reader) {
    if (available()) r |= abi::pollin | abi::pollrdnorm;
    if (m_writers == 0) r |= abi::pollhup;
  } else {
    // Linux pipe_poll: writable when at least PIPE_BUF bytes are free.
    if (space() >= abi::pipe_buf) r |= abi::pollout | abi::pollwrnorm;
    if (m_readers == 0) r |= abi::pollerr;
  }
  return r & (mask | abi::pollhup | abi::pollerr);
}

void Pipe::remove_reader() {
  if (--m_readers == 0) m_writers_queue.notify(abi::pollerr);
}

void Pipe::remove_writer() {
  if (--m_writers == 0) m_readers_queue.notify(abi::pollhup);
}

PipeEnd::PipeEnd(RefPtr<Pipe> pipe, Side side) : m_pipe(std::move(pipe)), m_side(side) {}

void PipeEnd::on_open(FileDescription&) {
  if (m_side == Side::read)
    m_pipe->add_reader();
  else
    m_pipe->add_writer();
}

void PipeEnd::on_last_close(FileDescription&) {
  if (m_side == Side::read)
    m_pipe->remove_reader();
  else
    m_pipe->remove_writer();
}

Result<usize> PipeEnd::read(FileDescription&, const IoBuffer& buf, i64) {
  if (m_side != Side::read) return Errno::ebadf;
  return m_pipe->read(buf);
}

Result<usize> PipeEnd::write(FileDescription&, const IoBuffer& buf, i64) {
  if (m_side != Side::write) return Errno::ebadf;
  return m_pipe->write(buf);
}

ErrorOr PipeEnd::stat(abi::Stat& out) {
  out = {};
  out.st_mode = static_cast<u32>(abi::s_ififo | 0600);
  out.st_nlink = 1;
  out.st_ino = inode_number();
  out.st_blksize = 4096;
  return {};
}

Result<i64> PipeEnd::ioctl(FileDescription&, u32 request, UserAddr arg) {
  if (request == abi::fionread) {
    TRY(copy_out<i32>(arg, static_cast<i32>(m_pipe->available())));
    return 0;
  }
  return Errno::enotty;
}

void PipeEnd::describe(Formatter& f) const {
  f.append("pipe:[").append_int(static_cast<i64>(inode_number())).append("] ");
  f.append(m_side == Side::read ? "read" : "write").append(" end, readers ").append_int(m_pipe->readers());
  f.append(" writers ")
      .append_int(m_pipe->writers())
      .append(" bytes ")
      .append_int(static_cast<i64>(m_pipe->available()));
}

} // namespace wasmux
