// brk, mmap (anonymous; private file mappings are read in), munmap, mprotect, madvise,
// mlock, mlock2, munlock, mlockall, munlockall, msync.
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

namespace {

// The range mlock and msync act on: page-aligned (mm/mlock.c rounds addr down and the length
// up; msync(2) wants addr aligned), all of it in use, else ENOMEM.
ErrorOr check_range_in_use(UserAddr addr, u64 len) {
  u32 start = addr & ~(MemoryMap::user_page - 1);
  u64 end = round_up<u64>(u64{addr} + len, MemoryMap::user_page);
  if (end > host().user_memory_size() || !current_process().memory().is_in_use(start, end - start))
    return Errno::enomem;
  return {};
}

} // namespace

// mlock(2) and friends: wasm memory is never paged out, so every page is as good as locked;
// what is checked is what Linux checks (flags, that the range is mapped).
SyscallResult sys_mlock(const SyscallArgs& a) {
  TRY(check_range_in_use(a.ptr(0), a.size(1)));
  return 0;
}

SyscallResult sys_mlock2(const SyscallArgs& a) {
  if (a.u32_(2) & ~static_cast<u32>(abi::mlock_onfault)) return Errno::einval;
  TRY(check_range_in_use(a.ptr(0), a.size(1)));
  return 0;
}

SyscallResult sys_munlock(const SyscallArgs& a) {
  TRY(check_range_in_use(a.ptr(0), a.size(1)));
  return 0;
}

// mlockall(2): MCL_CURRENT and/or MCL_FUTURE, MCL_ONFAULT only with one of them.
SyscallResult sys_mlockall(const SyscallArgs& a) {
  u32 flags = a.u32_(0);
  u32 known = abi::mcl_current | abi::mcl_future | abi::mcl_onfault;
  if (!flags || (flags & ~known) || flags == abi::mcl_onfault) return Errno::einval;
  return 0;
}

SyscallResult sys_munlockall(const SyscallArgs&) { return 0; }

// msync(2): there are no shared file mappings to write back yet (a private mapping has
// nothing to write); the arguments are checked as mm/msync.c does.
SyscallResult sys_msync(const SyscallArgs& a) {
  u32 flags = a.u32_(2);
  if (a.ptr(0) % MemoryMap::user_page) return Errno::einval;
  if (flags & ~static_cast<u32>(abi::ms_async | abi::ms_invalidate | abi::ms_sync)) return Errno::einval;
  if ((flags & abi::ms_async) && (flags & abi::ms_sync)) return Errno::einval;
  if (a.size(1) == 0) return 0;
  TRY(check_range_in_use(a.ptr(0), a.size(1)));
  return 0;
}

} // namespace wasmux
