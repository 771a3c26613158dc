#include "tmpfs.h"

#include "../../host/host_port.h"
#include "../../ipc/pipe.h"
#include "../../time/clocks.h"

namespace wasmux {

u64 allocate_inode_number() {
  static u64 next = 2;
  return next++;
}

TmpfsInode::TmpfsInode(u64 device, u32 mode, u32 uid, u32 gid) : Inode(device) {
  m_meta.ino = allocate_inode_number();
  m_meta.mode = mode;
  m_meta.uid = uid;
  m_meta.gid = gid;
  i64 now = realtime_now();
  m_meta.atime_ns = m_meta.mtime_ns = m_meta.ctime_ns = now;
}

void TmpfsInode::touch_ctime() { m_meta.ctime_ns = realtime_now(); }
void TmpfsInode::touch_mtime() { m_meta.mtime_ns = m_meta.ctime_ns = realtime_now(); }

ErrorOr TmpfsInode::chmod(u32 mode) {
  m_meta.mode = (m_meta.mode & abi::s_ifmt) | (mode & 07777);
  touch_ctime();
  return {};
}

ErrorOr TmpfsInode::chown(u32 uid, u32 gid) {
  if (uid != 0xffffffffu) m_meta.uid = uid;
  if (gid != 0xffffffffu) m_meta.gid = gid;
  touch_ctime();
  return {};
}

ErrorOr TmpfsInode::set_times(i64 atime_ns, i64 mtime_ns) {
  if (atime_ns != time_omit) m_meta.atime_ns = atime_ns;
  if (mtime_ns != time_omit) m_meta.mtime_ns = mtime_ns;
  touch_ctime();
  return {};
}

// ---- directories ----

RefPtr<TmpfsDirectory> TmpfsDirectory::create_root(u32 mode) {
  auto root = make_ref<TmpfsDirectory>(allocate_device_number(), mode, 0, 0, nullptr);
  return root;
}

TmpfsDirectory::TmpfsDirectory(u64 device, u32 mode, u32 uid, u32 gid, TmpfsDirectory* parent)
    : TmpfsInode(device, abi::s_ifdir | (mode & 07777), uid, gid), m_parent(parent ? parent : this) {
  m_meta.nlink = 2;
  m_meta.size = 4096;
}

TmpfsDirectory::Entry* TmpfsDirectory::find(std::string_view name) {
  for (auto& e : m_entries)
    if (e.name == name) return &e;
  return nullptr;
}

ErrorOr TmpfsDirectory::check_new_name(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return Errno::eexist;
  if (find(name)) return Errno::eexist;
  // A directory removed while in use (e.g. someone's cwd) accepts no new entries.
  if (m_meta.nlink == 0) return Errno::enoent;
  return {};
}

void TmpfsDirectory::insert(std::string_view name, RefPtr<Inode> inode) {
  m_entries.append({String(name), std::move(inode), m_next_cookie++});
  touch_mtime();
}

void TmpfsDirectory::remove_entry(std::string_view name) {
  for (usize i = 0; i < m_entries.size(); ++i) {
    if (m_entries[i].name == name) {
      m_entries.remove(i);
      break;
    }
  }
  touch_mtime();
}

Result<RefPtr<Inode>> TmpfsDirectory::lookup(std::string_view name) {
  if (name == ".") return RefPtr<Inode>(this);
  if (name == "..") return RefPtr<Inode>(m_parent);
  Entry* e = find(name);
  if (!e) return Errno::enoent;
  return e->inode;
}

Result<RefPtr<Inode>> TmpfsDirectory::create(std::string_view name, u32 mode, u32 uid, u32 gid) {
  TRY(check_new_name(name));
  auto file = make_ref<TmpfsFile>(device(), abi::s_ifreg | (mode & 07777), uid, gid);
  insert(name, file);
  return RefPtr<Inode>(file);
}

Result<RefPtr<Inode>> TmpfsDirectory::mkdir(std::string_view name, u32 mode, u32 uid, u32 gid) {
  TRY(check_new_name(name));
  auto dir = make_ref<TmpfsDirectory>(device(), mode, uid, gid, this);
  insert(name, dir);
  ++m_meta.nlink; // the child's ".."
  return RefPtr<Inode>(dir);
}

ErrorOr TmpfsDirectory::mknod(std::string_view name, u32 mode, u64 rdev, u32 uid, u32 gid) {
  TRY(check_new_name(name));
  if ((mode & abi::s_ifmt) == abi::s_ifreg)
    insert(name, make_ref<TmpfsFile>(device(), mode, uid, gid));
  else
    insert(name, make_ref<TmpfsNode>(device(), mode, rdev, uid, gid));
  return {};
}

ErrorOr TmpfsDirectory::symlink(std::string_view name, std::string_view target, u32 uid, u32 gid) {
  TRY(check_new_name(name));
  insert(name, make_ref<TmpfsSymlink>(device(), target, uid, gid));
  return {};
}

ErrorOr TmpfsDirectory::link(std::string_view name, Inode& target) {
  if (target.device() != device()) return Errno::exdev;
  auto* t = static_cast<TmpfsInode*>(&target);
  if (t->meta().is_dir()) return Errno::eperm; // link(2): EPERM for directories
  TRY(check_new_name(name));
  ++t->meta().nlink;
  t->touch_ctime();
  insert(name, RefPtr<Inode>(&target));
  return {};
}

ErrorOr TmpfsDirectory::add_child(std::string_view name, RefPtr<Inode> child) {
  TRY(check_new_name(name));
  insert(name, std::move(child));
  return {};
}

ErrorOr TmpfsDirectory::unlink(std::string_view name, bool is_dir) {
  if (name == ".") return is_dir ? Errno::einval : Errno::eisdir;
  if (name == "..") return is_dir ? Errno::enotempty : Errno::eisdir;
  Entry* e = find(name);
  if (!e) return Errno::enoent;
  InodeMetadata md = e->inode->metadata();
  if (is_dir) {
    if (!md.is_dir()) return Errno::enotdir;
    auto* dir = static_cast<TmpfsDirectory*>(e->inode.ptr());
    if (!dir->is_empty()) return Errno::enotempty;
    dir->meta().nlink = 0;
    --m_meta.nlink;
  } else {
    if (md.is_dir()) return Errno::eisdir;
    if (e->inode->device() == device()) {
      auto* t = static_cast<TmpfsInode*>(e->inode.ptr());
      --t->meta().nlink;
      t->touch_ctime();
    }
  }
  remove_entry(name);
  return {};
}

// rename(2) semantics: replacing a directory needs an empty directory, a directory may not
// move into its own subtree (EINVAL), renaming onto the same inode does nothing.
ErrorOr TmpfsDirectory::rename(std::string_view old_name, Inode& new_dir_inode, std::string_view new_name, RenameFlags flags) {
  if (old_name == "." || old_name == ".." || new_name == "." || new_name == ".." || old_name.empty() || new_name.empty())
    return Errno::ebusy;
  if (new_dir_inode.device() != device()) return Errno::exdev;
  auto& new_dir = static_cast<TmpfsDirectory&>(new_dir_inode);
  Entry* src = find(old_name);
  if (!src) return Errno::enoent;
  RefPtr<Inode> moving = src->inode;
  bool moving_dir = moving->metadata().is_dir();
  if (moving_dir) {
    for (TmpfsDirectory* d = &new_dir;; d = d->m_parent) {
      if (d == moving.ptr()) return Errno::einval;
      if (d->m_parent == d) break;
    }
  }
  Entry* dst = new_dir.find(new_name);
  if (flags == RenameFlags::exchange) {
    if (!dst) return Errno::enoent;
    RefPtr<Inode> other = dst->inode;
    bool other_dir = other->metadata().is_dir();
    // renameat2(2) EINVAL: exchanging with an ancestor of the source would move that
    // ancestor into its own subtree.
    if (other_dir) {
      for (TmpfsDirectory* d = this;; d = d->m_parent) {
        if (d == other.ptr()) return Errno::einval;
        if (d->m_parent == d) break;
      }
    }
    dst->inode = moving;
    find(old_name)->inode = other;
    if (moving_dir) static_cast<TmpfsDirectory*>(moving.ptr())->m_parent = &new_dir;
    if (other_dir) static_cast<TmpfsDirectory*>(other.ptr())->m_parent = this;
    // A directory's ".." changes parent: move its link, as Linux shmem_exchange() does.
    if (this != &new_dir && moving_dir != other_dir) {
      TmpfsDirectory& gains = moving_dir ? new_dir : *this;
      TmpfsDirectory& loses = moving_dir ? *this : new_dir;
      ++gains.m_meta.nlink;
      --loses.m_meta.nlink;
    }
    touch_mtime();
    new_dir.touch_mtime();
    return {};
  }
  if (dst) {
    if (flags == RenameFlags::noreplace) return Errno::eexist;
    if (dst->inode == moving) return {};
    bool dst_dir = dst->inode->metadata().is_dir();
    if (moving_dir && !dst_dir) return Errno::enotdir;
    if (!moving_dir && dst_dir) return Errno::eisdir;
    TRY(new_dir.unlink(new_name, dst_dir));
  }
  if (moving_dir) {
    --m_meta.nlink;
    ++new_dir.m_meta.nlink;
    static_cast<TmpfsDirectory*>(moving.ptr())->m_parent = &new_dir;
  }
  remove_entry(old_name);
  new_dir.insert(new_name, moving);
  static_cast<TmpfsInode*>(moving.ptr())->touch_ctime();
  return {};
}

ErrorOr TmpfsDirectory::enumerate_impl(i64 after, EnumerateFn f, void* ctx) {
  if (after < 1 && !f(ctx, {".", m_meta.ino, abi::dt_dir, 1})) return {};
  if (after < 2 && !f(ctx, {"..", m_parent->m_meta.ino, abi::dt_dir, 2})) return {};
  for (auto& e : m_entries) {
    if (e.cookie <= after) continue;
    InodeMetadata md = e.inode->metadata();
    if (!f(ctx, {e.name.view(), md.ino, dirent_type_of(md.mode), e.cookie})) break;
  }
  return {};
}

// ---- regular files ----

TmpfsFile::TmpfsFile(u64 device, u32 mode, u32 uid, u32 gid) : TmpfsInode(device, mode, uid, gid) {}

TmpfsFile::~TmpfsFile() {
  for (u8* p : m_chunks) delete[] p;
}

namespace {
constexpr u64 first_chunk = 4096;
constexpr usize doubling_chunks = 9;                              // 4 KiB .. 1 MiB
constexpr u64 big_chunk = first_chunk << (doubling_chunks - 1);   // 1 MiB
constexpr u64 doubling_end = first_chunk * ((1u << doubling_chunks) - 1);
} // namespace

u64 TmpfsFile::chunk_start(usize index) {
  if (index < doubling_chunks) return first_chunk * ((u64{1} << index) - 1);
  return doubling_end + (index - doubling_chunks) * big_chunk;
}

TmpfsFile::ChunkPos TmpfsFile::locate(u64 pos) {
  if (pos >= doubling_end) {
    u64 i = (pos - doubling_end) / big_chunk;
    return {static_cast<usize>(doubling_chunks + i), static_cast<usize>((pos - doubling_end) % big_chunk), big_chunk};
  }
  usize index = 0;
  while (chunk_start(index + 1) <= pos) ++index;
  return {index, static_cast<usize>(pos - chunk_start(index)), static_cast<usize>(first_chunk << index)};
}

Result<usize> TmpfsFile::read_at(i64 offset, const IoBuffer& buf) {
  if (offset < 0) return Errno::einval;
  if (offset >= m_meta.size) return 0;
  usize n = static_cast<usize>(min<i64>(static_cast<i64>(buf.size()), m_meta.size - offset));
  usize done = 0;
  while (done < n) {
    ChunkPos at = locate(static_cast<u64>(offset) + done);
    usize piece = min(n - done, at.size - at.offset);
    u8* chunk = at.index < m_chunks.size() ? m_chunks[at.index] : nullptr;
    if (chunk)
      TRY(buf.write_from(done, chunk + at.offset, piece));
    else
      TRY(buf.fill_zero(done, piece));
    done += piece;
  }
  m_meta.atime_ns = realtime_now();
  return n;
}

Result<usize> TmpfsFile::write_at(i64 offset, const IoBuffer& buf) {
  if (offset < 0) return Errno::einval;
  usize n = buf.size();
  if (n == 0) return 0; // a write of nothing past the end does not extend the file
  if (static_cast<u64>(offset) + n > max_file_size) return Errno::efbig;
  usize done = 0;
  while (done < n) {
    ChunkPos at = locate(static_cast<u64>(offset) + done);
    usize piece = min(n - done, at.size - at.offset);
    if (at.index >= m_chunks.size()) m_chunks.resize(at.index + 1);
    if (!m_chunks[at.index]) {
      m_chunks[at.index] = new (std::nothrow) u8[at.size];
      if (!m_chunks[at.index]) return done ? Result<usize>(done) : Result<usize>(Errno::enospc);
      __builtin_memset(m_chunks[at.index], 0, at.size);
    }
    ErrorOr r = buf.read_into(m_chunks[at.index] + at.offset, done, piece);
    if (r.is_error()) {
      if (done == 0) return r.error();
      break; // a partial write reports what was written (write(2))
    }
    done += piece;
  }
  if (static_cast<i64>(offset + done) > m_meta.size) m_meta.size = static_cast<i64>(offset + done);
  touch_mtime();
  return done;
}

ErrorOr TmpfsFile::truncate(i64 length) {
  if (length < 0) return Errno::einval;
  if (static_cast<u64>(length) > max_file_size) return Errno::efbig; // truncate(2)
  if (length < m_meta.size && length > 0) {
    // Zero the tail of the chunk holding the new end, so a later extension reads zeros.
    ChunkPos at = locate(static_cast<u64>(length));
    if (at.index < m_chunks.size() && m_chunks[at.index] && at.offset)
      __builtin_memset(m_chunks[at.index] + at.offset, 0, at.size - at.offset);
  }
  usize keep = length == 0 ? 0 : locate(static_cast<u64>(length - 1)).index + 1;
  for (usize i = keep; i < m_chunks.size(); ++i) delete[] m_chunks[i];
  if (keep < m_chunks.size()) m_chunks.resize(keep);
  m_meta.size = length;
  touch_mtime();
  return {};
}

TmpfsSymlink::TmpfsSymlink(u64 device, std::string_view target, u32 uid, u32 gid)
    : TmpfsInode(device, abi::s_iflnk | 0777, uid, gid), m_target(target) {
  m_meta.size = static_cast<i64>(target.size());
}

TmpfsNode::TmpfsNode(u64 device, u32 mode, u64 rdev, u32 uid, u32 gid) : TmpfsInode(device, mode, uid, gid) {
  m_meta.rdev = rdev;
}

Result<RefPtr<File>> TmpfsNode::open(u32 flags) {
  if ((m_meta.mode & abi::s_ifmt) != abi::s_ififo) return Errno::enxio;
  return open_fifo(m_pipe, *this, flags);
}

} // namespace wasmux
