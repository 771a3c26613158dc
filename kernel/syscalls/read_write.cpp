// read, write, readv, writev, pread64, pwrite64, preadv, pwritev, lseek.
#include "../event/fsnotify.h"
#include "../fd/file_description.h"
#include "syscall.h"

namespace wasmux {

namespace {

constexpr u32 read_events = abi::pollin | abi::pollrdnorm;
constexpr u32 write_events = abi::pollout | abi::pollwrnorm;

} // namespace

// One read at offset (-1: the description's offset), blocking until data unless O_NONBLOCK.
Result<usize> do_read(FileDescription& d, const IoBuffer& buf, i64 at) {
  if (!d.is_readable()) return Errno::ebadf;
  if (d.file().is_directory()) return Errno::eisdir;
  bool positional = at >= 0;
  for (;;) {
    i64 offset = positional ? at : d.offset();
    auto r = d.file().read(d, buf, offset);
    if (!r.is_error()) {
      if (!positional && d.file().is_seekable()) d.set_offset(offset + static_cast<i64>(r.value()));
      if (r.value() > 0) fsnotify(d, abi::in_access);
      return r.value();
    }
    if (r.error() != Errno::would_block) return r.error();
    if (d.is_nonblocking()) return Errno::eagain;
    TRY(wait_for_readiness(d, read_events));
  }
}

// Writes all of buf unless O_NONBLOCK or an error stops it; reports partial progress the
// way write(2) does (bytes written, the error only when nothing was).
Result<usize> do_write(FileDescription& d, const IoBuffer& buf, i64 at) {
  if (!d.is_writable()) return Errno::ebadf;
  bool positional = at >= 0;
  usize done = 0;
  while (done < buf.size() || buf.size() == 0) {
    i64 offset = positional ? at + static_cast<i64>(done) : d.offset();
    // pwrite(2) BUGS: on Linux, O_APPEND makes pwrite append whatever the offset.
    if (d.is_append() && d.file().is_seekable()) offset = TRY(d.file().size());
    auto r = d.file().write(d, buf.slice(done, buf.size() - done), offset);
    if (r.is_error()) {
      if (r.error() == Errno::would_block) {
        if (d.is_nonblocking()) return done ? Result<usize>(done) : Result<usize>(Errno::eagain);
        auto w = wait_for_readiness(d, write_events);
        if (w.is_error()) return done ? Result<usize>(done) : Result<usize>(w.error());
        continue;
      }
      return done ? Result<usize>(done) : Result<usize>(r.error());
    }
    // Only what was written moves the offset: an O_APPEND write of nothing leaves it
    // (Linux new_sync_write updates it when the write returned more than 0).
    if (!positional && d.file().is_seekable() && r.value() > 0) d.set_offset(offset + static_cast<i64>(r.value()));
    done += r.value();
    if (r.value() == 0 || buf.size() == 0) break;
  }
  if (done > 0) fsnotify(d, abi::in_modify);
  return done;
}

namespace {

// Linux caps a single transfer at MAX_RW_COUNT (INT_MAX rounded down to a page).
constexpr usize max_rw_count = 0x7ffff000;

} // namespace

Result<Vector<abi::Iovec>> copy_iovecs(UserAddr uiov, i32 count) {
  if (count < 0 || count > abi::iov_max) return Errno::einval;
  Vector<abi::Iovec> iovs;
  iovs.resize(static_cast<usize>(count));
  TRY(UserPtr<abi::Iovec>(uiov).read_array(iovs.data(), static_cast<usize>(count)));
  u64 total = 0;
  for (auto& v : iovs) {
    total += v.iov_len;
    if (v.iov_len > 0x7fffffff || total > 0x7fffffff) return Errno::einval;
  }
  return iovs;
}

namespace {

template <typename Op> SyscallResult vector_io(i32 fd, UserAddr uiov, i32 count, i64 at, Op op) {
  auto d = TRY(current_process().fds().get(fd));
  if (d->file().is_socket() && at < 0) return socket_vector_io(d, uiov, count, op == do_write);
  auto iovs = TRY(copy_iovecs(uiov, count));
  usize total = 0;
  for (auto& v : iovs) {
    if (v.iov_len == 0) continue;
    auto r = op(*d, IoBuffer::user(v.iov_base, v.iov_len), at >= 0 ? at + static_cast<i64>(total) : -1);
    if (r.is_error()) {
      if (total) break;
      return r.error();
    }
    total += r.value();
    if (r.value() < v.iov_len) break;
  }
  return static_cast<i64>(total);
}

} // namespace

SyscallResult sys_read(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  return static_cast<i64>(TRY(do_read(*d, IoBuffer::user(a.ptr(1), min(a.size(2), max_rw_count)), -1)));
}

SyscallResult sys_write(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  return static_cast<i64>(TRY(do_write(*d, IoBuffer::user(a.ptr(1), min(a.size(2), max_rw_count)), -1)));
}

SyscallResult sys_pread64(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  if (a.i64_(3) < 0) return Errno::einval;
  if (!d->file().is_seekable()) return Errno::espipe;
  return static_cast<i64>(TRY(do_read(*d, IoBuffer::user(a.ptr(1), min(a.size(2), max_rw_count)), a.i64_(3))));
}

SyscallResult sys_pwrite64(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  if (a.i64_(3) < 0) return Errno::einval;
  if (!d->file().is_seekable()) return Errno::espipe;
  return static_cast<i64>(TRY(do_write(*d, IoBuffer::user(a.ptr(1), min(a.size(2), max_rw_count)), a.i64_(3))));
}

SyscallResult sys_readv(const SyscallArgs& a) { return vector_io(a.fd(0), a.ptr(1), a.i32_(2), -1, do_read); }

namespace {

// preadv, pwritev: at an offset musl passes as two longs, low half first
// (src/unistd/preadv.c); only a seekable file has one.
template <typename Op> SyscallResult positional_vector_io(const SyscallArgs& a, Op op) {
  i64 at = static_cast<i64>(static_cast<u64>(a.u32_(3)) | static_cast<u64>(a.u32_(4)) << 32);
  if (at < 0) return Errno::einval;
  auto d = TRY(current_process().fds().get(a.fd(0)));
  if (!d->file().is_seekable()) return Errno::espipe;
  return vector_io(a.fd(0), a.ptr(1), a.i32_(2), at, op);
}

} // namespace

SyscallResult sys_preadv(const SyscallArgs& a) { return positional_vector_io(a, do_read); }
SyscallResult sys_pwritev(const SyscallArgs& a) { return positional_vector_io(a, do_write); }

SyscallResult sys_writev(const SyscallArgs& a) { return vector_io(a.fd(0), a.ptr(1), a.i32_(2), -1, do_write); }

SyscallResult sys_lseek(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  if (d->is_path_only()) return Errno::ebadf;
  return d->file().seek(*d, a.i64_(1), a.i32_(2));
}

} // namespace wasmux
