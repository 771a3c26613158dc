// sendfile, splice, tee, copy_file_range: data moved between files by the kernel (Linux
// fs/splice.c, fs/read_write.c). There is no page cache to share: each copies through a
// kernel buffer, chunk by chunk, with read's and write's waits and offsets.
#include "../fd/file_description.h"
#include "../ipc/pipe.h"
#include "../signal/signal.h"
#include "syscall.h"

namespace wasmux {

namespace {

constexpr usize chunk_size = 64 * 1024;
constexpr usize max_rw_count = 0x7ffff000; // MAX_RW_COUNT

// Copies up to len bytes from `in` (at *in_at, or its offset when in_at is -1) to `out`
// (likewise); stops at end of input, a short write, or an error after some progress.
Result<usize> copy_between(FileDescription& in, i64* in_at, FileDescription& out, i64* out_at, usize len) {
  Vector<u8> buf;
  buf.resize(min(len, chunk_size));
  usize done = 0;
  while (done < len) {
    usize want = min(len - done, buf.size());
    auto r = do_read(in, IoBuffer::kernel(buf.data(), want), in_at ? *in_at : -1);
    if (r.is_error()) return done ? Result<usize>(done) : r;
    if (r.value() == 0) break;
    auto w = do_write(out, IoBuffer::kernel(buf.data(), r.value()), out_at ? *out_at : -1);
    if (w.is_error()) {
      // Nothing of this chunk was written: a seekable input read at its own offset gets
      // the bytes back (they are not lost, as a pipe's would be).
      if (!in_at && in.file().is_seekable()) in.set_offset(in.offset() - static_cast<i64>(r.value()));
      return done ? Result<usize>(done) : w;
    }
    if (in_at) *in_at += static_cast<i64>(w.value());
    if (out_at) *out_at += static_cast<i64>(w.value());
    done += w.value();
    // A write that took less: the rest of what was read is not lost from a seekable input
    // (its offset moves by what was written); from a pipe it would be, so stop only there.
    if (w.value() < r.value()) {
      if (!in_at && in.file().is_seekable()) in.set_offset(in.offset() - static_cast<i64>(r.value() - w.value()));
      break;
    }
    if (r.value() < want) break;
  }
  return done;
}

Result<i64> offset_in(UserAddr p) {
  if (!p) return -1;
  i64 v = TRY(copy_in<i64>(p));
  if (v < 0) return Errno::einval;
  return v;
}

} // namespace

// sendfile(2): from in_fd (at *offset, leaving its offset alone, or at its offset) to out_fd.
SyscallResult sys_sendfile(const SyscallArgs& a) {
  auto out = TRY(current_process().fds().get(a.fd(0)));
  auto in = TRY(current_process().fds().get(a.fd(1)));
  if (!in->is_readable() || !out->is_writable()) return Errno::ebadf;
  // The input must be a file that can be read at an offset (sendfile(2): "mmap-like").
  if (!in->file().is_seekable() || in->file().is_directory()) return Errno::einval;
  if (out->is_append()) return Errno::einval;
  i64 at = TRY(offset_in(a.ptr(2)));
  usize len = min(a.size(3), max_rw_count);
  auto r = copy_between(*in, a.ptr(2) ? &at : nullptr, *out, nullptr, len);
  if (a.ptr(2) && (!r.is_error() || r.error() != Errno::efault)) TRY(copy_out(a.ptr(2), at));
  return static_cast<i64>(TRY(r));
}

// splice(2): one side must be a pipe, whose offset must not be given.
SyscallResult sys_splice(const SyscallArgs& a) {
  auto in = TRY(current_process().fds().get(a.fd(0)));
  auto out = TRY(current_process().fds().get(a.fd(2)));
  if (!in->is_readable() || !out->is_writable()) return Errno::ebadf;
  if (a.u32_(5) & ~0xfu) return Errno::einval; // SPLICE_F_MOVE, NONBLOCK, MORE, GIFT
  bool in_pipe = in->file().is_pipe(), out_pipe = out->file().is_pipe();
  if (!in_pipe && !out_pipe) return Errno::einval;
  if ((in_pipe && a.ptr(1)) || (out_pipe && a.ptr(3))) return Errno::espipe;
  if (out->is_append()) return Errno::einval;
  i64 in_at = TRY(offset_in(a.ptr(1)));
  i64 out_at = TRY(offset_in(a.ptr(3)));
  usize len = min(a.size(4), max_rw_count);
  auto r = copy_between(*in, a.ptr(1) ? &in_at : nullptr, *out, a.ptr(3) ? &out_at : nullptr, len);
  if (a.ptr(1)) TRY(copy_out(a.ptr(1), in_at));
  if (a.ptr(3)) TRY(copy_out(a.ptr(3), out_at));
  return static_cast<i64>(TRY(r));
}

// tee(2): copies between two pipes without taking the bytes from the first.
SyscallResult sys_tee(const SyscallArgs& a) {
  auto in = TRY(current_process().fds().get(a.fd(0)));
  auto out = TRY(current_process().fds().get(a.fd(1)));
  if (!in->is_readable() || !out->is_writable()) return Errno::ebadf;
  if (a.u32_(3) & ~0xfu) return Errno::einval;
  PipeEnd* src = file_as<PipeEnd>(in->file());
  PipeEnd* dst = file_as<PipeEnd>(out->file());
  if (!src || !dst || &src->pipe() == &dst->pipe()) return Errno::einval;
  bool nonblocking = (a.u32_(3) & 2) || in->is_nonblocking() || out->is_nonblocking(); // SPLICE_F_NONBLOCK
  for (;;) {
    auto r = src->pipe().copy_to(dst->pipe(), min(a.size(2), max_rw_count));
    if (!r.is_error() || r.error() != Errno::would_block) {
      if (r.is_error() && r.error() == Errno::epipe)
        send_signal_to_thread(current(), make_siginfo(abi::sigpipe, abi::si_user));
      return static_cast<i64>(TRY(r));
    }
    if (nonblocking) return Errno::eagain;
    // Wait for data in the first pipe, or room in the second.
    ThreadPollTable table(current());
    if (in->file().poll(abi::pollin, &table) && out->file().poll(abi::pollout, &table)) continue;
    TRY(current().block(-1));
  }
}

// copy_file_range(2): between regular files, at offsets or the files' own.
SyscallResult sys_copy_file_range(const SyscallArgs& a) {
  if (a.u32_(5) != 0) return Errno::einval;
  auto in = TRY(current_process().fds().get(a.fd(0)));
  auto out = TRY(current_process().fds().get(a.fd(2)));
  if (!in->is_readable() || !out->is_writable() || out->is_append()) return Errno::ebadf;
  if (in->file().is_directory() || out->file().is_directory()) return Errno::eisdir;
  Inode* ii = in->file().inode();
  Inode* oi = out->file().inode();
  if (!ii || !oi || !ii->metadata().is_regular() || !oi->metadata().is_regular()) return Errno::einval;
  i64 in_at = a.ptr(1) ? TRY(offset_in(a.ptr(1))) : in->offset();
  i64 out_at = a.ptr(3) ? TRY(offset_in(a.ptr(3))) : out->offset();
  usize len = min(a.size(4), max_rw_count);
  // The same file with overlapping ranges is EINVAL (copy_file_range(2)).
  if (ii == oi && in_at < out_at + static_cast<i64>(len) && out_at < in_at + static_cast<i64>(len)) return Errno::einval;
  auto r = copy_between(*in, &in_at, *out, &out_at, len);
  usize n = TRY(r);
  if (a.ptr(1)) TRY(copy_out(a.ptr(1), in_at)); else in->set_offset(in_at);
  if (a.ptr(3)) TRY(copy_out(a.ptr(3), out_at)); else out->set_offset(out_at);
  return static_cast<i64>(n);
}

} // namespace wasmux
