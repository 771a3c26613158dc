// dup, dup3, fcntl, ioctl, pipe2.
#include "../fd/file_description.h"
#include "../ipc/pipe.h"
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
  case abi::f_setfl: d->set_status_flags(a.u32_(2)); return 0;
  case abi::f_getpipe_sz:
    if (!d->file().is_pipe()) return Errno::ebadf;
    return static_cast<i64>(Pipe::default_capacity);
  case abi::f_getlk: {
    // No locks are held by others in a single-user kernel yet: report F_UNLCK (l_type is
    // the first short of struct flock).
    i16 unlocked = 2;
    TRY(copy_out(a.ptr(2), unlocked));
    return 0;
  }
  case abi::f_setlk:
  case abi::f_setlkw: return 0;
  case abi::f_getown: return 0;
  case abi::f_setown: return 0;
  default: return Errno::einval;
  }
}

SyscallResult sys_ioctl(const SyscallArgs& a) {
  auto d = TRY(current_process().fds().get(a.fd(0)));
  if (d->is_path_only()) return Errno::ebadf;
  u32 request = a.u32_(1);
  if (request == abi::fionbio) {
    i32 on = TRY(copy_in<i32>(a.ptr(2)));
    u32 flags = d->status_flags();
    d->set_status_flags(on ? flags | static_cast<u32>(abi::o_nonblock) : flags & ~static_cast<u32>(abi::o_nonblock));
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
