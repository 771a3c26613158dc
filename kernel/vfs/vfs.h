#pragma once
// The virtual file system: the root, the mount table and path resolution (Linux
// fs/namei.c semantics: symlinks followed up to 40 deep, ".." at a mount root crosses to
// the mountpoint's parent, a trailing slash demands a directory).
#include "custody.h"

namespace wasmux {

enum class Follow { yes, no };

struct ResolvedParent {
  RefPtr<Custody> parent;
  String name;       // the last component ("" for "/", may be "." or "..")
  bool trailing_slash;
};

class Vfs {
public:
  static Vfs& the();

  void set_root(RefPtr<Inode> root);
  RefPtr<Custody> root();
  // Mounts root over the directory at mountpoint.
  ErrorOr mount(Custody& mountpoint, RefPtr<Inode> root);
  // What is mounted over inode, or nullptr.
  Inode* mounted_over(Inode& inode);

  // Resolves path relative to base (absolute paths ignore it).
  Result<RefPtr<Custody>> resolve(Custody& base, std::string_view path, Follow follow_last);
  // Resolves all but the last component.
  Result<ResolvedParent> resolve_parent(Custody& base, std::string_view path);

  static constexpr u32 max_symlinks = 40; // Linux MAXSYMLINKS
  static constexpr usize name_max = 255;

private:
  Result<RefPtr<Custody>> walk(RefPtr<Custody> at, std::string_view path, Follow follow_last, u32& links);
  Result<RefPtr<Custody>> step(RefPtr<Custody> dir, std::string_view name);

  struct Mount {
    RefPtr<Inode> mountpoint;
    RefPtr<Inode> root;
  };
  RefPtr<Custody> m_root;
  Vector<Mount> m_mounts;
};

} // namespace wasmux
