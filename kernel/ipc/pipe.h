#pragma once
// Pipes and FIFOs (Linux fs/pipe.c semantics): a ring in kernel memory; writes of at most
// PIPE_BUF bytes are atomic; read returns 0 once the last writer is gone; write with no
// reader is EPIPE. Readers and writers are counted by open file descriptions, so dup and
// fork share. A FIFO (fifo(7)) is a pipe reached through a file system inode, whose open
// waits for the other side (fs/pipe.c fifo_open).
#include "../fd/file.h"
#include "../vfs/inode.h"
#include "../wait/wait_queue.h"

namespace wasmux {

class Pipe : public RefCounted<Pipe> {
public:
  explicit Pipe(usize capacity = default_capacity);
  ~Pipe();

  Result<usize> read(const IoBuffer& buf);
  Result<usize> write(const IoBuffer& buf);
  // tee(2): copies up to n of the bytes waiting here into out without taking them.
  Result<usize> copy_to(Pipe& out, usize n);
  usize available() const { return m_head - m_tail; }
  usize space() const { return m_capacity - available(); }
  // poll(2) on one end: the events that hold, and the table watching that end's queue.
  u32 poll(u32 mask, bool reader, PollTable* table);
  void add_reader();
  void add_writer();
  void remove_reader();
  void remove_writer();
  u32 readers() const { return m_readers; }
  u32 writers() const { return m_writers; }
  // Opens so far of each side (fs/pipe.c r_counter, w_counter): a FIFO's open waits for the
  // other side's count to move, so a partner that came and went still releases it.
  u32 reader_opens() const { return m_reader_opens; }
  u32 writer_opens() const { return m_writer_opens; }
  WaitQueue& open_queue() { return m_open_queue; }
  // Both ends are one inode (fstat's st_ino, /proc/PID/fd's "pipe:[N]"), as on Linux.
  u64 inode_number() const { return m_ino; }

  static constexpr usize default_capacity = 65536; // Linux: 16 pages

private:
  u8* m_ring;
  usize m_capacity;
  usize m_head{0}; // free-running counters, as fs/pipe.c
  usize m_tail{0};
  u32 m_readers{0};
  u32 m_writers{0};
  bool m_poll_usage{false}; // polled once: every write notifies readers
  u32 m_reader_opens{0};
  u32 m_writer_opens{0};
  WaitQueue m_open_queue; // FIFO opens waiting for the other side
  // fs/pipe.c keeps one queue and tells its entries apart by key; two queues say the same:
  // readers wait for data or the last writer going, writers for room or the last reader.
  WaitQueue m_readers_queue;
  WaitQueue m_writers_queue;
  u64 m_ino;
};

class PipeEnd final : public File {
public:
  // A FIFO opened O_RDWR is both (fifo(7): "opening a FIFO for reading and writing
  // succeeds both in blocking and nonblocking mode").
  enum class Side { read, write, both };
  // `fifo`: the inode the FIFO was opened through (fstat describes it); null for pipe(2).
  PipeEnd(RefPtr<Pipe> pipe, Side side, RefPtr<Inode> fifo = nullptr);

  Result<usize> read(FileDescription&, const IoBuffer&, i64) override;
  Result<usize> write(FileDescription&, const IoBuffer&, i64) override;
  ErrorOr stat(abi::Stat& out) override;
  Result<i64> ioctl(FileDescription&, u32 request, UserAddr arg) override;
  u32 poll(u32 mask, PollTable* table) override;
  bool is_pipe() const override { return true; }
  bool can_poll() const override { return true; }
  bool supports_async() const override { return true; }
  ErrorOr wait_for_partner(FileDescription&) override;
  Inode* inode() override { return m_fifo.ptr(); }
  void on_open(FileDescription&) override;
  void on_last_close(FileDescription&) override;
  void describe(Formatter& f) const override;
  ErrorOr statfs(abi::Statfs& out) override {
    fill_pseudo_statfs(out, static_cast<u32>(abi::pipefs_magic));
    return {};
  }
  u64 inode_number() const { return m_pipe->inode_number(); }
  Pipe& pipe() { return *m_pipe; }
  static inline const char kind_tag = 0;
  const void* kind() const override { return &kind_tag; }

private:
  bool reads() const { return m_side != Side::write; }
  bool writes() const { return m_side != Side::read; }
  RefPtr<Pipe> m_pipe;
  Side m_side;
  RefPtr<Inode> m_fifo;
  u32 m_writer_opens_seen{0}; // the pipe's writer opens when this end was opened
};

// open(2) of a FIFO inode whose pipe is kept in `pipe` (made here when none is in use: the
// data of a FIFO nobody has open is gone, as Linux frees it). O_NONBLOCK|O_WRONLY without
// a reader is ENXIO; the wait for the other side comes after (PipeEnd::wait_for_partner).
Result<RefPtr<File>> open_fifo(RefPtr<Pipe>& pipe, Inode& inode, u32 flags);

} // namespace wasmux
