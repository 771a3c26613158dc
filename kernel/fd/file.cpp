#include "file.h"

namespace wasmux {

Result<usize> File::read(FileDescription&, const IoBuffer&, i64) { return Errno::einval; }
Result<usize> File::write(FileDescription&, const IoBuffer&, i64) { return Errno::einval; }

ErrorOr File::stat(abi::Stat& out) {
  out = {};
  out.st_mode = static_cast<u32>(abi::s_ifchr | 0600);
  out.st_nlink = 1;
  out.st_blksize = 4096;
  return {};
}

// Linux: a file without an ioctl handler answers ENOTTY (fs/ioctl.c vfs_ioctl).
Result<i64> File::ioctl(FileDescription&, u32, UserAddr) { return Errno::enotty; }

u32 File::readiness(u32 mask) const {
  return mask & static_cast<u32>(abi::pollin | abi::pollout | abi::pollrdnorm | abi::pollwrnorm);
}

} // namespace wasmux
