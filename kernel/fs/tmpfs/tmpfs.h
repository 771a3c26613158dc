#pragma once
// tmpfs: the default root file system, all in kernel memory. Files keep their data in
// 4 KiB pages (holes read as zeros); directories keep entries in creation order with a
// stable cookie each, so readdir offsets survive concurrent unlinks.
#include "../../vfs/inode.h"

namespace wasmux {

class TmpfsInode : public Inode {
public:
  InodeMetadata metadata() override { return m_meta; }
  ErrorOr chmod(u32 mode) override;
  ErrorOr chown(u32 uid, u32 gid) override;
  ErrorOr set_times(i64 atime_ns, i64 mtime_ns) override;

  InodeMetadata& meta() { return m_meta; }
  void touch_ctime();
  void touch_mtime();

protected:
  TmpfsInode(u64 device, u32 mode, u32 uid, u32 gid);
  InodeMetadata m_meta;
};

class TmpfsDirectory final : public TmpfsInode {
public:
  static RefPtr<TmpfsDirectory> create_root(u32 mode);
  TmpfsDirectory(u64 device, u32 mode, u32 uid, u32 gid, TmpfsDirectory* parent);

  Result<RefPtr<Inode>> lookup(std::string_view name) override;
  Result<RefPtr<Inode>> create(std::string_view name, u32 mode, u32 uid, u32 gid) override;
  Result<RefPtr<Inode>> mkdir(std::string_view name, u32 mode, u32 uid, u32 gid) override;
  ErrorOr mknod(std::string_view name, u32 mode, u64 rdev, u32 uid, u32 gid) override;
  ErrorOr symlink(std::string_view name, std::string_view target, u32 uid, u32 gid) override;
  ErrorOr link(std::string_view name, Inode& target) override;
  ErrorOr unlink(std::string_view name, bool is_dir) override;
  ErrorOr rename(std::string_view old_name, Inode& new_dir, std::string_view new_name, RenameFlags) override;
  // Adds a device or other special inode (used by image loading and mknod).
  ErrorOr add_child(std::string_view name, RefPtr<Inode> child);
  bool is_empty() const { return m_entries.empty(); }

protected:
  ErrorOr enumerate_impl(i64 after, EnumerateFn f, void* ctx) override;

private:
  struct Entry {
    String name;
    RefPtr<Inode> inode;
    i64 cookie;
  };
  Entry* find(std::string_view name);
  ErrorOr check_new_name(std::string_view name);
  void insert(std::string_view name, RefPtr<Inode> inode);
  void remove_entry(std::string_view name);
  TmpfsDirectory* m_parent; // weak: ".." of this directory (self for the root)
  Vector<Entry> m_entries;
  i64 m_next_cookie{3};     // 1 and 2 are "." and ".."
};

class TmpfsFile final : public TmpfsInode {
public:
  TmpfsFile(u64 device, u32 mode, u32 uid, u32 gid);
  ~TmpfsFile() override;
  Result<usize> read_at(i64 offset, const IoBuffer& buf) override;
  Result<usize> write_at(i64 offset, const IoBuffer& buf) override;
  ErrorOr truncate(i64 length) override;
  // The largest file (EFBIG past it): 1 TiB, far beyond what kernel memory holds written,
  // and its chunk table stays small for a sparse one.
  static constexpr u64 max_file_size = 1ull << 40;

private:
  // Data lives in chunks that double from 4 KiB up to 1 MiB: a small file wastes at most
  // its own size, and a large one is copied in few, large pieces (a 64 KiB read touches
  // one or two chunks instead of sixteen pages).
  struct ChunkPos {
    usize index;
    usize offset; // within the chunk
    usize size;   // of the chunk
  };
  static ChunkPos locate(u64 pos);
  static u64 chunk_start(usize index);
  Vector<u8*> m_chunks; // nullptr: a hole, reads as zeros
};

class TmpfsSymlink final : public TmpfsInode {
public:
  TmpfsSymlink(u64 device, std::string_view target, u32 uid, u32 gid);
  Result<String> readlink() override { return m_target; }
  Result<usize> read_at(i64, const IoBuffer&) override { return Errno::einval; }
  Result<usize> write_at(i64, const IoBuffer&) override { return Errno::einval; }

private:
  String m_target;
};

// A FIFO, socket or device node made by mknod. A FIFO opens as a pipe (ipc/pipe.h); a
// socket's or device's open is ENXIO (no driver behind the node: Linux's answer for a
// socket file, and for a device number nothing registered).
class TmpfsNode final : public TmpfsInode {
public:
  TmpfsNode(u64 device, u32 mode, u64 rdev, u32 uid, u32 gid);
  Result<RefPtr<File>> open(u32 flags) override;
  Result<usize> read_at(i64, const IoBuffer&) override { return Errno::einval; }
  Result<usize> write_at(i64, const IoBuffer&) override { return Errno::einval; }

private:
  RefPtr<class Pipe> m_pipe; // a FIFO's, while it is open
};

// Inode numbers for every in-kernel file system (tmpfs, devfs).
u64 allocate_inode_number();

} // namespace wasmux
