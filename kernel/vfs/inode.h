#pragma once
// Inodes: the objects a file system holds. Operations a kind of inode doesn't support
// answer the errno Linux gives for that case (ENOTDIR on a non-directory, EINVAL ...).
#include <string_view>

#include <wasmux/abi.h>

#include "../base/refptr.h"
#include "../base/result.h"
#include "../base/user_buffer.h"
#include "../base/vector.h"

namespace wasmux {

class File;

struct InodeMetadata {
  u64 ino{0};
  u32 mode{0}; // S_IF* | permissions
  u32 nlink{1};
  u32 uid{0};
  u32 gid{0};
  u64 rdev{0};
  i64 size{0};
  i64 atime_ns{0};
  i64 mtime_ns{0};
  i64 ctime_ns{0};
  bool is_dir() const { return (mode & abi::s_ifmt) == abi::s_ifdir; }
  bool is_symlink() const { return (mode & abi::s_ifmt) == abi::s_iflnk; }
  bool is_regular() const { return (mode & abi::s_ifmt) == abi::s_ifreg; }
};

// One directory entry handed to an enumerate() callback; cookie resumes after it.
struct DirEntry {
  std::string_view name;
  u64 ino;
  u8 type; // DT_*
  i64 cookie;
};

enum class RenameFlags : u32 { none = 0, noreplace = 1, exchange = 2 };

class Inode : public RefCounted<Inode> {
public:
  virtual ~Inode() = default;

  virtual InodeMetadata metadata() = 0;
  u64 device() const { return m_device; }

  // ---- directories ----
  virtual Result<RefPtr<Inode>> lookup(std::string_view) { return Errno::enotdir; }
  virtual Result<RefPtr<Inode>> create(std::string_view, u32 /*mode*/, u32 /*uid*/, u32 /*gid*/) { return Errno::enotdir; }
  virtual Result<RefPtr<Inode>> mkdir(std::string_view, u32, u32, u32) { return Errno::enotdir; }
  // mknod(2) of a FIFO, socket or device node (mode has its S_IF* type): EPERM where the
  // file system cannot hold that kind of node.
  virtual ErrorOr mknod(std::string_view, u32 /*mode*/, u64 /*rdev*/, u32, u32) { return Errno::eperm; }
  virtual ErrorOr symlink(std::string_view, std::string_view /*target*/, u32, u32) { return Errno::enotdir; }
  virtual ErrorOr link(std::string_view, Inode&) { return Errno::enotdir; }
  virtual ErrorOr unlink(std::string_view, bool /*is_dir*/) { return Errno::enotdir; }
  // Moves old_name here to new_dir/new_name (both directories of this file system).
  virtual ErrorOr rename(std::string_view, Inode&, std::string_view, RenameFlags) { return Errno::enotdir; }
  // Calls f for each entry with a cookie greater than after; f returns false to stop.
  template <typename F>
  ErrorOr enumerate(i64 after, F f) {
    return enumerate_impl(after, [](void* ctx, const DirEntry& e) { return (*static_cast<F*>(ctx))(e); }, &f);
  }

  // ---- regular files and symlinks ----
  virtual Result<usize> read_at(i64, const IoBuffer&) { return Errno::eisdir; }
  virtual Result<usize> write_at(i64, const IoBuffer&) { return Errno::eisdir; }
  virtual ErrorOr truncate(i64) { return Errno::eisdir; }
  virtual Result<String> readlink() { return Errno::einval; }
  virtual ErrorOr sync() { return {}; }

  // ---- attributes ----
  virtual ErrorOr chmod(u32 mode) = 0;
  virtual ErrorOr chown(u32 uid, u32 gid) = 0;
  // Nanoseconds since the epoch (before it: negative), or time_omit to leave one alone.
  static constexpr i64 time_omit = INT64_MIN;
  virtual ErrorOr set_times(i64 atime_ns, i64 mtime_ns) = 0;

  // statfs(2) of the file system this inode is on. The default describes a tmpfs in kernel
  // memory (tmpfs and devfs are that).
  virtual ErrorOr statfs(abi::Statfs& out);

  // A "magic" link (/proc/PID/fd/N, /proc/PID/cwd) names an object directly rather than
  // a path: following it yields that object (Linux proc_fd_link), not a re-resolution of
  // the text readlink shows.
  virtual bool is_magic_link() const { return false; }
  virtual Result<RefPtr<class Custody>> follow_magic_link(RefPtr<class Custody> /*parent*/) { return Errno::einval; }

  // The File an open() of this inode produces (devices override).
  virtual Result<RefPtr<File>> open(u32 flags);
  // The File of an O_PATH descriptor: stat and *at() bases only, whatever the inode is.
  static Result<RefPtr<File>> open_path_only(RefPtr<Inode> inode);

protected:
  explicit Inode(u64 device) : m_device(device) {}
  using EnumerateFn = bool (*)(void*, const DirEntry&);
  virtual ErrorOr enumerate_impl(i64, EnumerateFn, void*) { return Errno::enotdir; }

private:
  u64 m_device;
};

u8 dirent_type_of(u32 mode);
// A fresh device number for each mounted file system (st_dev).
u64 allocate_device_number();

} // namespace wasmux
