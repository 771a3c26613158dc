#pragma once
// Character devices of /dev and the console: the host's standard streams.
#include <atomic>

#include "../../fd/file.h"
#include "../../wait/wait_queue.h"
#include "../tmpfs/tmpfs.h"

namespace wasmux {

// An inode in devfs whose open() produces a device File.
class DeviceNode final : public TmpfsInode {
public:
  using Factory = Result<RefPtr<File>> (*)();
  DeviceNode(u64 device, u32 mode, u64 rdev, Factory factory);
  Result<RefPtr<File>> open(u32) override { return m_factory(); }
  Result<usize> read_at(i64, const IoBuffer&) override { return Errno::einval; }
  Result<usize> write_at(i64, const IoBuffer&) override { return Errno::einval; }
  ErrorOr truncate(i64) override { return {}; } // O_TRUNC on a device is ignored

private:
  Factory m_factory;
};

// Bytes from the host's standard input, pushed by the host's stdin reader and read by
// whoever reads the console. Bounded: the reader blocks in the kernel when it is full.
class ConsoleInput {
public:
  static ConsoleInput& the();
  // Called by the host reader (its own kernel thread); blocks while the ring is full.
  Result<usize> push(const u8* data, usize len);
  void push_eof();
  Result<usize> read(const IoBuffer& buf);
  u32 readiness(u32 mask) const;
  WaitQueue& queue() { return m_queue; }
  // The word the host reader sleeps on until someone first wants input (so an unused
  // stdin is never consumed).
  std::atomic<i32>* want_word() { return &m_want; }

private:
  static constexpr usize capacity = 65536;
  u8 m_ring[capacity];
  usize m_head{0}, m_tail{0};
  bool m_eof{false};
  std::atomic<i32> m_want{0};
  WaitQueue m_queue;
};

struct ConsoleConfig {
  bool is_tty[3]{false, false, false};
  u16 rows{24}, cols{80};
};
ConsoleConfig& console_config();

// The File behind descriptors 0, 1, 2 of a host-started process.
RefPtr<File> make_host_stdio(i32 host_fd);

// Builds /dev (a tmpfs directory with device nodes) and mounts it.
ErrorOr mount_devfs();

} // namespace wasmux
