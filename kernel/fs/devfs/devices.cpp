#include "devices.h"

#include "../../base/arch.h"
#include "../../entry/big_lock.h"
#include "../../fd/file_description.h"
#include "../../proc/process.h"
#include "../../vfs/vfs.h"

namespace wasmux {

namespace {

constexpr u64 makedev(u32 major, u32 minor) { return (static_cast<u64>(major) << 8) | minor; }

class CharDevice : public File {
public:
  explicit CharDevice(u64 rdev) : m_rdev(rdev) {}
  ErrorOr stat(abi::Stat& out) override {
    TRY(File::stat(out));
    out.st_mode = static_cast<u32>(abi::s_ifchr | 0666);
    out.st_rdev = m_rdev;
    return {};
  }
  // drivers/char/mem.c null_lseek: the memory devices accept any seek and stay at 0.
  Result<i64> seek(FileDescription& d, i64, i32) override {
    d.set_offset(0);
    return 0;
  }

private:
  u64 m_rdev;
};

class NullDevice final : public CharDevice {
public:
  NullDevice() : CharDevice(makedev(1, 3)) {}
  Result<usize> read(FileDescription&, const IoBuffer&, i64) override { return 0; }
  Result<usize> write(FileDescription&, const IoBuffer& b, i64) override { return b.size(); }
};

ErrorOr fill_zeros(const IoBuffer& b) { return b.fill_zero(0, b.size()); }

class ZeroDevice final : public CharDevice {
public:
  ZeroDevice() : CharDevice(makedev(1, 5)) {}
  Result<usize> read(FileDescription&, const IoBuffer& b, i64) override {
    TRY(fill_zeros(b));
    return b.size();
  }
  Result<usize> write(FileDescription&, const IoBuffer& b, i64) override { return b.size(); }
};

class FullDevice final : public CharDevice {
public:
  FullDevice() : CharDevice(makedev(1, 7)) {}
  Result<usize> read(FileDescription&, const IoBuffer& b, i64) override {
    TRY(fill_zeros(b));
    return b.size();
  }
  // full(4): writes fail with ENOSPC.
  Result<usize> write(FileDescription&, const IoBuffer&, i64) override { return Errno::enospc; }
};

class RandomDevice final : public CharDevice {
public:
  explicit RandomDevice(u32 minor) : CharDevice(makedev(1, minor)) {}
  Result<usize> read(FileDescription&, const IoBuffer& b, i64) override {
    u8 chunk[4096];
    for (usize done = 0; done < b.size();) {
      usize n = min(b.size() - done, sizeof chunk);
      host().random_bytes(chunk, n);
      TRY(b.write_from(done, chunk, n));
      done += n;
    }
    return b.size();
  }
  Result<usize> write(FileDescription&, const IoBuffer& b, i64) override { return b.size(); }
};

// termios defaults of a Linux tty in cooked mode (termios(3); drivers/tty/tty_io.c
// tty_std_termios): ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD|HUPCL, ISIG|ICANON|ECHO...
abi::Termios default_termios() {
  abi::Termios t{};
  t.c_iflag = 0x500;   // ICRNL | IXON
  t.c_oflag = 0x5;     // OPOST | ONLCR
  t.c_cflag = 0xbf;    // B38400 | CS8 | CREAD | HUPCL
  t.c_lflag = 0x8a3b;  // ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN
  const u8 cc[] = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22};
  __builtin_memcpy(t.c_cc, cc, sizeof cc);
  t.__c_ispeed = t.__c_ospeed = 38400;
  return t;
}

class HostStdio final : public File {
public:
  explicit HostStdio(i32 host_fd) : m_host_fd(host_fd) {}

  Result<usize> read(FileDescription&, const IoBuffer& b, i64) override {
    if (m_host_fd != 0) return Errno::ebadf;
    return ConsoleInput::the().read(b);
  }
  Result<usize> write(FileDescription&, const IoBuffer& b, i64) override {
    i32 fd = m_host_fd == 0 ? 1 : m_host_fd;
    if (!b.is_user() || (b.size() && b.user_addr() < user_null_guard)) return Errno::efault;
    i64 r;
    {
      Unlocked unlocked; // host I/O may block: never under the big lock (DESIGN §1)
      r = host().stdio_write_user(fd, b.user_addr(), b.size());
    }
    if (r < 0) return static_cast<Errno>(-r);
    return static_cast<usize>(r);
  }
  ErrorOr stat(abi::Stat& out) override {
    TRY(File::stat(out));
    if (!is_tty()) out.st_mode = static_cast<u32>(abi::s_ififo | 0600);
    else out.st_rdev = makedev(136, 0);
    return {};
  }
  bool is_tty() const override { return console_config().is_tty[m_host_fd]; }
  Result<i64> ioctl(FileDescription&, u32 request, UserAddr arg) override {
    if (m_host_fd == 0 && request == abi::fionread) {
      TRY(copy_out<i32>(arg, 0));
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
  u32 readiness(u32 mask) const override {
    if (m_host_fd == 0) return ConsoleInput::the().readiness(mask);
    return mask & static_cast<u32>(abi::pollout | abi::pollwrnorm);
  }
  WaitQueue* wait_queue() override { return m_host_fd == 0 ? &ConsoleInput::the().queue() : nullptr; }

private:
  i32 m_host_fd;
};

} // namespace

DeviceNode::DeviceNode(u64 device, u32 mode, u64 rdev, Factory factory)
    : TmpfsInode(device, mode, 0, 0), m_factory(factory) {
  m_meta.rdev = rdev;
}

ConsoleInput& ConsoleInput::the() {
  static ConsoleInput* input = new ConsoleInput;
  return *input;
}

Result<usize> ConsoleInput::push(const u8* data, usize len) {
  usize done = 0;
  while (done < len) {
    usize space = capacity - (m_head - m_tail);
    if (space == 0) {
      Waiter w(*current_thread());
      m_queue.add(w);
      TRY(current_thread()->block(-1));
      continue;
    }
    bool was_empty = m_head == m_tail;
    usize n = min(space, len - done);
    for (usize i = 0; i < n; ++i) m_ring[(m_head + i) % capacity] = data[done + i];
    m_head += n;
    done += n;
    if (was_empty) m_queue.wake_all();
  }
  return done;
}

void ConsoleInput::push_eof() {
  m_eof = true;
  m_queue.wake_all();
}

Result<usize> ConsoleInput::read(const IoBuffer& buf) {
  if (m_head == m_tail) {
    if (m_eof) return 0;
    if (m_want.exchange(1) == 0) arch::notify(&m_want, 1);
    return Errno::would_block;
  }
  bool was_full = m_head - m_tail == capacity;
  usize n = min(buf.size(), m_head - m_tail);
  usize off = m_tail % capacity;
  usize first = min(n, capacity - off);
  TRY(buf.write_from(0, m_ring + off, first));
  if (n > first) TRY(buf.write_from(first, m_ring, n - first));
  m_tail += n;
  if (was_full) m_queue.wake_all();
  return n;
}

u32 ConsoleInput::readiness(u32 mask) const {
  u32 r = 0;
  if (m_head != m_tail || m_eof) r |= abi::pollin | abi::pollrdnorm;
  else if (const_cast<ConsoleInput*>(this)->m_want.exchange(1) == 0)
    arch::notify(const_cast<std::atomic<i32>*>(&m_want), 1);
  return r & mask;
}

ConsoleConfig& console_config() {
  static ConsoleConfig config;
  return config;
}

RefPtr<File> make_host_stdio(i32 host_fd) { return make_ref<HostStdio>(host_fd); }

ErrorOr mount_devfs() {
  auto dev = TmpfsDirectory::create_root(0755);
  u64 d = dev->device();
  struct Spec {
    const char* name;
    u64 rdev;
    DeviceNode::Factory factory;
  };
  const Spec specs[] = {
      {"null", makedev(1, 3), [] { return Result<RefPtr<File>>(RefPtr<File>(make_ref<NullDevice>())); }},
      {"zero", makedev(1, 5), [] { return Result<RefPtr<File>>(RefPtr<File>(make_ref<ZeroDevice>())); }},
      {"full", makedev(1, 7), [] { return Result<RefPtr<File>>(RefPtr<File>(make_ref<FullDevice>())); }},
      {"random", makedev(1, 8), [] { return Result<RefPtr<File>>(RefPtr<File>(make_ref<RandomDevice>(8))); }},
      {"urandom", makedev(1, 9), [] { return Result<RefPtr<File>>(RefPtr<File>(make_ref<RandomDevice>(9))); }},
      // /dev/tty: the controlling terminal; the host console when the host has one, else
      // ENXIO as on Linux without a controlling terminal.
      {"tty", makedev(5, 0), [] {
         if (!console_config().is_tty[0] && !console_config().is_tty[1]) return Result<RefPtr<File>>(Errno::enxio);
         return Result<RefPtr<File>>(make_host_stdio(console_config().is_tty[0] ? 0 : 1));
       }},
      {"console", makedev(5, 1), [] { return Result<RefPtr<File>>(make_host_stdio(1)); }},
  };
  for (auto& s : specs) TRY(dev->add_child(s.name, make_ref<DeviceNode>(d, abi::s_ifchr | 0666, s.rdev, s.factory)));
  TRY(dev->symlink("stdin", "/proc/self/fd/0", 0, 0));
  TRY(dev->symlink("stdout", "/proc/self/fd/1", 0, 0));
  TRY(dev->symlink("stderr", "/proc/self/fd/2", 0, 0));
  TRY(dev->symlink("fd", "/proc/self/fd", 0, 0));
  auto root = Vfs::the().root();
  auto existing = root->inode().lookup("dev");
  if (existing.is_error()) TRY(root->inode().mkdir("dev", 0755, 0, 0));
  auto mountpoint = TRY(Vfs::the().resolve(*root, "/dev", Follow::yes));
  return Vfs::the().mount(*mountpoint, RefPtr<Inode>(dev));
}

} // namespace wasmux
