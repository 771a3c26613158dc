// openat, close.
#include "open.h"
#include "../event/fsnotify.h"
#include "../fd/file_description.h"
#include "../vfs/permission.h"

#include "path_helpers.h"

namespace wasmux {

namespace {

// O_CREAT: the last component is created when missing; a symlink there is followed
// (unless O_EXCL or O_NOFOLLOW) and a dangling one creates its target (open(2), Linux
// fs/namei.c open_last_lookups).
// created: the file is new (then open checks no permission on it: open(2)).
Result<RefPtr<Custody>> create_at(Process& p, Custody& base, std::string_view path, u32 flags, u32 mode, u32& links,
                                  bool& created) {
  auto parent = TRY(Vfs::the().resolve_parent(base, path));
  // open(2): O_CREAT on a directory (or with a trailing slash) fails with EISDIR; with
  // O_EXCL, "/", "." and ".." exist (EEXIST, as Linux's open_last_lookups answers first).
  bool special = parent.name.empty() || parent.name == "." || parent.name == "..";
  if (special && (flags & abi::o_excl)) return Errno::eexist;
  if (parent.trailing_slash || special) return Errno::eisdir;
  TRY(inode_permission(parent.parent->inode(), may_exec));
  auto existing = parent.parent->inode().lookup(parent.name.view());
  if (!existing.is_error()) {
    if (flags & abi::o_excl) return Errno::eexist; // even for a symlink (not followed)
    RefPtr<Inode> inode = existing.release_value();
    if (Inode* over = Vfs::the().mounted_over(*inode)) inode = over;
    InodeMetadata md = inode->metadata();
    if (md.is_symlink()) {
      if (flags & abi::o_nofollow) return Errno::eloop;
      if (++links > Vfs::max_symlinks) return Errno::eloop;
      if (inode->is_magic_link()) return inode->follow_magic_link(parent.parent);
      String target = TRY(inode->readlink());
      return create_at(p, *parent.parent, target.view(), flags, mode, links, created);
    }
    if (md.is_dir()) return Errno::eisdir;
    return make_ref<Custody>(parent.parent, parent.name.view(), std::move(inode));
  }
  if (existing.error() != Errno::enoent) return existing.error();
  TRY(may_create(parent.parent->inode()));
  created = true;
  auto inode = TRY(parent.parent->inode().create(parent.name.view(), mode & ~p.umask() & 07777, p.credentials().euid,
                                                 p.credentials().egid));
  return make_ref<Custody>(parent.parent, parent.name.view(), std::move(inode));
}

} // namespace

Result<RefPtr<FileDescription>> open_description(Process& p, i32 dirfd, std::string_view path, u32 flags, u32 mode) {
  if ((flags & abi::o_tmpfile) == abi::o_tmpfile) return Errno::eopnotsupp;
  if ((flags & abi::o_accmode) == abi::o_accmode) return Errno::einval;
  if (flags & abi::o_path) flags &= static_cast<u32>(abi::o_path | abi::o_cloexec | abi::o_directory | abi::o_nofollow);
  if (path.empty()) return Errno::enoent;
  RefPtr<Custody> base = path.front() == '/' ? Vfs::the().root() : TRY(base_for_dirfd(p, dirfd));
  RefPtr<Custody> custody;
  bool created = false;
  if (flags & abi::o_creat) {
    u32 links = 0;
    custody = TRY(create_at(p, *base, path, flags, mode, links, created));
  } else {
    custody = TRY(Vfs::the().resolve(*base, path, (flags & abi::o_nofollow) ? Follow::no : Follow::yes));
  }
  Inode& inode = custody->inode();
  InodeMetadata md = inode.metadata();
  u32 acc = flags & abi::o_accmode;
  bool wants_write = !(flags & abi::o_path) && (acc == abi::o_wronly || acc == abi::o_rdwr);
  if ((flags & abi::o_directory) && !md.is_dir()) return Errno::enotdir;
  if (md.is_symlink() && !(flags & abi::o_path)) return Errno::eloop; // O_NOFOLLOW on a link
  if (md.is_dir() && (wants_write || (flags & abi::o_trunc && !(flags & abi::o_path)))) return Errno::eisdir;
  if (!created && !(flags & abi::o_path)) {
    // Linux may_open: the access mode asks for reading and writing, O_TRUNC for writing.
    u32 mask = (acc != abi::o_wronly ? may_read : 0) | (acc != abi::o_rdonly ? may_write : 0);
    if (flags & abi::o_trunc) mask |= may_write;
    TRY(inode_permission(inode, mask));
  }
  RefPtr<File> file;
  if (flags & abi::o_path) {
    file = TRY(Inode::open_path_only(custody->inode_ref()));
  } else {
    file = TRY(inode.open(flags));
  }
  if ((flags & abi::o_trunc) && wants_write && md.is_regular()) TRY(inode.truncate(0));
  auto description = make_ref<FileDescription>(std::move(file), flags, custody);
  TRY(description->file().wait_for_partner(*description));
  if (!(flags & abi::o_path)) {
    if (created) fsnotify_entry(custody->parent()->inode(), custody->name(), abi::in_create, false);
    fsnotify(*custody, abi::in_open);
  }
  return description;
}

SyscallResult sys_openat(const SyscallArgs& a) {
  Process& p = current_process();
  String path = TRY(copy_path_in(a.ptr(1)));
  u32 flags = a.u32_(2);
  auto description = TRY(open_description(p, a.fd(0), path.view(), flags, a.u32_(3)));
  return TRY(p.fds().allocate(std::move(description), flags & abi::o_cloexec, 0, p.nofile_limit()));
}

SyscallResult sys_close(const SyscallArgs& a) {
  TRY(current_process().fds().close(a.fd(0)));
  return 0;
}

} // namespace wasmux
