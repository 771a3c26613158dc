#include "path_helpers.h"

#include "../fd/file_description.h"

namespace wasmux {

Result<RefPtr<Custody>> base_for_dirfd(i32 dirfd) { return base_for_dirfd(current_process(), dirfd); }

Result<RefPtr<Custody>> base_for_dirfd(Process& p, i32 dirfd) {
  if (dirfd == abi::at_fdcwd) return RefPtr<Custody>(&p.cwd());
  auto d = TRY(p.fds().get(dirfd));
  if (!d->custody()) return Errno::enotdir;
  if (!d->custody()->inode().metadata().is_dir()) return Errno::enotdir;
  return RefPtr<Custody>(d->custody());
}

Result<String> copy_path_in(UserAddr upath) { return copy_string_in(upath, abi::path_max); }

Result<RefPtr<Custody>> resolve_at(i32 dirfd, UserAddr upath, u32 at_flags, Follow follow) {
  String path = TRY(copy_path_in(upath));
  if (path.empty()) {
    if (!(at_flags & abi::at_empty_path)) return Errno::enoent;
    if (dirfd == abi::at_fdcwd) return RefPtr<Custody>(&current_process().cwd());
    auto d = TRY(current_process().fds().get(dirfd));
    if (!d->custody()) return Errno::ebadf;
    return RefPtr<Custody>(d->custody());
  }
  // Absolute paths ignore dirfd entirely, even a bad one (openat(2)).
  if (path.view().front() == '/') return Vfs::the().resolve(current_process().cwd(), path.view(), follow);
  RefPtr<Custody> base = TRY(base_for_dirfd(dirfd));
  return Vfs::the().resolve(*base, path.view(), follow);
}

Result<ResolvedParent> resolve_parent_at(i32 dirfd, UserAddr upath) {
  String path = TRY(copy_path_in(upath));
  if (path.empty()) return Errno::enoent;
  if (path.view().front() == '/') return Vfs::the().resolve_parent(current_process().cwd(), path.view());
  RefPtr<Custody> base = TRY(base_for_dirfd(dirfd));
  return Vfs::the().resolve_parent(*base, path.view());
}

} // namespace wasmux
