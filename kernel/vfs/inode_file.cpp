#include "inode_file.h"

#include "../base/format.h"
#include "../fd/file_description.h"

namespace wasmux {

Result<RefPtr<File>> Inode::open(u32) { return RefPtr<File>(make_ref<InodeFile>(RefPtr<Inode>(this))); }

Result<RefPtr<File>> Inode::open_path_only(RefPtr<Inode> inode) {
  return RefPtr<File>(make_ref<InodeFile>(std::move(inode)));
}

Result<usize> InodeFile::read(FileDescription&, const IoBuffer& buf, i64 offset) {
  return m_inode->read_at(offset, buf);
}

Result<usize> InodeFile::write(FileDescription&, const IoBuffer& buf, i64 offset) {
  return m_inode->write_at(offset, buf);
}

ErrorOr InodeFile::truncate(i64 length) {
  if (m_inode->metadata().is_dir()) return Errno::eisdir;
  return m_inode->truncate(length);
}

void fill_stat(Inode& inode, abi::Stat& out) {
  InodeMetadata md = inode.metadata();
  out = {};
  out.st_dev = inode.device();
  out.st_ino = md.ino;
  out.st_mode = md.mode;
  out.st_nlink = md.nlink;
  out.st_uid = md.uid;
  out.st_gid = md.gid;
  out.st_rdev = md.rdev;
  out.st_size = md.size;
  out.st_blksize = 4096;
  out.st_blocks = md.size / 512 + (md.size % 512 != 0); // (a size may be INT64_MAX)
  // Seconds rounded down: a time before the epoch has a nanosecond part in [0, 1e9) too.
  auto split = [](i64 ns, auto& sec, auto& nsec) {
    i64 part = ns % 1000000000;
    sec = ns / 1000000000 - (part < 0);
    nsec = part < 0 ? part + 1000000000 : part;
  };
  split(md.atime_ns, out.st_atime_sec, out.st_atime_nsec);
  split(md.mtime_ns, out.st_mtime_sec, out.st_mtime_nsec);
  split(md.ctime_ns, out.st_ctime_sec, out.st_ctime_nsec);
}

// A directory's offset is a position in its listing: only SEEK_SET and SEEK_CUR mean
// something (Linux dcache_dir_lseek, which tmpfs uses: SEEK_END is EINVAL).
Result<i64> InodeFile::seek(FileDescription& d, i64 offset, i32 whence) {
  if (m_inode->metadata().is_dir() && whence != abi::seek_set && whence != abi::seek_cur) return Errno::einval;
  return File::seek(d, offset, whence);
}

ErrorOr InodeFile::stat(abi::Stat& out) {
  fill_stat(*m_inode, out);
  return {};
}

Result<i64> InodeFile::ioctl(FileDescription& d, u32 request, UserAddr arg) {
  // FIONREAD on a regular file: bytes between the offset and the end (Linux
  // fs/ioctl.c file_ioctl answers it for regular files only).
  InodeMetadata md = m_inode->metadata();
  if (request == abi::fionread && md.is_regular()) {
    i64 left = md.size > d.offset() ? md.size - d.offset() : 0;
    TRY(copy_out<i32>(arg, static_cast<i32>(min<i64>(left, 0x7fffffff))));
    return 0;
  }
  return Errno::enotty;
}

// For the state dump: no allocation (it may run without the lock), the inode's numbers only.
void InodeFile::describe(Formatter& f) const {
  InodeMetadata md = m_inode->metadata();
  f.append("inode ").append_int(static_cast<i64>(m_inode->device())).append(":").append_int(static_cast<i64>(md.ino));
  f.append(" mode 0").append_octal(md.mode).append(" size ").append_int(md.size);
}

// Linux getdents64: records of d_ino, d_off, d_reclen, d_type, name, NUL, 8-byte aligned;
// EINVAL when not even one record fits.
Result<usize> InodeFile::getdents(FileDescription& d, const IoBuffer& buf) {
  if (!m_inode->metadata().is_dir()) return Errno::enotdir;
  usize used = 0;
  ErrorOr fault{};
  bool too_small = false;
  i64 pos = d.offset();
  TRY(m_inode->enumerate(pos, [&](const DirEntry& e) {
    usize header = offsetof(abi::Dirent64Header, d_type) + 1;
    usize reclen = round_up<usize>(header + e.name.size() + 1, 8);
    if (used + reclen > buf.size()) {
      too_small = used == 0;
      return false;
    }
    u8 record[256 + 32] = {};
    abi::Dirent64Header h{e.ino, e.cookie, static_cast<u16>(reclen), e.type};
    __builtin_memcpy(record, &h, header);
    __builtin_memcpy(record + header, e.name.data(), e.name.size());
    fault = buf.write_from(used, record, reclen);
    if (fault.is_error()) return false;
    used += reclen;
    pos = e.cookie;
    return true;
  }));
  if (fault.is_error()) return fault.error();
  if (too_small) return Errno::einval;
  d.set_offset(pos);
  return used;
}

} // namespace wasmux
