// dup, dup3, fcntl, ioctl, pipe2.
#include "../fd/file_description.h"
#include "../ipc/pipe.h"
#include "../vfs/locks.h"
#include "syscall.h"

namespace wasmux {

SyscallResult sys_dup(const SyscallArgs& a) {
  Process& p = current_process();
  auto d = TRY(p.fds().get(a.fd(0)));
  return TRY(p.fds().allocate(std::move(d), false, 0, p.nofile_limit()));
}

SyscallResult sys_dup3(const SyscallArgs& a) {
  Process& p = current_process();
  u32 flags = a.u32_(2);
  if (flags & ~static_cast<u32>(abi::o_cloexec)) return Errno::einval;
  if (a.fd(0) == a.fd(1)) return Errno::einval; // dup3(2), unlike dup2
  auto d = TRY(p.fds().get(a.fd(0)));
  TRY(p.fds().install_at(a.fd(1), std::move(d), flags & abi::o_cloexec, p.nofile_limit()));
  return a.fd(1);
}

namespace {

// fcntl's record locks (fs/locks.c fcntl_getlk, fcntl_setlk, flock64_to_posix_lock).
Result<i64> record_lock(FileDescription& d, i32 cmd, UserAddr arg) {
  auto fl = TRY(copy_in<abi::Flock>(arg));
  bool ofd = cmd == abi::f_ofd_getlk || cmd == abi::f_ofd_setlk || cmd == abi::f_ofd_setlkw;
  bool get = cmd == abi::f_getlk || cmd == abi::f_ofd_getlk;
  if (fl.l_type != abi::f_rdlck && fl.l_type != abi::f_wrlck && fl.l_type != abi::f_unlck) return Errno::einval;
  if (ofd && fl.l_pid != 0) return Errno::einval; // F_OFD_*: l_pid must be 0
  i64 base;
  switch (fl.l_whence) {
  case abi::seek_set: base = 0; break;
  case abi::seek_cur: base = d.offset(); break;
  case abi::seek_end: base = d.file().is_seekable() ? TRY(d.file().size()) : 0; break;
  default: return Errno::einval;
  }
  if (fl.l_start > INT64_MAX - base) return Errno::eoverflow;
  i64 start = base + fl.l_start, end;
  if (start < 0) return Errno::einval;
  if (fl.l_len > 0) {
    if (fl.l_len - 1 > INT64_MAX - start) return Errno::eoverflow;
    end = start + fl.l_len - 1;
  } else if (fl.l_len < 0) {
    if (start + fl.l_len < 0) return Errno::einval;
    end = start - 1;
    start += fl.l_len;
  } else {
    end = INT64_MAX;
  }
  LockRequest r{fl.l_type, start, end};
  LockSpace space = ofd ? LockSpace::ofd : LockSpace::posix;
  if (get) {
    i32 pid = 0;
    LockRequest held = test_lock(space, d, r, pid);
    fl.l_type = held.type;
    if (held.type != abi::f_unlck) {
      fl.l_whence = abi::seek_set;
      fl.l_start = held.start;
      fl.l_len = held.end == INT64_MAX ? 0 : held.end - held.start + 1;
      fl.l_pid = pid;
    }
    TRY(copy_out(arg, fl));
    return 0;
  }
  // A read lock needs the file open for reading, a write lock for writing (fcntl(2)).
  if (fl.l_type == abi::f_rdlck && !d.is_readable()) return Errno::ebadf;
  if (fl.l_type == abi::f_wrlck && !d.is_writable()) return Errno::ebadf;
  TRY(set_lock(space, d, r, cmd == abi::f_setlkw || cmd == abi::f_ofd_setlkw));
  return 0;
}

} // namespace

SyscallResult sys_fcntl(const SyscallArgs& a) {
  Process& p = current_process();
  i32 fd = a.fd(0);
  auto d = TRY(p.fds().get(fd));
  switch (a.i32_(1)) {
  case abi::f_dupfd:
  case abi::f_dupfd_cloexec: {
    i32 min_fd = a.i32_(2);
    if (min_fd < 0 || static_cast<u64>(min_fd) >= p.nofile_limit()) return Errno::einval;
    return TRY(p.fds().allocate(std::move(d), a.i32_(1) == abi::f_dupfd_cloexec, min_fd, p.nofile_limit()));
  }
  case abi::f_getfd: return p.fds().entry(fd)->cloexec ? abi::fd_cloexec : 0;
  case abi::f_setfd: p.fds().entry(fd)->cloexec = a.u32_(2) & abi::fd_cloexec; return 0;
  case abi::f_getfl: return static_cast<i64>(d->status_flags());
  case abi::f_setfl: {
    u32 flags = a.u32_(2);
    bool was_async = d->status_flags() & abi::o_async;
    d->set_status_flags((flags & ~static_cast<u32>(abi::o_async)) | (was_async ? abi::o_async : 0));
    if (static_cast<bool>(flags & abi::o_async) != was_async) set_async(*d, flags & abi::o_async, fd);
    return 0;
  }
  case abi::f_getpipe_sz:
    if (!d->file().is_pipe()) return Errno::ebadf;
    return static_cast<i64>(Pipe::default_capacity);
  case abi::f_getlk:
  case abi::f_setlk:
  case abi::f_setlkw:
  case abi::f_ofd_getlk:
  case abi::f_ofd_setlk:
  case abi::f_ofd_setlkw: return record_lock(*d, a.i32_(1), a.ptr(2));
  case abi::f_getown: return file_owner_for_getown(*d);
  case abi::f_setown: {
    // A negative id names a process group (fcntl(2)); -INT_MIN has no positive twin.
    i32 who = a.i32_(2);
    if (who == INT32_MIN) return Errno::einval;
    TRY(set_file_owner(*d, who < 0 ? abi::f_owner_pgrp : abi::f_owner_pid, who < 0 ? -who : who));
    return 0;
  }
  case abi::f_getown_ex: {
    const FileOwner& o = d->async_io().owner;
    TRY(copy_out(a.ptr(2), abi::FOwnerEx{o.type, o.id}));
    return 0;
  }
  case abi::f_setown_ex: {
    auto owner = TRY(copy_in<abi::FOwnerEx>(a.ptr(2)));
    if (owner.type != abi::f_owner_tid && owner.type != abi::f_owner_pid && owner.type != abi::f_owner_pgrp)
      return Errno::einval;
    if (owner.pid < 0) return Errno::einval;
    TRY(set_file_owner(*d, owner.type, owner.pid));
    return 0;
  }
  case abi::f_getsig: return d->async_io().signal;
  case abi::f_setsig: {
    i32 sig = a.i32_(2);
    if (sig < 0 || sig > abi::nsig) return Errno::einval;
    d->async_io().signal = sig;
    return 0;
  }
  default: return Errno::einval;
  }
}

// flock(2): a whole-file lock of the open file description, shared or exclusive.
SyscallResult sys_flock(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  if (d->is_path_only()) return Errno::ebadf;
  u32 op = a.u32_(1);
  bool nonblocking = op & abi::lock_nb;
  op &= ~static_cast<u32>(abi::lock_nb);
  i16 type = op == abi::lock_sh ? abi::f_rdlck : op == abi::lock_ex ? abi::f_wrlck : op == abi::lock_un ? abi::f_unlck : -1;
  if (type < 0) return Errno::einval;
  TRY(set_lock(LockSpace::flock, *d, LockRequest{type, 0, INT64_MAX}, !nonblocking));
  return 0;
}

SyscallResult sys_ioctl(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  if (d->is_path_only()) return Errno::ebadf;
  u32 request = a.u32_(1);
  // The requests every file answers (Linux fs/ioctl.c do_vfs_ioctl).
  if (request == abi::fionbio) {
    i32 on = TRY(copy_in<i32>(a.ptr(2)));
    u32 flags = d->status_flags();
    d->set_status_flags(on ? flags | static_cast<u32>(abi::o_nonblock) : flags & ~static_cast<u32>(abi::o_nonblock));
    return 0;
  }
  if (request == abi::fioclex || request == abi::fionclex) {
    current_process().fds().entry(a.fd(0))->cloexec = request == abi::fioclex;
    return 0;
  }
  if (request == abi::fioasync) {
    // ioctl_fioasync: ENOTTY only when the flag would change on a file without SIGIO.
    bool on = TRY(copy_in<i32>(a.ptr(2))) != 0;
    if (on == static_cast<bool>(d->status_flags() & abi::o_async)) return 0;
    if (!d->file().supports_async()) return Errno::enotty;
    set_async(*d, on, a.fd(0));
    return 0;
  }
  return d->file().ioctl(*d, request, a.ptr(2));
}

SyscallResult sys_pipe2(const SyscallArgs& a) {
  u32 flags = a.u32_(1);
  if (flags & ~static_cast<u32>(abi::o_cloexec | abi::o_nonblock | abi::o_direct)) return Errno::einval;
  Process& p = current_process();
  auto pipe = make_ref<Pipe>();
  u32 status = flags & static_cast<u32>(abi::o_nonblock);
  auto r = make_ref<FileDescription>(RefPtr<File>(make_ref<PipeEnd>(pipe, PipeEnd::Side::read)), abi::o_rdonly | status);
  auto w = make_ref<FileDescription>(RefPtr<File>(make_ref<PipeEnd>(pipe, PipeEnd::Side::write)), abi::o_wronly | status);
  bool cloexec = flags & abi::o_cloexec;
  i32 rfd = TRY(p.fds().allocate(r, cloexec, 0, p.nofile_limit()));
  auto wfd = p.fds().allocate(w, cloexec, 0, p.nofile_limit());
  if (wfd.is_error()) {
    (void)p.fds().close(rfd);
    return wfd.error();
  }
  i32 fds[2] = {rfd, wfd.value()};
  if (a.user<i32>(0).write_array(fds, 2).is_error()) {
    (void)p.fds().close(rfd);
    (void)p.fds().close(fds[1]);
    return Errno::efault;
  }
  return 0;
}

} // namespace wasmux
