#pragma once
// Pipes (Linux fs/pipe.c semantics): a ring in kernel memory; writes of at most PIPE_BUF
// bytes are atomic; read returns 0 once the last writer is gone; write with no reader is
// EPIPE. Readers and writers are counted by open file descriptions, so dup and fork share.
#include "../fd/file.h"
#include "../wait/wait_queue.h"

namespace wasmux {

class Pipe : public RefCounted<Pipe> {
public:
  explicit Pipe(usize capacity = default_capacity);
  ~Pipe();

  Result<usize> read(const IoBuffer& buf);
  Result<usize> write(const IoBuffer& buf);
  usize available() const { return m_head - m_tail; }
  usize space() const { return m_capacity - available(); }
  // poll(2) on one end: the events that hold, and the table watching that end's queue.
  u32 poll(u32 mask, bool reader, PollTable* table);
  void add_reader() { ++m_readers; }
  void add_writer() { ++m_writers; }
  void remove_reader();
  void remove_writer();
  u32 readers() const { return m_readers; }
  u32 writers() const { return m_writers; }
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
  // fs/pipe.c keeps one queue and tells its entries apart by key; two queues say the same:
  // readers wait for data or the last writer going, writers for room or the last reader.
  WaitQueue m_readers_queue;
  WaitQueue m_writers_queue;
  u64 m_ino;
};

class PipeEnd final : public File {
public:
  enum class Side { read, write };
  PipeEnd(RefPtr<Pipe> pipe, Side side);

  Result<usize> read(FileDescription&, const IoBuffer&, i64) override;
  Result<usize> write(FileDescription&, const IoBuffer&, i64) override;
  ErrorOr stat(abi::Stat& out) override;
  Result<i64> ioctl(FileDescription&, u32 request, UserAddr arg) override;
  u32 poll(u32 mask, PollTable* table) override { return m_pipe->poll(mask, m_side == Side::read, table); }
  bool is_pipe() const override { return true; }
  void on_open(FileDescription&) override;
  void on_last_close(FileDescription&) override;
  void describe(Formatter& f) const override;
  ErrorOr statfs(abi::Statfs& out) override {
    fill_pseudo_statfs(out, static_cast<u32>(abi::pipefs_magic));
    return {};
  }
  u64 inode_number() const { return m_pipe->inode_number(); }

private:
  RefPtr<Pipe> m_pipe;
  Side m_side;
};

} // namespace wasmux
