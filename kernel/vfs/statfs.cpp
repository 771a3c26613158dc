// statfs(2) answers: a tmpfs in kernel memory (the default of every inode), and the
// kernel's own pseudo file systems, which have no blocks (Linux simple_statfs).
#include "../base/heap.h"
#include "../fd/file.h"
#include "inode.h"

namespace wasmux {

void fill_pseudo_statfs(abi::Statfs& out, u32 magic) {
  out = {};
  out.f_type = magic;
  out.f_bsize = out.f_frsize = 4096;
  out.f_namelen = abi::name_max;
  out.f_flags = abi::st_valid;
}

// tmpfs keeps its files in the kernel memory (at most 4 GiB, of which the kernel heap uses
// some): that is its size, and what the heap has not handed out is free.
ErrorOr Inode::statfs(abi::Statfs& out) {
  fill_pseudo_statfs(out, abi::tmpfs_magic);
  constexpr u64 capacity = u64{1} << 32;
  u64 used = min<u64>(kernel_heap_in_use(), capacity);
  out.f_blocks = capacity / out.f_bsize;
  out.f_bfree = out.f_bavail = (capacity - used) / out.f_bsize;
  // One inode takes at least a small heap block: the free room bounds how many more fit.
  out.f_files = capacity / 256;
  out.f_ffree = (capacity - used) / 256;
  return {};
}

ErrorOr File::statfs(abi::Statfs& out) {
  if (Inode* i = inode()) return i->statfs(out);
  fill_pseudo_statfs(out, abi::anon_inode_fs_magic);
  return {};
}

} // namespace wasmux
