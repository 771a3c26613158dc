#include "host_channels.h"

#include "../base/arch.h"
#include "../base/format.h"
#include "../base/vector.h"
#include "../entry/big_lock.h"
#include "../proc/thread.h"
#include "../signal/signal.h"
#include "host_port.h"

namespace wasmux {

// ---- input queues ----

InputQueue::~InputQueue() { delete[] m_ring; }

void InputQueue::grow(usize need) {
  usize capacity = m_capacity ? m_capacity : 4096;
  while (capacity < need)
    capacity *= 2;
  if (m_bound) capacity = min(capacity, m_bound);
  if (capacity <= m_capacity) return;
  u8* fresh = new u8[capacity];
  usize n = available();
  for (usize i = 0; i < n; ++i)
    fresh[i] = m_ring[(m_tail + i) % m_capacity];
  delete[] m_ring;
  m_ring = fresh;
  m_capacity = capacity;
  m_tail = 0;
  m_head = n;
}

Result<usize> InputQueue::push(const u8* data, usize len) {
  usize done = 0;
  while (done < len) {
    if (available() == m_capacity) grow(available() + (len - done));
    usize space = m_capacity - available();
    if (space == 0) {
      ThreadWaiter w(*current_thread());
      m_space_queue.add(w);
      TRY(current_thread()->block(-1));
      continue;
    }
    bool was_empty = available() == 0;
    usize n = min(space, len - done);
    for (usize i = 0; i < n; ++i)
      m_ring[(m_head + i) % m_capacity] = data[done + i];
    m_head += n;
    done += n;
    if (was_empty) m_readers_queue.notify(abi::pollin | abi::pollrdnorm);
  }
  return done;
}

void InputQueue::push_eof() {
  m_eof = true;
  m_readers_queue.notify(abi::pollin | abi::pollrdnorm); // end of input reads (as 0 bytes) now
}

void InputQueue::note_wanted() {
  if (m_want.exchange(1) == 0) arch::notify(&m_want, 1);
}

Result<usize> InputQueue::read(const IoBuffer& buf) {
  if (available() == 0) {
    if (m_eof) return 0;
    note_wanted();
    return Errno::would_block;
  }
  bool was_full = available() == m_capacity;
  usize n = min(buf.size(), available());
  usize off = m_tail % m_capacity;
  usize first = min(n, m_capacity - off);
  TRY(buf.write_from(0, m_ring + off, first));
  if (n > first) TRY(buf.write_from(first, m_ring, n - first));
  m_tail += n;
  if (was_full) m_space_queue.wake_all();
  return n;
}

u32 InputQueue::poll(u32 mask, PollTable* table) {
  if (table) table->watch(m_readers_queue);
  if (available() || m_eof) return mask & static_cast<u32>(abi::pollin | abi::pollrdnorm);
  note_wanted(); // a poll for input counts as wanting it
  return 0;
}

// ---- channels ----

namespace {
// An API channel: its input queue, how many standard-stream Files use it, and whether the
// host has let go of it (release_channel). It goes once both are so.
struct Channel {
  i32 id;
  RefPtr<InputQueue> input;
  u32 users{0};
  bool released{false};
};
Vector<Channel>& channels() {
  static Vector<Channel>* list = new Vector<Channel>;
  return *list;
}
Channel* find_channel(i32 id) {
  for (auto& c : channels())
    if (c.id == id) return &c;
  return nullptr;
}
void remove_if_unused(i32 id) {
  auto& list = channels();
  for (usize i = 0; i < list.size(); ++i)
    if (list[i].id == id && list[i].released && list[i].users == 0) return list.remove(i);
}
} // namespace

ConsoleConfig& console_config() {
  static ConsoleConfig config;
  return config;
}

InputQueue& console_input() {
  static InputQueue* input = new InputQueue(65536);
  return *input;
}

i32 create_channel() {
  static i32 next = 3;
  channels().append({next, make_ref<InputQueue>(0)});
  return next++;
}

InputQueue* channel_input(i32 channel) {
  if (channel == 0) return &console_input();
  Channel* c = find_channel(channel);
  return c ? c->input.ptr() : nullptr;
}

bool release_channel(i32 channel) {
  Channel* c = find_channel(channel);
  if (!c) return true;
  c->released = true;
  remove_if_unused(channel);
  return !find_channel(channel);
}

// ---- the File of a standard stream ----

namespace {

// termios defaults of a Linux tty in cooked mode (termios(3); drivers/tty/tty_io.c
// tty_std_termios): ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD|HUPCL, ISIG|ICANON|ECHO...
abi::Termios default_termios() {
  abi::Termios t{};
  t.c_iflag = 0x500;  // ICRNL | IXON
  t.c_oflag = 0x5;    // OPOST | ONLCR
  t.c_cflag = 0xbf;   // B38400 | CS8 | CREAD | HUPCL
  t.c_lflag = 0x8a3b; // ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN
  const u8 cc[] = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22};
  __builtin_memcpy(t.c_cc, cc, sizeof cc);
  t.__c_ispeed = t.__c_ospeed = 38400;
  return t;
}

class HostStdio final : public File {
public:
  HostStdio(i32 channel, bool input)
      : m_channel(channel), m_input(input), m_queue(input ? channel_input(channel) : nullptr) {
    if (Channel* c = find_channel(channel)) ++c->users;
  }
  ~HostStdio() override {
    if (Channel* c = find_channel(m_channel)) {
      --c->users;
      remove_if_unused(m_channel);
    }
  }

  Result<usize> read(FileDescription&, const IoBuffer& b, i64) override {
    if (!m_queue) return Errno::ebadf;
    return m_queue->read(b);
  }
  Result<usize> write(FileDescription&, const IoBuffer& b, i64) override {
    // The host's stdin is a terminal or pipe too: writing to it writes to the host's stdout,
    // as writing to a terminal's fd 0 does.
    i32 channel = m_channel == 0 ? 1 : m_channel;
    if (m_input && m_channel != 0) return Errno::ebadf;
    if (b.is_user() && b.size() && b.user_addr() < user_null_guard) return Errno::efault;
    Result<usize> written = [&] {
      Unlocked unlocked; // host I/O may block: never under the big lock (DESIGN §1)
      if (!b.is_user()) return host().stdio_write_kernel(channel, b.kernel_ptr(), b.size());
      return host().stdio_write_user(channel, b.user_addr(), b.size());
    }();
    // The host's end is a pipe whose reader is gone (`wasmux ... | head -1`): as a write to
    // such a pipe (fs/pipe.c pipe_write), SIGPIPE to the writer as well as EPIPE.
    if (written.is_error() && written.error() == Errno::epipe)
      if (Thread* t = current_thread()) send_signal_to_thread(*t, make_siginfo(abi::sigpipe, abi::si_user));
    return written;
  }
  ErrorOr stat(abi::Stat& out) override {
    TRY(File::stat(out));
    if (!is_tty())
      out.st_mode = static_cast<u32>(abi::s_ififo | 0600);
    else
      out.st_rdev = (136u << 8); // /dev/pts/0
    return {};
  }
  bool is_tty() const override { return m_channel < 3 && console_config().is_tty[m_channel]; }
  // As fstat says: a terminal (devpts) or a pipe.
  ErrorOr statfs(abi::Statfs& out) override {
    fill_pseudo_statfs(out, static_cast<u32>(is_tty() ? abi::devpts_super_magic : abi::pipefs_magic));
    return {};
  }
  void describe(Formatter& f) const override {
    f.append("host ").append(m_input ? "input" : "output").append(" channel ").append_int(m_channel);
    if (m_input && m_queue) f.append(", ").append_int(static_cast<i64>(m_queue->available())).append(" bytes queued");
  }
  Result<i64> ioctl(FileDescription&, u32 request, UserAddr arg) override {
    if (m_queue && request == abi::fionread) {
      TRY(copy_out<i32>(arg, static_cast<i32>(min<usize>(m_queue->available(), 0x7fffffff))));
      return 0;
    }
    if (!is_tty()) return Errno::enotty;
    switch (request) {
    case abi::tcgets: TRY(copy_out(arg, default_termios())); return 0;
    case abi::tcsets: return 0;
    case abi::tiocgwinsz:
      TRY(copy_out(arg, abi::Winsize{console_config().rows, console_config().cols, 0, 0}));
      return 0;
    default: return Errno::enotty;
    }
  }
  bool can_poll() const override { return true; }
  // Output goes to the host at once (a host write may block, never under the lock): always
  // writable.
  u32 poll(u32 mask, PollTable* table) override {
    if (m_queue) return m_queue->poll(mask, table);
    return mask & static_cast<u32>(abi::pollout | abi::pollwrnorm);
  }

private:
  i32 m_channel;
  bool m_input;
  InputQueue* m_queue; // its channel stays while this File uses it (Channel::users)
};

} // namespace

RefPtr<File> make_host_stdio(i32 channel, bool input) { return make_ref<HostStdio>(channel, input); }

} // namespace wasmux
