// brk, mmap (anonymous; private file mappings are read in), munmap, mprotect, madvise.
#include "../fd/file_description.h"
#include "syscall.h"

namespace wasmux {

SyscallResult sys_brk(const SyscallArgs& a) {
  MemoryMap& m = current_process().memory();
  if (a.ptr(0) == 0) return m.brk();
  return m.set_brk(a.ptr(0));
}

SyscallResult sys_mmap(const SyscallArgs& a) {
  u32 length = static_cast<u32>(a.size(1));
  u32 flags = a.u32_(3);
  i64 offset = a.i64_(5);
  if (length == 0 || a.size(1) > 0xffffffffu) return Errno::einval;
  if (offset % MemoryMap::user_page) return Errno::einval;
  u32 type = flags & 3;
  if (type != abi::map_shared && type != abi::map_private) return Errno::einval;
  // No fixed placement in one linear memory without page tables.
  if (flags & (abi::map_fixed | abi::map_fixed_noreplace)) return Errno::enomem;
  Process& p = current_process();
  RefPtr<FileDescription> d;
  if (!(flags & abi::map_anonymous)) {
    d = TRY(p.fds().get(a.fd(4)));
    if (!d->is_readable()) return Errno::eacces;
    if (!d->file().is_seekable()) return Errno::enodev;
    // A shared writable file mapping would need write-back; refuse it clearly for now.
    if (type == abi::map_shared && (a.u32_(2) & abi::prot_write)) return Errno::enodev;
  }
  u32 addr = TRY(p.memory().map_anonymous(length));
  if (d) {
    // Private (or read-only shared) file mapping: a copy of the file's bytes.
    auto r = d->file().read(*d, IoBuffer::user(addr, length), offset);
    if (r.is_error()) {
      (void)p.memory().unmap(addr, length);
      return r.error();
    }
  }
  return addr;
}

SyscallResult sys_munmap(const SyscallArgs& a) {
  TRY(current_process().memory().unmap(a.ptr(0), static_cast<u32>(a.size(1))));
  return 0;
}

SyscallResult sys_mprotect(const SyscallArgs& a) {
  if (a.ptr(0) % MemoryMap::user_page) return Errno::einval;
  return 0;
}

SyscallResult sys_madvise(const SyscallArgs& a) {
  if (a.ptr(0) % MemoryMap::user_page) return Errno::einval;
  return 0;
}

} // namespace wasmux
