// fstat, newfstatat, statx.
#include "../fd/file_description.h"
#include "../vfs/inode_file.h"
#include "path_helpers.h"

namespace wasmux {

namespace {
Result<abi::Stat> stat_at(i32 dirfd, UserAddr upath, u32 flags) {
  if (flags & ~static_cast<u32>(abi::at_symlink_nofollow | abi::at_empty_path | abi::at_no_automount | abi::at_statx_sync_type))
    return Errno::einval;
  abi::Stat st;
  String path = TRY(copy_path_in(upath));
  if (path.empty() && (flags & abi::at_empty_path) && dirfd != abi::at_fdcwd) {
    auto d = TRY(current_process().fds().get(dirfd));
    TRY(d->file().stat(st));
    return st;
  }
  auto custody = TRY(resolve_at(dirfd, upath, flags, (flags & abi::at_symlink_nofollow) ? Follow::no : Follow::yes));
  fill_stat(custody->inode(), st);
  return st;
}
} // namespace

SyscallResult sys_fstat(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  abi::Stat st;
  TRY(d->file().stat(st));
  TRY(copy_out(a.ptr(1), st));
  return 0;
}

SyscallResult sys_newfstatat(const SyscallArgs& a) {
  abi::Stat st = TRY(stat_at(a.fd(0), a.ptr(1), a.u32_(3)));
  TRY(copy_out(a.ptr(2), st));
  return 0;
}

SyscallResult sys_statx(const SyscallArgs& a) {
  abi::Stat st = TRY(stat_at(a.fd(0), a.ptr(1), a.u32_(2) & ~static_cast<u32>(abi::at_statx_sync_type)));
  abi::Statx sx{};
  sx.stx_mask = static_cast<u32>(abi::statx_basic_stats);
  sx.stx_blksize = static_cast<u32>(st.st_blksize);
  sx.stx_nlink = st.st_nlink;
  sx.stx_uid = st.st_uid;
  sx.stx_gid = st.st_gid;
  sx.stx_mode = static_cast<u16>(st.st_mode);
  sx.stx_ino = st.st_ino;
  sx.stx_size = static_cast<u64>(st.st_size);
  sx.stx_blocks = static_cast<u64>(st.st_blocks);
  sx.stx_atime = {st.st_atime_sec, static_cast<u32>(st.st_atime_nsec), 0};
  sx.stx_mtime = {st.st_mtime_sec, static_cast<u32>(st.st_mtime_nsec), 0};
  sx.stx_ctime = {st.st_ctime_sec, static_cast<u32>(st.st_ctime_nsec), 0};
  // Linux encodes dev_t as major:minor with 12 major bits (include/linux/kdev_t.h).
  sx.stx_rdev_major = static_cast<u32>((st.st_rdev >> 8) & 0xfff);
  sx.stx_rdev_minor = static_cast<u32>((st.st_rdev & 0xff) | ((st.st_rdev >> 12) & 0xfff00));
  sx.stx_dev_major = static_cast<u32>((st.st_dev >> 8) & 0xfff);
  sx.stx_dev_minor = static_cast<u32>((st.st_dev & 0xff) | ((st.st_dev >> 12) & 0xfff00));
  TRY(copy_out(a.ptr(4), sx));
  return 0;
}

} // namespace wasmux

namespace wasmux {

// statfs(2), fstatfs(2): the file system of a path or a descriptor.
SyscallResult sys_statfs(const SyscallArgs& a) {
  auto custody = TRY(resolve_at(abi::at_fdcwd, a.ptr(0), 0, Follow::yes));
  abi::Statfs out{};
  TRY(custody->inode().statfs(out));
  TRY(copy_out(a.ptr(1), out));
  return 0;
}

SyscallResult sys_fstatfs(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  abi::Statfs out{};
  TRY(d->file().statfs(out));
  TRY(copy_out(a.ptr(1), out));
  return 0;
}

} // namespace wasmux
