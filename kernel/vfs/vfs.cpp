#include "vfs.h"
#include "permission.h"

namespace wasmux {

Vfs& Vfs::the() {
  static Vfs* vfs = new Vfs;
  return *vfs;
}

void Vfs::set_root(RefPtr<Inode> root) { m_root = make_ref<Custody>(nullptr, "", std::move(root)); }

RefPtr<Custody> Vfs::root() { return m_root; }

ErrorOr Vfs::mount(Custody& mountpoint, RefPtr<Inode> root) {
  if (!mountpoint.inode().metadata().is_dir()) return Errno::enotdir;
  if (mounted_over(mountpoint.inode())) return Errno::ebusy;
  m_mounts.append({mountpoint.inode_ref(), std::move(root)});
  return {};
}

Inode* Vfs::mounted_over(Inode& inode) {
  for (auto& m : m_mounts)
    if (m.mountpoint.ptr() == &inode) return m.root.ptr();
  return nullptr;
}

Result<RefPtr<Custody>> Vfs::step(RefPtr<Custody> dir, std::string_view name) {
  if (name == "..") return dir->parent() ? dir->parent_ref() : dir;
  RefPtr<Inode> child = TRY(dir->inode().lookup(name));
  if (Inode* over = mounted_over(*child)) child = over;
  return make_ref<Custody>(std::move(dir), name, std::move(child));
}

namespace {
// Splits the next component off path; returns it and leaves the rest (without slashes).
std::string_view next_component(std::string_view& path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  usize end = path.find('/');
  std::string_view c = path.substr(0, end);
  path.remove_prefix(end == std::string_view::npos ? path.size() : end);
  return c;
}
bool only_slashes(std::string_view s) {
  for (char c : s)
    if (c != '/') return false;
  return true;
}
} // namespace

Result<RefPtr<Custody>> Vfs::walk(RefPtr<Custody> at, std::string_view path, Follow follow_last, u32& links) {
  if (path.empty()) return Errno::enoent;
  if (path.front() == '/') at = m_root;
  std::string_view rest = path;
  for (;;) {
    std::string_view name = next_component(rest);
    if (name.empty()) break; // "/" or trailing slashes
    bool last = only_slashes(rest);
    bool trailing_slash = last && !rest.empty();
    if (!at->inode().metadata().is_dir()) return Errno::enotdir;
    if (name.size() > name_max) return Errno::enametoolong;
    // Every directory a path passes through must be searchable (path_resolution(7)).
    TRY(inode_permission(at->inode(), may_exec));
    if (name == ".") continue;
    RefPtr<Custody> next = TRY(step(at, name));
    InodeMetadata md = next->inode().metadata();
    if (md.is_symlink() && (!last || follow_last == Follow::yes || trailing_slash)) {
      if (++links > max_symlinks) return Errno::eloop;
      if (next->inode().is_magic_link()) {
        next = TRY(next->inode().follow_magic_link(at));
      } else {
        String target = TRY(next->inode().readlink());
        // The link's target resolves relative to the directory holding the link.
        next = TRY(walk(at, target.view(), Follow::yes, links));
      }
      md = next->inode().metadata();
    }
    if (trailing_slash && !md.is_dir()) return Errno::enotdir;
    at = std::move(next);
  }
  return at;
}

Result<RefPtr<Custody>> Vfs::resolve(Custody& base, std::string_view path, Follow follow_last) {
  u32 links = 0;
  return walk(RefPtr<Custody>(&base), path, follow_last, links);
}

Result<ResolvedParent> Vfs::resolve_parent(Custody& base, std::string_view path) {
  if (path.empty()) return Errno::enoent;
  usize end = path.size();
  while (end > 1 && path[end - 1] == '/') --end;
  bool trailing_slash = end < path.size();
  std::string_view trimmed = path.substr(0, end);
  usize slash = trimmed.rfind('/');
  std::string_view name = slash == std::string_view::npos ? trimmed : trimmed.substr(slash + 1);
  if (name.size() > name_max) return Errno::enametoolong;
  RefPtr<Custody> parent;
  if (slash == std::string_view::npos) {
    parent = RefPtr<Custody>(&base);
  } else {
    std::string_view dir = trimmed.substr(0, slash);
    if (dir.empty()) dir = "/";
    u32 links = 0;
    parent = TRY(walk(RefPtr<Custody>(&base), dir, Follow::yes, links));
  }
  if (trimmed == "/") name = "";
  if (!parent->inode().metadata().is_dir()) return Errno::enotdir;
  return ResolvedParent{std::move(parent), String(name), trailing_slash};
}

u8 dirent_type_of(u32 mode) {
  switch (mode & abi::s_ifmt) {
  case abi::s_ifdir: return abi::dt_dir;
  case abi::s_ifreg: return abi::dt_reg;
  case abi::s_iflnk: return abi::dt_lnk;
  case abi::s_ifchr: return abi::dt_chr;
  case abi::s_ifblk: return abi::dt_blk;
  case abi::s_ififo: return abi::dt_fifo;
  case abi::s_ifsock: return abi::dt_sock;
  default: return abi::dt_unknown;
  }
}

u64 allocate_device_number() {
  static u64 next = 1;
  return next++;
}

} // namespace wasmux
