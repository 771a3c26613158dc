#include "file.h"

#include "file_description.h"

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

Result<i64> File::seek(FileDescription& d, i64 offset, i32 whence) {
  if (!is_seekable()) return Errno::espipe;
  i64 base;
  switch (whence) {
  case abi::seek_set: base = 0; break;
  case abi::seek_cur: base = d.offset(); break;
  case abi::seek_end: base = TRY(size()); break;
  case abi::seek_data:
  case abi::seek_hole: {
    // No holes are tracked: all data up to the size, one hole at the end (lseek(2)).
    i64 end = TRY(size());
    if (offset < 0 || offset >= end) return Errno::enxio;
    if (whence == abi::seek_hole) offset = end;
    d.set_offset(offset);
    return offset;
  }
  default: return Errno::einval;
  }
  if (offset > 0 && base > INT64_MAX - offset) return Errno::eoverflow;
  i64 target = base + offset;
  if (target < 0) return Errno::einval;
  d.set_offset(target);
  return target;
}

u32 File::poll(u32 mask, PollTable*) {
  return mask & static_cast<u32>(abi::pollin | abi::pollout | abi::pollrdnorm | abi::pollwrnorm);
}

} // namespace wasmux
