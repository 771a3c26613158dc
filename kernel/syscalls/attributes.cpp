// faccessat, faccessat2, fchmod, fchmodat, fchown, fchownat, utimensat, truncate,
// ftruncate, fsync, fdatasync, umask.
#include "../event/fsnotify.h"
#include "../fd/file_description.h"
#include "../time/clocks.h"
#include "../vfs/permission.h"
#include "path_helpers.h"

namespace wasmux {

namespace {

// access(2): the real ids unless AT_EACCESS (R_OK, W_OK, X_OK are may_read, may_write,
// may_exec).
ErrorOr check_access(Inode& inode, u32 mode, bool effective) {
  if (mode & ~7u) return Errno::einval;
  Credentials& c = current_process().credentials();
  return permission_for(inode.metadata(), effective ? c.euid : c.uid, effective ? c.egid : c.gid, mode);
}

SyscallResult access_common(i32 dirfd, UserAddr upath, u32 mode, u32 flags) {
  if (flags & ~static_cast<u32>(abi::at_eaccess | abi::at_symlink_nofollow | abi::at_empty_path)) return Errno::einval;
  auto custody = TRY(resolve_at(dirfd, upath, flags, (flags & abi::at_symlink_nofollow) ? Follow::no : Follow::yes));
  TRY(check_access(custody->inode(), mode, flags & abi::at_eaccess));
  return 0;
}

// Changing attributes needs ownership or root (chmod(2) EPERM).
ErrorOr check_owner(Inode& inode) {
  u32 euid = current_process().credentials().euid;
  if (euid != 0 && euid != inode.metadata().uid) return Errno::eperm;
  return {};
}

Result<i64> timespec_to_ns(const abi::Timespec& ts, i64 now) {
  if (ts.tv_nsec == abi::utime_omit) return Inode::time_omit;
  if (ts.tv_nsec == abi::utime_now) return now;
  if (ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return Errno::einval;
  // Beyond what nanoseconds in 64 bits hold (years 1678-2262) a time is clamped, as Linux
  // clamps to a file system's range (fs/inode.c timestamp_truncate): not an error.
  // (No __builtin_mul_overflow: on wasm32 it needs compiler-rt's __multi3.)
  constexpr i64 max_sec = INT64_MAX / 1000000000 - 1;
  if (ts.tv_sec > max_sec) return INT64_MAX;
  if (ts.tv_sec < -max_sec) return Inode::time_omit + 1;
  return ts.tv_sec * 1000000000 + ts.tv_nsec;
}

} // namespace

SyscallResult sys_faccessat(const SyscallArgs& a) { return access_common(a.fd(0), a.ptr(1), a.u32_(2), 0); }
SyscallResult sys_faccessat2(const SyscallArgs& a) { return access_common(a.fd(0), a.ptr(1), a.u32_(2), a.u32_(3)); }

SyscallResult sys_fchmod(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  Inode* inode = d->file().inode();
  if (!inode) return Errno::einval;
  TRY(check_owner(*inode));
  TRY(inode->chmod(a.u32_(1)));
  fsnotify(*d, abi::in_attrib);
  return 0;
}

SyscallResult sys_fchmodat(const SyscallArgs& a) {
  auto custody = TRY(resolve_at(a.fd(0), a.ptr(1), 0, Follow::yes));
  TRY(check_owner(custody->inode()));
  TRY(custody->inode().chmod(a.u32_(2)));
  fsnotify(*custody, abi::in_attrib);
  return 0;
}

SyscallResult sys_fchown(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  Inode* inode = d->file().inode();
  if (!inode) return Errno::einval;
  if (current_process().credentials().euid != 0) return Errno::eperm;
  TRY(inode->chown(a.u32_(1), a.u32_(2)));
  fsnotify(*d, abi::in_attrib);
  return 0;
}

SyscallResult sys_fchownat(const SyscallArgs& a) {
  u32 flags = a.u32_(4);
  if (flags & ~static_cast<u32>(abi::at_symlink_nofollow | abi::at_empty_path)) return Errno::einval;
  auto custody =
      TRY(resolve_at(a.fd(0), a.ptr(1), flags, (flags & abi::at_symlink_nofollow) ? Follow::no : Follow::yes));
  if (current_process().credentials().euid != 0) return Errno::eperm;
  TRY(custody->inode().chown(a.u32_(2), a.u32_(3)));
  fsnotify(*custody, abi::in_attrib);
  return 0;
}

SyscallResult sys_utimensat(const SyscallArgs& a) {
  u32 flags = a.u32_(3);
  if (flags & ~static_cast<u32>(abi::at_symlink_nofollow | abi::at_empty_path)) return Errno::einval;
  i64 now = realtime_now();
  i64 atime = now, mtime = now;
  if (a.ptr(2)) {
    abi::Timespec ts[2];
    TRY(a.user<abi::Timespec>(2).read_array(ts, 2));
    atime = TRY(timespec_to_ns(ts[0], now));
    mtime = TRY(timespec_to_ns(ts[1], now));
  }
  RefPtr<Inode> inode;
  RefPtr<Custody> custody;
  if (a.ptr(1) == 0) {
    // utimensat(2): a NULL path means the file dirfd refers to (futimens).
    auto d = TRY(current_process().fds().get(a.fd(0)));
    if (!d->file().inode()) return Errno::einval;
    inode = d->file().inode();
    custody = d->custody();
  } else {
    custody = TRY(resolve_at(a.fd(0), a.ptr(1), flags, (flags & abi::at_symlink_nofollow) ? Follow::no : Follow::yes));
    inode = custody->inode_ref();
  }
  TRY(inode->set_times(atime, mtime));
  if (custody) fsnotify(*custody, abi::in_attrib);
  return 0;
}

SyscallResult sys_truncate(const SyscallArgs& a) {
  if (a.i64_(1) < 0) return Errno::einval;
  auto custody = TRY(resolve_at(abi::at_fdcwd, a.ptr(0), 0, Follow::yes));
  if (custody->inode().metadata().is_dir()) return Errno::eisdir;
  TRY(inode_permission(custody->inode(), may_write)); // truncate(2) EACCES
  TRY(custody->inode().truncate(a.i64_(1)));
  fsnotify(*custody, abi::in_modify);
  return 0;
}

SyscallResult sys_ftruncate(const SyscallArgs& a) {
  // The length first, then the descriptor (fs/open.c do_sys_ftruncate).
  if (a.i64_(1) < 0) return Errno::einval;
  auto d = TRY(current_process().fds().get(a.fd(0)));
  // ftruncate(2): EINVAL (not EBADF) when the descriptor is not open for writing.
  if (!d->is_writable()) return d->is_path_only() ? Errno::ebadf : Errno::einval;
  TRY(d->file().truncate(a.i64_(1)));
  fsnotify(*d, abi::in_modify);
  return 0;
}

SyscallResult sys_fsync(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  TRY(d->file().sync());
  return 0;
}

SyscallResult sys_fdatasync(const SyscallArgs& a) { return sys_fsync(a); }

SyscallResult sys_umask(const SyscallArgs& a) {
  Process& p = current_process();
  u32 old = p.umask();
  p.set_umask(a.u32_(0));
  return old;
}

} // namespace wasmux
