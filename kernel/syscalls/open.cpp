// openat, close.
#include "../fd/file_description.h"
#include "path_helpers.h"

namespace wasmux {

namespace {

Result<RefPtr<Custody>> open_or_create(i32 dirfd, UserAddr upath, u32 flags, u32 mode) {
  bool nofollow = flags & abi::o_nofollow;
  if (!(flags & abi::o_creat)) return resolve_at(dirfd, upath, 0, nofollow ? Follow::no : Follow::yes);
  auto parent = TRY(resolve_parent_at(dirfd, upath));
  // open(2): O_CREAT on a directory (or with a trailing slash) fails with EISDIR.
  if (parent.trailing_slash || parent.name.empty() || parent.name == "." || parent.name == "..") return Errno::eisdir;
  auto existing = parent.parent->inode().lookup(parent.name.view());
  if (!existing.is_error()) {
    if (flags & abi::o_excl) return Errno::eexist; // even for a symlink (not followed)
    auto custody = make_ref<Custody>(parent.parent, parent.name.view(), existing.release_value());
    if (Inode* over = Vfs::the().mounted_over(custody->inode())) custody = make_ref<Custody>(parent.parent, parent.name.view(), RefPtr<Inode>(over));
    if (custody->inode().metadata().is_symlink()) {
      if (nofollow) return Errno::eloop;
      // Re-resolve through the link (a dangling link is not created through, a simplification).
      return Vfs::the().resolve(*parent.parent, parent.name.view(), Follow::yes);
    }
    return custody;
  }
  if (existing.error() != Errno::enoent) return existing.error();
  Process& p = current_process();
  auto inode = TRY(parent.parent->inode().create(parent.name.view(), mode & ~p.umask() & 07777,
                                                 p.credentials().euid, p.credentials().egid));
  return make_ref<Custody>(parent.parent, parent.name.view(), std::move(inode));
}

} // namespace

SyscallResult sys_openat(const SyscallArgs& a) {
  i32 dirfd = a.fd(0);
  u32 flags = a.u32_(2);
  u32 mode = a.u32_(3);
  if ((flags & abi::o_tmpfile) == abi::o_tmpfile) return Errno::eopnotsupp;
  if ((flags & abi::o_accmode) == abi::o_accmode) return Errno::einval;
  if (flags & abi::o_path) flags &= static_cast<u32>(abi::o_path | abi::o_cloexec | abi::o_directory | abi::o_nofollow);
  auto custody = TRY(open_or_create(dirfd, a.ptr(1), flags, mode));
  Inode& inode = custody->inode();
  InodeMetadata md = inode.metadata();
  u32 acc = flags & abi::o_accmode;
  bool wants_write = !(flags & abi::o_path) && (acc == abi::o_wronly || acc == abi::o_rdwr);
  if (md.is_symlink() && !(flags & abi::o_path)) return Errno::eloop; // O_NOFOLLOW on a link
  if ((flags & abi::o_directory) && !md.is_dir()) return Errno::enotdir;
  if (md.is_dir() && (wants_write || (flags & abi::o_trunc && !(flags & abi::o_path)))) return Errno::eisdir;
  RefPtr<File> file;
  if (flags & abi::o_path) {
    file = TRY(Inode::open_path_only(custody->inode_ref()));
  } else {
    file = TRY(inode.open(flags));
  }
  if ((flags & abi::o_trunc) && wants_write && md.is_regular()) TRY(inode.truncate(0));
  auto description = make_ref<FileDescription>(std::move(file), flags, custody);
  Process& p = current_process();
  return TRY(p.fds().allocate(std::move(description), flags & abi::o_cloexec, 0, p.nofile_limit()));
}

SyscallResult sys_close(const SyscallArgs& a) {
  TRY(current_process().fds().close(a.fd(0)));
  return 0;
}

} // namespace wasmux
