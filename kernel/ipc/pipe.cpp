#include "pipe.h"

#include "../base/format.h"
#include "../proc/thread.h"
#include "../signal/signal.h"

#include "../fd/file_description.h"
#include "../fs/tmpfs/tmpfs.h"
#include "../vfs/inode_file.h"

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
  // fs/pipe.c pipe_write: readers hear of every write once anyone has polled the pipe
  // (poll_usage), because EPOLLET users count on a notification per write.
  if (was_empty || m_poll_usage) m_readers_queue.notify(abi::pollin | abi::pollrdnorm);
  return n;
}

Result<usize> Pipe::copy_to(Pipe& out, usize n) {
  if (available() == 0) return m_writers == 0 ? Result<usize>(0) : Result<usize>(Errno::would_block);
  if (out.m_readers == 0) return Errno::epipe;
  n = min(n, min(available(), out.space()));
  if (n == 0) return Errno::would_block;
  u8 chunk[512];
  for (usize done = 0; done < n;) {
    usize k = min(n - done, sizeof chunk);
    for (usize i = 0; i < k; ++i)
      chunk[i] = m_ring[(m_tail + done + i) % m_capacity];
    TRY(out.write(IoBuffer::kernel(chunk, k)));
    done += k;
  }
  return n;
}

u32 Pipe::poll(u32 mask, bool reader, PollTable* table) {
  m_poll_usage = true;
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

void Pipe::add_reader() {
  ++m_readers;
  ++m_reader_opens;
  m_open_queue.wake_all();
}

void Pipe::add_writer() {
  ++m_writers;
  ++m_writer_opens;
  m_open_queue.wake_all();
}

void Pipe::remove_reader() {
  if (--m_readers == 0) m_writers_queue.notify(abi::pollerr);
}

void Pipe::remove_writer() {
  if (--m_writers == 0) m_readers_queue.notify(abi::pollhup);
}

PipeEnd::PipeEnd(RefPtr<Pipe> pipe, Side side, RefPtr<Inode> fifo)
    : m_pipe(std::move(pipe)), m_side(side), m_fifo(std::move(fifo)) {}

void PipeEnd::on_open(FileDescription&) {
  if (reads()) m_pipe->add_reader();
  if (writes()) m_pipe->add_writer();
  m_writer_opens_seen = m_pipe->writer_opens();
}

void PipeEnd::on_last_close(FileDescription&) {
  if (reads()) m_pipe->remove_reader();
  if (writes()) m_pipe->remove_writer();
}

// fs/pipe.c fifo_open: a reader waits for a writer and a writer for a reader, unless
// O_NONBLOCK (a non-blocking writer without a reader was refused with ENXIO before).
// Each waits for the other side's open count to move, not for it to be open now.
ErrorOr PipeEnd::wait_for_partner(FileDescription& d) {
  if (!m_fifo || m_side == Side::both || d.is_nonblocking()) return {};
  bool reader = m_side == Side::read;
  u32 seen = reader ? m_pipe->writer_opens() : m_pipe->reader_opens();
  for (;;) {
    if ((reader ? m_pipe->writers() : m_pipe->readers()) > 0) return {};
    if ((reader ? m_pipe->writer_opens() : m_pipe->reader_opens()) != seen) return {};
    ThreadWaiter w(*current_thread());
    m_pipe->open_queue().add(w);
    // Interrupted: the open fails and the description goes (Linux: -ERESTARTSYS).
    TRY(current_thread()->block(-1));
  }
}

u32 PipeEnd::poll(u32 mask, PollTable* table) {
  u32 r = 0;
  if (reads()) {
    r |= m_pipe->poll(mask, true, table);
    // fs/pipe.c pipe_poll: no POLLHUP for a reader until a writer has come since it
    // opened (f_version): a FIFO reader opened O_NONBLOCK waits for its first writer.
    if (m_pipe->writer_opens() == m_writer_opens_seen) r &= ~static_cast<u32>(abi::pollhup);
  }
  if (writes()) r |= m_pipe->poll(mask, false, table);
  return r;
}

Result<usize> PipeEnd::read(FileDescription&, const IoBuffer& buf, i64) {
  if (!reads()) return Errno::ebadf;
  return m_pipe->read(buf);
}

Result<usize> PipeEnd::write(FileDescription&, const IoBuffer& buf, i64) {
  if (!writes()) return Errno::ebadf;
  return m_pipe->write(buf);
}

ErrorOr PipeEnd::stat(abi::Stat& out) {
  if (m_fifo) {
    fill_stat(*m_fifo, out);
    return {};
  }
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

Result<RefPtr<File>> open_fifo(RefPtr<Pipe>& pipe, Inode& inode, u32 flags) {
  if (!pipe || (pipe->readers() == 0 && pipe->writers() == 0)) pipe = make_ref<Pipe>();
  u32 acc = flags & abi::o_accmode;
  PipeEnd::Side side = acc == abi::o_rdonly ? PipeEnd::Side::read
                       : acc == abi::o_wronly ? PipeEnd::Side::write
                                              : PipeEnd::Side::both;
  if (side == PipeEnd::Side::write && (flags & abi::o_nonblock) && pipe->readers() == 0) return Errno::enxio;
  return RefPtr<File>(make_ref<PipeEnd>(pipe, side, RefPtr<Inode>(&inode)));
}

void PipeEnd::describe(Formatter& f) const {
  f.append("pipe:[").append_int(static_cast<i64>(inode_number())).append("] ");
  f.append(m_side == Side::read ? "read" : m_side == Side::write ? "write" : "read-write").append(" end, readers ").append_int(m_pipe->readers());
  f.append(" writers ")
      .append_int(m_pipe->writers())
      .append(" bytes ")
      .append_int(static_cast<i64>(m_pipe->available()));
}

} // namespace wasmux
