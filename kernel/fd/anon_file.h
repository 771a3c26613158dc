#pragma once
// Files with no inode of their own (eventfd, timerfd, signalfd, epoll): Linux gives them
// all one inode of anon_inodefs (fs/anon_inodes.c), whose mode has no file type bits and
// reads 0600; /proc/PID/fd shows them as "anon_inode:[NAME]".
#include "../base/format.h"
#include "file.h"

namespace wasmux {

class AnonFile : public File {
public:
  // `name` is how /proc names it: "[eventfd]", "[timerfd]" ...
  explicit AnonFile(const char* name) : m_name(name) {}
  ErrorOr stat(abi::Stat& out) override {
    out = {};
    out.st_mode = 0600;
    out.st_nlink = 1;
    out.st_ino = anon_inode_number;
    out.st_blksize = 4096;
    return {};
  }
  ErrorOr statfs(abi::Statfs& out) override {
    fill_pseudo_statfs(out, static_cast<u32>(abi::anon_inode_fs_magic));
    return {};
  }
  const char* anon_name() const override { return m_name; }
  void describe(Formatter& f) const override { f.append("anon_inode:").append(m_name); }

private:
  // The one inode all of them share on Linux; its number there depends on boot order.
  static constexpr u64 anon_inode_number = 1;
  const char* m_name;
};

} // namespace wasmux

namespace wasmux {

// A new open file description of `file` (read and write), O_NONBLOCK from `flags`, at the
// caller's lowest free descriptor (close-on-exec from O_CLOEXEC in `flags`): the descriptor.
Result<i32> install_anon_file(RefPtr<File> file, u32 flags);

} // namespace wasmux
