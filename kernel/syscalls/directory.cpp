// getdents64, mkdirat, unlinkat, renameat, renameat2, linkat, symlinkat, readlinkat,
// getcwd, chdir, fchdir.
#include "../event/fsnotify.h"
#include "../fd/file_description.h"
#include "../vfs/permission.h"
#include "path_helpers.h"

namespace wasmux {

SyscallResult sys_getdents64(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  if (d->is_path_only()) return Errno::ebadf;
  return static_cast<i64>(TRY(d->file().getdents(*d, IoBuffer::user(a.ptr(1), a.size(2)))));
}

SyscallResult sys_mkdirat(const SyscallArgs& a) {
  auto parent = TRY(resolve_parent_at(a.fd(0), a.ptr(1)));
  if (parent.name.empty() || parent.name == "." || parent.name == "..") return Errno::eexist;
  Process& p = current_process();
  TRY(may_create(parent.parent->inode()));
  TRY(parent.parent->inode().mkdir(parent.name.view(), a.u32_(2) & ~p.umask() & 07777, p.credentials().euid,
                                   p.credentials().egid));
  fsnotify_entry(parent.parent->inode(), parent.name.view(), abi::in_create, true);
  return 0;
}

// mknodat(2) (mkfifo(3) too; Linux fs/namei.c do_mknodat, may_mknod): a regular file, a
// FIFO, a socket node, or (privileged: CAP_MKNOD) a device node.
SyscallResult sys_mknodat(const SyscallArgs& a) {
  u32 mode = a.u32_(2);
  u32 type = mode & abi::s_ifmt;
  if (type == 0) type = abi::s_ifreg; // "zero file type is equivalent to type S_IFREG"
  switch (type) {
  case abi::s_ifreg:
  case abi::s_ififo:
  case abi::s_ifsock: break;
  case abi::s_ifchr:
  case abi::s_ifblk:
    if (current_process().credentials().euid != 0) return Errno::eperm;
    break;
  case abi::s_ifdir: return Errno::eperm; // mkdir is for that
  default: return Errno::einval;
  }
  auto parent = TRY(resolve_parent_at(a.fd(0), a.ptr(1)));
  if (parent.name.empty() || parent.name == "." || parent.name == "..") return Errno::eexist;
  Inode& dir = parent.parent->inode();
  // filename_create: an existing name is EEXIST, then a trailing slash is ENOENT.
  if (!dir.lookup(parent.name.view()).is_error()) return Errno::eexist;
  if (parent.trailing_slash) return Errno::enoent;
  Process& p = current_process();
  TRY(may_create(dir));
  TRY(dir.mknod(parent.name.view(), type | (mode & ~p.umask() & 07777), a.u32_(3), p.credentials().euid,
                p.credentials().egid));
  fsnotify_entry(dir, parent.name.view(), abi::in_create, false);
  return 0;
}

SyscallResult sys_unlinkat(const SyscallArgs& a) {
  u32 flags = a.u32_(2);
  if (flags & ~static_cast<u32>(abi::at_removedir)) return Errno::einval;
  auto parent = TRY(resolve_parent_at(a.fd(0), a.ptr(1)));
  bool dir = flags & abi::at_removedir;
  if (parent.name.empty()) return dir ? Errno::ebusy : Errno::eisdir;
  // rmdir(2): "." is EINVAL, ".." is ENOTEMPTY; unlink(2) of a path with a trailing slash
  // that names a non-directory is ENOTDIR.
  if (dir && parent.name == ".") return Errno::einval;
  if (dir && parent.name == "..") return Errno::enotempty;
  // unlink(2) of "." or ".." is EISDIR whatever the file system (Linux do_unlinkat: not a
  // normal last component); hostfs would otherwise pass ".." to the host.
  if (!dir && (parent.name == "." || parent.name == "..")) return Errno::eisdir;
  auto target = TRY(parent.parent->inode().lookup(parent.name.view()));
  if (Vfs::the().mounted_over(*target)) return Errno::ebusy;
  if (!dir && parent.trailing_slash) return target->metadata().is_dir() ? Errno::eisdir : Errno::enotdir;
  TRY(may_delete(parent.parent->inode(), *target));
  TRY(parent.parent->inode().unlink(parent.name.view(), dir));
  // fsnotify_delete, then the inode's own news: a file has one link less (fsnotify_link_count),
  // and with its last link (or a directory removed) it is gone.
  fsnotify_entry(parent.parent->inode(), parent.name.view(), abi::in_delete, dir);
  if (!dir) fsnotify_self(*target, abi::in_attrib);
  if (dir || target->metadata().nlink == 0) fsnotify_self(*target, abi::in_delete_self);
  return 0;
}

namespace {
SyscallResult rename_common(i32 olddirfd, UserAddr oldpath, i32 newdirfd, UserAddr newpath, u32 flags) {
  if (flags & ~static_cast<u32>(abi::rename_noreplace | abi::rename_exchange)) return Errno::einval;
  if ((flags & abi::rename_noreplace) && (flags & abi::rename_exchange)) return Errno::einval;
  auto from = TRY(resolve_parent_at(olddirfd, oldpath));
  auto to = TRY(resolve_parent_at(newdirfd, newpath));
  if (from.name.empty() || to.name.empty()) return Errno::ebusy;
  if (from.name == "." || from.name == ".." || to.name == "." || to.name == "..") return Errno::ebusy;
  auto src = TRY(from.parent->inode().lookup(from.name.view()));
  if ((from.trailing_slash || to.trailing_slash) && !src->metadata().is_dir()) return Errno::enotdir;
  if (from.parent->inode().device() != to.parent->inode().device()) return Errno::exdev;
  // Linux vfs_rename: a mount point does not move (EBUSY); the caller must be allowed to
  // remove the source's entry, to add (or replace) the target's, and to rewrite a moved
  // directory's "..".
  if (Vfs::the().mounted_over(*src)) return Errno::ebusy;
  auto replaced = to.parent->inode().lookup(to.name.view());
  // Linux's lock_rename traps, before any other check: the source may not be an ancestor
  // of the target (EINVAL), nor the target an ancestor of the source (ENOTEMPTY).
  auto is_ancestor = [](Inode& dir, Custody* c) {
    for (; c; c = c->parent())
      if (&c->inode() == &dir) return true;
    return false;
  };
  if (&from.parent->inode() != &to.parent->inode()) {
    if (is_ancestor(*src, to.parent.ptr())) return Errno::einval;
    if (!replaced.is_error() && is_ancestor(*replaced.value(), from.parent.ptr())) return Errno::enotempty;
  }
  TRY(may_delete(from.parent->inode(), *src));
  if (!replaced.is_error()) {
    if (Vfs::the().mounted_over(*replaced.value())) return Errno::ebusy;
    TRY(may_delete(to.parent->inode(), *replaced.value()));
  } else {
    TRY(may_create(to.parent->inode()));
  }
  if (src->metadata().is_dir() && &from.parent->inode() != &to.parent->inode()) TRY(inode_permission(*src, may_write));
  RenameFlags rf = (flags & abi::rename_exchange)    ? RenameFlags::exchange
                   : (flags & abi::rename_noreplace) ? RenameFlags::noreplace
                                                     : RenameFlags::none;
  TRY(from.parent->inode().rename(from.name.view(), to.parent->inode(), to.name.view(), rf));
  // fsnotify_move: the two entries with one cookie, then the moved inode itself; a
  // replaced target that lost its last link is deleted.
  u32 cookie = fsnotify_cookie();
  bool is_dir = src->metadata().is_dir();
  fsnotify_entry(from.parent->inode(), from.name.view(), abi::in_moved_from, is_dir, cookie);
  fsnotify_entry(to.parent->inode(), to.name.view(), abi::in_moved_to, is_dir, cookie);
  fsnotify_self(*src, abi::in_move_self);
  if (!replaced.is_error() && !(flags & abi::rename_exchange) && replaced.value()->metadata().nlink == 0)
    fsnotify_self(*replaced.value(), abi::in_delete_self);
  return 0;
}
} // namespace

SyscallResult sys_renameat(const SyscallArgs& a) { return rename_common(a.fd(0), a.ptr(1), a.fd(2), a.ptr(3), 0); }
SyscallResult sys_renameat2(const SyscallArgs& a) {
  return rename_common(a.fd(0), a.ptr(1), a.fd(2), a.ptr(3), a.u32_(4));
}

namespace {
// Where link(2) and symlink(2) put a new entry, as Linux's filename_create checks it: "/",
// "." and ".." always exist, as does any name found (EEXIST); a trailing slash names a
// directory, which neither makes (ENOENT); then the caller must be allowed to add it.
ErrorOr check_new_entry(ResolvedParent& parent) {
  if (parent.name.empty() || parent.name == "." || parent.name == "..") return Errno::eexist;
  if (!parent.parent->inode().lookup(parent.name.view()).is_error()) return Errno::eexist;
  if (parent.trailing_slash) return Errno::enoent;
  return may_create(parent.parent->inode());
}
} // namespace

// fs/namei.c do_linkat's order: the old path, the new entry, the mount (EXDEV), then
// vfs_link's own checks (a directory: EPERM).
SyscallResult sys_linkat(const SyscallArgs& a) {
  u32 flags = a.u32_(4);
  if (flags & ~static_cast<u32>(abi::at_symlink_follow | abi::at_empty_path)) return Errno::einval;
  auto target = TRY(resolve_at(a.fd(0), a.ptr(1), flags, (flags & abi::at_symlink_follow) ? Follow::yes : Follow::no));
  auto parent = TRY(resolve_parent_at(a.fd(2), a.ptr(3)));
  TRY(check_new_entry(parent));
  if (target->inode().device() != parent.parent->inode().device()) return Errno::exdev;
  if (target->inode().metadata().is_dir()) return Errno::eperm;
  TRY(parent.parent->inode().link(parent.name.view(), target->inode()));
  fsnotify_self(target->inode(), abi::in_attrib); // fsnotify_link: one link more
  fsnotify_entry(parent.parent->inode(), parent.name.view(), abi::in_create, false);
  return 0;
}

SyscallResult sys_symlinkat(const SyscallArgs& a) {
  String target = TRY(copy_path_in(a.ptr(0)));
  if (target.empty()) return Errno::enoent;
  auto parent = TRY(resolve_parent_at(a.fd(1), a.ptr(2)));
  TRY(check_new_entry(parent));
  Process& p = current_process();
  TRY(parent.parent->inode().symlink(parent.name.view(), target.view(), p.credentials().euid, p.credentials().egid));
  fsnotify_entry(parent.parent->inode(), parent.name.view(), abi::in_create, false);
  return 0;
}

SyscallResult sys_readlinkat(const SyscallArgs& a) {
  i64 bufsiz = a.i32_(3);
  if (bufsiz <= 0) return Errno::einval;
  auto custody = TRY(resolve_at(a.fd(0), a.ptr(1), abi::at_empty_path, Follow::no));
  String target = TRY(custody->inode().readlink());
  // readlink(2): no NUL is appended; the target is silently truncated to bufsiz.
  usize n = min(target.length(), static_cast<usize>(bufsiz));
  TRY(a.user<char>(2).write_array(target.c_str(), n));
  return static_cast<i64>(n);
}

SyscallResult sys_getcwd(const SyscallArgs& a) {
  Custody& cwd = current_process().cwd();
  String path = cwd.absolute_path();
  // Linux prefixes "(unreachable)" when the cwd was removed; we report ENOENT like
  // glibc's getcwd wrapper makes of it.
  if (cwd.inode().metadata().nlink == 0) return Errno::enoent;
  usize need = path.length() + 1;
  if (a.size(1) < need) return Errno::erange;
  TRY(a.user<char>(0).write_array(path.c_str(), need));
  return static_cast<i64>(need);
}

SyscallResult sys_chdir(const SyscallArgs& a) {
  auto custody = TRY(resolve_at(abi::at_fdcwd, a.ptr(0), 0, Follow::yes));
  if (!custody->inode().metadata().is_dir()) return Errno::enotdir;
  TRY(inode_permission(custody->inode(), may_exec));
  current_process().set_cwd(std::move(custody));
  return 0;
}

SyscallResult sys_fchdir(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  if (!d->custody()) return Errno::enotdir;
  if (!d->custody()->inode().metadata().is_dir()) return Errno::enotdir;
  TRY(inode_permission(d->custody()->inode(), may_exec));
  current_process().set_cwd(RefPtr<Custody>(d->custody()));
  return 0;
}

} // namespace wasmux
