#include "hostfs.h"

#include <algorithm>

#include "../../entry/big_lock.h"
#include "../../entry/kernel.h"
#include "../../fd/file_description.h"
#include "../../host/host_port.h"
#include "../../vfs/inode_file.h"
#include "../../vfs/vfs.h"

namespace wasmux {

namespace {

// FNV-1a folded to 31 bits, above the cookies of "." and ".." (1 and 2). Leaves room for
// the collision bumps in enumerate_impl below INT32_MAX.
i64 name_hash(std::string_view name) {
  u64 h = 1469598103934665603ull;
  for (char c : name)
    h = (h ^ static_cast<u8>(c)) * 1099511628211ull;
  return static_cast<i64>((h ^ (h >> 31)) % 0x7ff00000u) + 3;
}

// A host call without the big lock (DESIGN §1: host I/O may block, and a slow host file
// system must not stall the whole kernel). Only where the call touches no kernel state and
// allocates nothing from the kernel heap (paths are built before, results land on the
// stack): a syscall's own step on a file it holds a reference to. metadata() stays under
// the lock (it is asked from everywhere, between steps that need the lock held), and so do
// readlink and readdir (their answers grow kernel-heap buffers).
template <typename F>
auto without_lock(F f) {
  Unlocked unlocked;
  return f();
}

class HostInode final : public Inode {
public:
  HostInode(u64 device, u32 mount, String path) : Inode(device), m_mount(mount), m_path(std::move(path)) {}

  InodeMetadata metadata() override {
    HostStat st{};
    InodeMetadata md;
    if (auto r = host().host_stat(m_mount, m_path.view(), st); r.is_error()) {
      // Gone on the host: no links. Any other failure (EIO, a host that cannot answer now)
      // leaves what was last seen, so a path through this directory fails at the step the
      // host refuses, with its error, not with ENOTDIR.
      if (r.error() != Errno::enoent && r.error() != Errno::enotdir && m_seen) return m_last;
      md.nlink = 0;
      return md;
    }
    md.ino = st.ino;
    md.mode = st.mode;
    md.nlink = st.nlink;
    md.size = static_cast<i64>(st.size);
    md.atime_ns = st.atime_ns;
    md.mtime_ns = st.mtime_ns;
    md.ctime_ns = st.ctime_ns;
    md.uid = st.uid;
    md.gid = st.gid;
    m_last = md;
    m_seen = true;
    return md;
  }

  // open(2) reaches the host as Linux's open reaches a network or FUSE file system: a host
  // that refuses the file (EACCES, EIO) refuses the open. Reads and writes open it again.
  Result<RefPtr<File>> open(u32 flags) override {
    u32 acc = flags & abi::o_accmode;
    // A host FIFO, socket or device is not served through a mount: its host open could
    // block for ever outside the kernel (a FIFO without a writer), where no signal reaches
    // it. ENXIO is open(2)'s errno for a socket file and for a device with no driver.
    // TODO(issue 10): a FIFO opens the kernel's own pipe, as a FIFO on NFS opens a local
    // one (fs/fifo.c knows no file system).
    InodeMetadata md = metadata(); // one host stat
    if (md.is_dir() || md.is_symlink()) return Inode::open(flags);
    if (!md.is_regular()) return Errno::enxio;
    Result<i32> h = 0;
    {
      Unlocked unlocked;
      h = host().host_open(m_mount, m_path.view(), static_cast<i32>(acc == abi::o_accmode ? abi::o_rdwr : acc), 0);
    }
    if (h.is_error()) return h.error();
    return RefPtr<File>(make_host_file(h.value()));
  }

  // One host open per transfer, for reads and writes that come without an open file (the
  // program loader's, an mmap's); those of an open file use its handle (HostFile).
  Result<usize> transfer(i64 offset, const IoBuffer& buf, bool write) {
    if (metadata().is_dir()) return Errno::eisdir;
    Result<i32> h = 0;
    {
      Unlocked unlocked;
      h = host().host_open(m_mount, m_path.view(), write ? abi::o_wronly : abi::o_rdonly, 0);
    }
    if (h.is_error()) return h.error();
    auto r = transfer_with(h.value(), offset, buf, write);
    Unlocked unlocked;
    host().host_close(h.value());
    return r;
  }

  // The data moves without the big lock: host I/O may block (DESIGN §1), and nothing here
  // touches kernel state (this inode is kept alive by the caller's reference). The host
  // reads into and writes from the buffer itself, a process's memory as much as the
  // kernel's: one copy between the host's pages and the buffer.
  Result<usize> transfer_with(i32 h, i64 offset, const IoBuffer& buf, bool write) {
    Unlocked unlocked;
    usize done = 0;
    // A failure after some bytes moved is the short count (read(2), write(2)).
    while (done < buf.size()) {
      usize n = buf.size() - done;
      i64 at = offset + static_cast<i64>(done);
      Result<usize> r = usize{0};
      if (buf.is_user()) {
        UserAddr addr = buf.user_addr() + static_cast<UserAddr>(done);
        r = write ? host().host_pwrite_user(h, addr, n, at) : host().host_pread_user(h, addr, n, at);
      } else {
        u8* k = const_cast<u8*>(buf.kernel_ptr()) + done;
        r = write ? host().host_pwrite(h, k, n, at) : host().host_pread(h, k, n, at);
      }
      if (r.is_error()) return done ? Result<usize>(done) : r;
      if (r.value() == 0) break;
      done += r.value();
      if (r.value() < n) break;
    }
    return done;
  }

  // fsync(2): the host's file, written through at each write, is synced there.
  ErrorOr sync() override {
    if (metadata().is_dir()) return {};
    Unlocked unlocked;
    i32 h = TRY(host().host_open(m_mount, m_path.view(), abi::o_rdonly, 0));
    auto r = host().host_fsync(h);
    host().host_close(h);
    return r;
  }

  Result<RefPtr<Inode>> lookup(std::string_view name) override {
    if (!metadata().is_dir()) return Errno::enotdir;
    if (name == ".") return RefPtr<Inode>(this);
    String child = child_path(name);
    HostStat st{};
    TRY(without_lock([&] { return host().host_stat(m_mount, child.view(), st); }));
    return RefPtr<Inode>(make_ref<HostInode>(device(), m_mount, std::move(child)));
  }

  // What the guest makes belongs to its creator, where the host can give it away.
  Result<RefPtr<Inode>> create(std::string_view name, u32 mode, u32 uid, u32 gid) override {
    String child = child_path(name);
    TRY(without_lock([&]() -> ErrorOr {
      i32 h = TRY(host().host_open(m_mount, child.view(), abi::o_creat | abi::o_excl | abi::o_rdwr, mode & 07777));
      host().host_close(h);
      return host().host_chown(m_mount, child.view(), uid, gid);
    }));
    return RefPtr<Inode>(make_ref<HostInode>(device(), m_mount, std::move(child)));
  }

  Result<RefPtr<Inode>> mkdir(std::string_view name, u32 mode, u32 uid, u32 gid) override {
    String child = child_path(name);
    TRY(without_lock([&]() -> ErrorOr {
      TRY(host().host_mkdir(m_mount, child.view(), mode & 07777));
      return host().host_chown(m_mount, child.view(), uid, gid);
    }));
    return RefPtr<Inode>(make_ref<HostInode>(device(), m_mount, std::move(child)));
  }

  ErrorOr symlink(std::string_view name, std::string_view target, u32 uid, u32 gid) override {
    String child = child_path(name);
    return without_lock([&]() -> ErrorOr {
      TRY(host().host_symlink(m_mount, target, child.view()));
      return host().host_chown(m_mount, child.view(), uid, gid);
    });
  }

  ErrorOr link(std::string_view name, Inode& target) override {
    if (target.device() != device()) return Errno::exdev;
    String child = child_path(name);
    std::string_view from = static_cast<HostInode&>(target).m_path.view(); // a path never changes
    return without_lock([&] { return host().host_link(m_mount, from, child.view()); });
  }

  ErrorOr unlink(std::string_view name, bool is_dir) override {
    if (name == "." || name == "..") return is_dir ? Errno::einval : Errno::eisdir;
    String child = child_path(name);
    return without_lock([&] { return host().host_unlink(m_mount, child.view(), is_dir); });
  }

  ErrorOr rename(std::string_view old_name, Inode& new_dir, std::string_view new_name, RenameFlags flags) override {
    if (new_dir.device() != device()) return Errno::exdev;
    if (flags == RenameFlags::exchange) return Errno::einval;
    String to = static_cast<HostInode&>(new_dir).child_path(new_name);
    String from = child_path(old_name);
    return without_lock([&]() -> ErrorOr {
      if (flags == RenameFlags::noreplace) {
        HostStat st{};
        if (!host().host_stat(m_mount, to.view(), st).is_error()) return Errno::eexist;
      }
      return host().host_rename(m_mount, from.view(), to.view());
    });
  }

  Result<usize> read_at(i64 offset, const IoBuffer& buf) override { return transfer(offset, buf, false); }
  Result<usize> write_at(i64 offset, const IoBuffer& buf) override { return transfer(offset, buf, true); }

  ErrorOr truncate(i64 length) override {
    return without_lock([&]() -> ErrorOr {
      i32 h = TRY(host().host_open(m_mount, m_path.view(), abi::o_wronly, 0));
      auto r = host().host_ftruncate(h, length);
      host().host_close(h);
      return r;
    });
  }

  Result<String> readlink() override {
    Vector<char> target;
    TRY(host().host_readlink(m_mount, m_path.view(), target));
    return String(std::string_view(target.data(), target.size()));
  }

  ErrorOr chmod(u32 mode) override {
    return without_lock([&] { return host().host_chmod(m_mount, m_path.view(), mode & 07777); });
  }
  // Host ids are the guest's ids; a host not running as root keeps its own (host_chown).
  ErrorOr chown(u32 uid, u32 gid) override {
    return without_lock([&] { return host().host_chown(m_mount, m_path.view(), uid, gid); });
  }
  // The host file system's own figures (its type too: `df -T` names it).
  ErrorOr statfs(abi::Statfs& out) override {
    HostStatfs h{};
    TRY(without_lock([&] { return host().host_statfs(m_mount, m_path.view(), h); }));
    out = {};
    out.f_type = static_cast<u32>(h.type);
    out.f_bsize = out.f_frsize = static_cast<u32>(h.bsize);
    out.f_blocks = h.blocks;
    out.f_bfree = h.bfree;
    out.f_bavail = h.bavail;
    out.f_files = h.files;
    out.f_ffree = h.ffree;
    out.f_namelen = abi::name_max;
    out.f_flags = abi::st_valid;
    return {};
  }
  ErrorOr set_times(i64 atime_ns, i64 mtime_ns) override {
    return without_lock([&] { return host().host_utimens(m_mount, m_path.view(), atime_ns, mtime_ns); });
  }

protected:
  // The host gives no stable positions in a directory (Node lists whole directories), so a
  // position is a hash of the name: each call lists the directory again and goes on with the
  // names whose hash is above the last one returned. A file created or removed between two
  // getdents64 calls then shifts nothing: every other name still comes exactly once, as
  // readdir(3) requires. 31 bits, as Linux's ext4 gives 32-bit callers (telldir returns a
  // long); the rare collision takes the next free value.
  ErrorOr enumerate_impl(i64 after, EnumerateFn f, void* ctx) override {
    Vector<char> names;
    TRY(host().host_readdir(m_mount, m_path.view(), names));
    if (after < 1 && !f(ctx, {".", 1, abi::dt_dir, 1})) return {};
    if (after < 2 && !f(ctx, {"..", 1, abi::dt_dir, 2})) return {};
    struct Named {
      i64 cookie;
      std::string_view name;
      u8 type;
    };
    Vector<Named> entries;
    for (usize at = 0; at + 1 < names.size();) {
      u8 type = static_cast<u8>(names[at++]);
      std::string_view name(names.data() + at);
      at += name.size() + 1;
      entries.append({name_hash(name), name, type});
    }
    std::sort(entries.data(), entries.data() + entries.size(), [](const Named& a, const Named& b) {
      return a.cookie != b.cookie ? a.cookie < b.cookie : a.name < b.name;
    });
    for (usize i = 1; i < entries.size(); ++i)
      if (entries[i].cookie <= entries[i - 1].cookie) entries[i].cookie = entries[i - 1].cookie + 1;
    for (usize i = 0; i < entries.size(); ++i) {
      if (entries[i].cookie <= after) continue;
      // d_ino must be nonzero (some readers skip zero). The host's own type, as Linux's
      // file systems give it; a reader that needs more calls stat.
      u64 ino = static_cast<u64>(entries[i].cookie) * 2654435761u | 1;
      if (!f(ctx, {entries[i].name, ino, entries[i].type, entries[i].cookie})) break;
    }
    return {};
  }

private:
  String child_path(std::string_view name) const {
    String p = m_path;
    if (!p.empty()) p.append("/");
    p.append(name);
    return p;
  }

  RefPtr<File> make_host_file(i32 handle);

  u32 m_mount;
  String m_path;
  InodeMetadata m_last{}; // what the host said last (metadata)
  bool m_seen{false};
};

// An open host file: its host handle stays open until the file goes, as a Linux descriptor
// keeps its file (a rename on the host does not change what it reads), and a read costs
// one host call instead of an open, a read and a close.
class HostFile final : public InodeFile {
public:
  HostFile(HostInode& inode, i32 handle) : InodeFile(RefPtr<Inode>(&inode)), m_host_inode(inode), m_handle(handle) {}
  ~HostFile() override { host().host_close(m_handle); }
  Result<usize> read(FileDescription&, const IoBuffer& buf, i64 offset) override {
    return m_host_inode.transfer_with(m_handle, offset, buf, false);
  }
  Result<usize> write(FileDescription&, const IoBuffer& buf, i64 offset) override {
    return m_host_inode.transfer_with(m_handle, offset, buf, true);
  }

private:
  HostInode& m_host_inode; // kept alive by InodeFile's reference
  i32 m_handle;
};

RefPtr<File> HostInode::make_host_file(i32 handle) { return make_ref<HostFile>(*this, handle); }

} // namespace

ErrorOr mount_host_directory(std::string_view guest_path, u32 mount_id) {
  HostStat st{};
  TRY(host().host_stat(mount_id, "", st));
  if ((st.mode & abi::s_ifmt) != abi::s_ifdir) return Errno::enotdir;
  auto mountpoint = TRY(make_directories(guest_path));
  auto root = make_ref<HostInode>(allocate_device_number(), mount_id, String(""));
  return Vfs::the().mount(*mountpoint, RefPtr<Inode>(root));
}

} // namespace wasmux
