#include "devices.h"

#include "../../base/format.h"
#include "../../host/host_channels.h"

#include "../../fd/file_description.h"
#include "../../proc/process.h"
#include "../../vfs/vfs.h"

namespace wasmux {

namespace {

constexpr u64 makedev(u32 major, u32 minor) { return (static_cast<u64>(major) << 8) | minor; }

class CharDevice : public File {
public:
  explicit CharDevice(u64 rdev) : m_rdev(rdev) {}
  void describe(Formatter& f) const override {
    f.append("char device ")
        .append_int(static_cast<i64>(m_rdev >> 8))
        .append(",")
        .append_int(static_cast<i64>(m_rdev & 0xff));
  }
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
  // drivers/char/random.c random_poll: always readable and writable once seeded.
  bool can_poll() const override { return true; }
};

} // namespace

DeviceNode::DeviceNode(u64 device, u32 mode, u64 rdev, Factory factory)
    : TmpfsInode(device, mode, 0, 0), m_factory(factory) {
  m_meta.rdev = rdev;
}

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
      {"tty", makedev(5, 0),
       [] {
         if (!console_config().is_tty[0] && !console_config().is_tty[1]) return Result<RefPtr<File>>(Errno::enxio);
         return Result<RefPtr<File>>(make_host_stdio(console_config().is_tty[0] ? 0 : 1, console_config().is_tty[0]));
       }},
      {"console", makedev(5, 1), [] { return Result<RefPtr<File>>(make_host_stdio(1, false)); }},
  };
  for (auto& s : specs)
    TRY(dev->add_child(s.name, make_ref<DeviceNode>(d, abi::s_ifchr | 0666, s.rdev, s.factory)));
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
