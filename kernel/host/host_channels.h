#pragma once
// Host channels: how a process's standard streams reach the embedder. Channels 0-2 are the
// host's own stdin/stdout/stderr; channels from 3 on are made through the host API (a
// process's stdin fed by setStdinData/appendStdinData, its output handed to callbacks).
#include <atomic>

#include "../fd/file.h"
#include "../wait/wait_queue.h"

namespace wasmux {

// Bytes waiting to be read from a channel. The host's stdin is bounded (its reader blocks
// in the kernel when the queue is full); API input is unbounded, so the embedder's thread
// never blocks.
class InputQueue : public RefCounted<InputQueue> {
public:
  explicit InputQueue(usize bound) : m_bound(bound) {}
  ~InputQueue();
  // Appends; blocks the calling kernel thread while a bounded queue is full.
  Result<usize> push(const u8* data, usize len);
  void push_eof();
  Result<usize> read(const IoBuffer& buf);
  u32 poll(u32 mask, PollTable* table);
  usize available() const { return m_head - m_tail; }
  // Set (and notified) the first time a reader finds the queue empty: the host's stdin
  // reader waits for it, so an unused stdin is never consumed.
  std::atomic<i32>* want_word() { return &m_want; }

private:
  void grow(usize need);
  void note_wanted();
  u8* m_ring{nullptr};
  usize m_capacity{0};
  usize m_bound;
  usize m_head{0}, m_tail{0};
  bool m_eof{false};
  std::atomic<i32> m_want{0};
  WaitQueue m_readers_queue; // readers, for input or its end
  WaitQueue m_space_queue;   // the host's stdin reader, for room in a full bounded queue
};

struct ConsoleConfig {
  bool is_tty[3]{false, false, false};
  u16 rows{24}, cols{80};
};
ConsoleConfig& console_config();

// The host's stdin (channel 0).
InputQueue& console_input();

// A new API channel (id ≥ 3) with an unbounded input queue.
i32 create_channel();
// The input queue of a channel, or nullptr for an unknown one.
InputQueue* channel_input(i32 channel);
// The host is done with an API channel (its process ended): it goes once no descriptor
// uses it (a child may still hold the process's stdout). Whether it is gone now (then no
// write can reach the host on it any more).
bool release_channel(i32 channel);

// The File of a standard stream on a channel: reads come from the channel's input,
// writes go to the host (channels 1-2: the host's fds; ≥ 3: the embedder).
RefPtr<File> make_host_stdio(i32 channel, bool input);

} // namespace wasmux
