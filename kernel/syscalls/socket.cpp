// socket, socketpair, bind, listen, accept, accept4, connect, getsockname, getpeername,
// sendto, recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg, setsockopt, getsockopt,
// shutdown (socket(7), Linux net/socket.c). The families are in net/; here are the
// arguments, the waits (O_NONBLOCK, MSG_DONTWAIT, SO_RCVTIMEO/SO_SNDTIMEO, MSG_WAITALL),
// SIGPIPE, and ancillary data (SCM_RIGHTS, SCM_CREDENTIALS).
#include "../fd/file_description.h"
#include "../net/inet_socket.h"
#include "../net/netlink_socket.h"
#include "../net/unix_socket.h"
#include "../signal/signal.h"
#include "syscall.h"

namespace wasmux {

namespace {

constexpr u32 cmsg_header = sizeof(abi::Cmsghdr);
constexpr u32 cmsg_align(u32 n) { return (n + 3) & ~3u; } // CMSG_ALIGN: sizeof(size_t)
// The most a single receive gathers before it is copied out to several buffers.
constexpr usize max_bounce = 256 * 1024;

struct SocketRef {
  RefPtr<FileDescription> description;
  Socket* socket;
};

Result<SocketRef> socket_of(i32 fd) {
  auto d = TRY(current_process().fds().get(fd));
  if (!d->file().is_socket()) return Errno::enotsock;
  Socket* s = static_cast<Socket*>(&d->file());
  return SocketRef{std::move(d), s};
}

Result<i32> install_socket(RefPtr<Socket> s, u32 flags) {
  Process& p = current_process();
  u32 status = abi::o_rdwr | (flags & static_cast<u32>(abi::o_nonblock));
  auto d = make_ref<FileDescription>(RefPtr<File>(std::move(s)), status);
  return p.fds().allocate(std::move(d), flags & abi::o_cloexec, 0, p.nofile_limit());
}

Result<RefPtr<Socket>> make_socket(i32 family, i32 type, i32 protocol) {
  switch (family) {
  case abi::af_unix: return make_unix_socket(type, protocol);
  case abi::af_inet:
  case abi::af_inet6: return make_inet_socket(family, type, protocol);
  case abi::af_netlink: return make_netlink_socket(type, protocol);
  default: return Errno::eafnosupport;
  }
}

Result<SockAddr> address_in(UserAddr addr, u32 len) {
  if (len > sizeof(SockAddr::bytes)) return Errno::einval;
  SockAddr a;
  a.len = len;
  if (len) TRY(UserPtr<u8>(addr).read_array(a.bytes, len));
  return a;
}

// Writes an address back as accept, getsockname and recvfrom do: truncated to the
// caller's room, the full length in *len.
ErrorOr address_out(const SockAddr& a, UserAddr addr, UserAddr len_ptr) {
  if (!addr || !len_ptr) return {};
  i32 room = TRY(copy_in<i32>(len_ptr));
  if (room < 0) return Errno::einval;
  u32 n = min<u32>(a.len, static_cast<u32>(room));
  if (n) TRY(UserPtr<u8>(addr).write_array(a.bytes, n));
  TRY(copy_out<i32>(len_ptr, static_cast<i32>(a.len)));
  return {};
}

// sendmsg's control buffer (scm_send): SCM_RIGHTS descriptors, SCM_CREDENTIALS that must
// be the caller's own unless it is privileged.
ErrorOr parse_control(UserAddr control, u32 len, SendExtras& out) {
  u32 at = 0;
  while (at + cmsg_header <= len) {
    auto h = TRY(copy_in<abi::Cmsghdr>(control + at));
    if (h.cmsg_len < cmsg_header || h.cmsg_len > len - at) return Errno::einval;
    u32 body = h.cmsg_len - cmsg_header;
    if (h.cmsg_level != abi::sol_socket) return Errno::einval;
    if (h.cmsg_type == abi::scm_rights) {
      u32 n = body / sizeof(i32);
      if (n == 0 || out.fds.size() + n > abi::scm_max_fd) return Errno::einval;
      for (u32 i = 0; i < n; ++i) {
        i32 fd = TRY(copy_in<i32>(control + at + cmsg_header + i * sizeof(i32)));
        out.fds.append(TRY(current_process().fds().get(fd)));
      }
    } else if (h.cmsg_type == abi::scm_credentials) {
      if (body < sizeof(abi::Ucred)) return Errno::einval;
      auto c = TRY(copy_in<abi::Ucred>(control + at + cmsg_header));
      Process& p = current_process();
      const auto& cr = p.credentials();
      bool root = cr.euid == 0;
      if (!root && (c.pid != p.pid() || (c.uid != cr.uid && c.uid != cr.euid && c.uid != cr.suid) ||
                    (c.gid != cr.gid && c.gid != cr.egid && c.gid != cr.sgid)))
        return Errno::eperm;
      out.has_creds = true;
      out.creds = c;
    } else {
      return Errno::einval;
    }
    at += cmsg_align(h.cmsg_len);
  }
  return {};
}

// A receive into `buf`, waiting unless non-blocking; MSG_WAITALL fills a stream's buffer.
Result<usize> receive_into(SocketRef& s, const IoBuffer& buf, u32 flags, ReceiveResult& out) {
  bool nonblocking = s.description->is_nonblocking() || (flags & abi::msg_dontwait);
  i64 deadline = s.socket->receive_deadline();
  bool waitall = (flags & abi::msg_waitall) && s.socket->type() == abi::sock_stream && !(flags & abi::msg_peek);
  usize done = 0;
  for (;;) {
    ReceiveResult part;
    auto r = s.socket->receive(buf.slice(done, buf.size() - done), flags, part);
    if (!r.is_error()) {
      if (done == 0) {
        out = std::move(part);
      } else {
        for (auto& fd : part.fds)
          out.fds.append(fd);
      }
      done += r.value();
      if (!waitall || done >= buf.size() || r.value() == 0) return done;
      continue;
    }
    if (r.error() != Errno::would_block) return done ? Result<usize>(done) : r;
    if (nonblocking) return done ? Result<usize>(done) : Result<usize>(Errno::eagain);
    auto w = s.socket->wait(*s.description, abi::pollin, deadline);
    if (w.is_error()) return done ? Result<usize>(done) : Result<usize>(w.error());
  }
}

// recvmsg's control buffer (scm_recv): credentials, then descriptors installed in the
// caller's table (close-on-exec with MSG_CMSG_CLOEXEC); what does not fit is MSG_CTRUNC
// (descriptors that do not fit are closed).
Result<u32> put_control(Socket& s, ReceiveResult& r, UserAddr control, u32 len, u32 flags, i32& msg_flags) {
  u32 at = 0;
  if (r.has_creds && s.passcred()) {
    u32 need = cmsg_header + sizeof(abi::Ucred);
    if (at + need > len) {
      msg_flags |= abi::msg_ctrunc;
    } else {
      TRY(copy_out(control + at, abi::Cmsghdr{need, static_cast<i32>(abi::sol_socket), static_cast<i32>(abi::scm_credentials)}));
      TRY(copy_out(control + at + cmsg_header, r.creds));
      at += cmsg_align(need);
    }
  }
  if (!r.fds.empty()) {
    u32 room = len > at + cmsg_header ? (len - at - cmsg_header) / sizeof(i32) : 0;
    u32 n = min<u32>(room, static_cast<u32>(r.fds.size()));
    if (n < r.fds.size()) msg_flags |= abi::msg_ctrunc;
    if (n) {
      Process& p = current_process();
      u32 installed = 0;
      for (u32 i = 0; i < n; ++i) {
        auto fd = p.fds().allocate(r.fds[i], flags & abi::msg_cmsg_cloexec, 0, p.nofile_limit());
        if (fd.is_error()) {
          msg_flags |= abi::msg_ctrunc;
          break;
        }
        TRY(copy_out<i32>(control + at + cmsg_header + installed * sizeof(i32), fd.value()));
        ++installed;
      }
      if (installed) {
        u32 clen = cmsg_header + installed * sizeof(i32);
        TRY(copy_out(control + at, abi::Cmsghdr{clen, static_cast<i32>(abi::sol_socket), static_cast<i32>(abi::scm_rights)}));
        at += cmsg_align(clen);
      }
    }
  }
  return min(at, len);
}

Result<i64> do_sendmsg(SocketRef& s, const abi::Msghdr& m, u32 flags) {
  auto iovs = TRY(copy_iovecs(m.msg_iov, m.msg_iovlen));
  SendBytes bytes;
  for (auto& v : iovs)
    bytes.add(IoBuffer::user(v.iov_base, v.iov_len));
  SendExtras extras;
  if (m.msg_control && m.msg_controllen) TRY(parse_control(m.msg_control, m.msg_controllen, extras));
  SockAddr to;
  if (m.msg_name && m.msg_namelen) to = TRY(address_in(m.msg_name, m.msg_namelen));
  return static_cast<i64>(
      TRY(s.socket->send_all(*s.description, bytes, extras, m.msg_name && m.msg_namelen ? &to : nullptr, flags)));
}

Result<i64> do_recvmsg(SocketRef& s, abi::Msghdr& m, u32 flags) {
  auto iovs = TRY(copy_iovecs(m.msg_iov, m.msg_iovlen));
  usize total = 0;
  for (auto& v : iovs)
    total += v.iov_len;
  ReceiveResult r;
  usize n;
  if (iovs.size() == 1) {
    n = TRY(receive_into(s, IoBuffer::user(iovs[0].iov_base, iovs[0].iov_len), flags, r));
  } else {
    Vector<u8> bounce;
    bounce.resize(min(total, max_bounce));
    n = TRY(receive_into(s, IoBuffer::kernel(bounce.data(), bounce.size()), flags, r));
    usize at = 0;
    for (auto& v : iovs) {
      if (at >= n) break;
      usize k = min<usize>(v.iov_len, n - at);
      TRY(UserPtr<u8>(v.iov_base).write_array(bounce.data() + at, k));
      at += k;
    }
  }
  i32 msg_flags = 0;
  bool datagram = s.socket->type() != abi::sock_stream;
  if (datagram && r.message_len > n) msg_flags |= abi::msg_trunc;
  if (m.msg_name) {
    u32 room = m.msg_namelen;
    u32 k = min(room, r.from.len);
    if (k) TRY(UserPtr<u8>(m.msg_name).write_array(r.from.bytes, k));
    m.msg_namelen = r.from.len;
  }
  m.msg_controllen = TRY(put_control(*s.socket, r, m.msg_control, m.msg_control ? m.msg_controllen : 0, flags, msg_flags));
  m.msg_flags = msg_flags;
  // MSG_TRUNC asks for a datagram's real length (udp(7), unix(7)).
  if (datagram && (flags & abi::msg_trunc)) return static_cast<i64>(r.message_len);
  return static_cast<i64>(n);
}

} // namespace

// readv and writev on a socket: one message (read_write.cpp).
Result<i64> socket_vector_io(RefPtr<FileDescription> d, UserAddr uiov, i32 count, bool write) {
  Socket* socket = static_cast<Socket*>(&d->file());
  SocketRef s{std::move(d), socket};
  abi::Msghdr m{};
  m.msg_iov = uiov;
  m.msg_iovlen = count;
  return write ? do_sendmsg(s, m, 0) : do_recvmsg(s, m, 0);
}

SyscallResult sys_socket(const SyscallArgs& a) {
  i32 family = a.i32_(0);
  i32 type = a.i32_(1);
  u32 flags = static_cast<u32>(type) & ~static_cast<u32>(abi::sock_type_mask);
  if (flags & ~static_cast<u32>(abi::sock_nonblock | abi::sock_cloexec)) return Errno::einval;
  auto s = TRY(make_socket(family, type & static_cast<i32>(abi::sock_type_mask), a.i32_(2)));
  return TRY(install_socket(std::move(s), flags));
}

SyscallResult sys_socketpair(const SyscallArgs& a) {
  i32 family = a.i32_(0);
  i32 type = a.i32_(1);
  u32 flags = static_cast<u32>(type) & ~static_cast<u32>(abi::sock_type_mask);
  if (flags & ~static_cast<u32>(abi::sock_nonblock | abi::sock_cloexec)) return Errno::einval;
  if (family == abi::af_inet || family == abi::af_inet6) return Errno::eopnotsupp;
  if (family != abi::af_unix) return Errno::eafnosupport;
  RefPtr<Socket> x, y;
  TRY(make_unix_pair(type & static_cast<i32>(abi::sock_type_mask), a.i32_(2), x, y));
  Process& p = current_process();
  i32 fa = TRY(install_socket(std::move(x), flags));
  auto fb = install_socket(std::move(y), flags);
  if (fb.is_error()) {
    (void)p.fds().close(fa);
    return fb.error();
  }
  i32 fds[2] = {fa, fb.value()};
  if (a.user<i32>(3).write_array(fds, 2).is_error()) {
    (void)p.fds().close(fa);
    (void)p.fds().close(fds[1]);
    return Errno::efault;
  }
  return 0;
}

SyscallResult sys_bind(const SyscallArgs& a) {
  auto s = TRY(socket_of(a.i32_(0)));
  if (a.i32_(2) < 0) return Errno::einval;
  SockAddr addr = TRY(address_in(a.ptr(1), a.u32_(2)));
  TRY(s.socket->bind(addr));
  return 0;
}

SyscallResult sys_listen(const SyscallArgs& a) {
  auto s = TRY(socket_of(a.i32_(0)));
  TRY(s.socket->listen(a.i32_(1)));
  return 0;
}

SyscallResult sys_accept4(const SyscallArgs& a) {
  u32 flags = a.u32_(3);
  if (flags & ~static_cast<u32>(abi::sock_nonblock | abi::sock_cloexec)) return Errno::einval;
  auto s = TRY(socket_of(a.i32_(0)));
  bool nonblocking = s.description->is_nonblocking();
  i64 deadline = s.socket->receive_deadline();
  for (;;) {
    SockAddr peer;
    auto r = s.socket->accept(peer);
    if (!r.is_error()) {
      i32 fd = TRY(install_socket(r.release_value(), flags));
      auto w = address_out(peer, a.ptr(1), a.ptr(2));
      if (w.is_error()) {
        (void)current_process().fds().close(fd);
        return w.error();
      }
      return fd;
    }
    if (r.error() != Errno::would_block) return r.error();
    if (nonblocking) return Errno::eagain;
    TRY(s.socket->wait(*s.description, abi::pollin, deadline));
  }
}

SyscallResult sys_accept(const SyscallArgs& a) {
  SyscallArgs b = a;
  b.a[3] = 0;
  return sys_accept4(b);
}

SyscallResult sys_connect(const SyscallArgs& a) {
  auto s = TRY(socket_of(a.i32_(0)));
  if (a.i32_(2) < 0) return Errno::einval;
  SockAddr addr = TRY(address_in(a.ptr(1), a.u32_(2)));
  bool nonblocking = s.description->is_nonblocking();
  auto r = s.socket->connect(addr, nonblocking);
  if (!r.is_error()) return 0;
  if (r.error() != Errno::would_block) return r.error();
  // A connection under way: EINPROGRESS, or wait for it (connect(2)).
  if (nonblocking) return Errno::einprogress;
  for (;;) {
    TRY(s.socket->wait(*s.description, abi::pollout, -1));
    auto done = s.socket->connect_finished();
    if (!done.is_error()) return 0;
    if (done.error() != Errno::would_block) return done.error();
  }
}

SyscallResult sys_getsockname(const SyscallArgs& a) {
  auto s = TRY(socket_of(a.i32_(0)));
  SockAddr addr;
  TRY(s.socket->sockname(addr));
  if (!a.ptr(1) || !a.ptr(2)) return Errno::efault;
  TRY(address_out(addr, a.ptr(1), a.ptr(2)));
  return 0;
}

SyscallResult sys_getpeername(const SyscallArgs& a) {
  auto s = TRY(socket_of(a.i32_(0)));
  SockAddr addr;
  TRY(s.socket->peername(addr));
  if (!a.ptr(1) || !a.ptr(2)) return Errno::efault;
  TRY(address_out(addr, a.ptr(1), a.ptr(2)));
  return 0;
}

SyscallResult sys_sendto(const SyscallArgs& a) {
  auto s = TRY(socket_of(a.i32_(0)));
  // MAX_RW_COUNT: what one call transfers at most (include/linux/fs.h).
  SendBytes bytes(IoBuffer::user(a.ptr(1), min(a.size(2), usize{0x7ffff000})));
  SendExtras none;
  SockAddr to;
  bool has_to = a.ptr(4) && a.u32_(5);
  if (has_to) to = TRY(address_in(a.ptr(4), a.u32_(5)));
  return static_cast<i64>(TRY(s.socket->send_all(*s.description, bytes, none, has_to ? &to : nullptr, a.u32_(3))));
}

SyscallResult sys_recvfrom(const SyscallArgs& a) {
  auto s = TRY(socket_of(a.i32_(0)));
  u32 flags = a.u32_(3);
  ReceiveResult r;
  usize n = TRY(receive_into(s, IoBuffer::user(a.ptr(1), min(a.size(2), usize{0x7ffff000})), flags, r));
  if (a.ptr(4) && a.ptr(5)) TRY(address_out(r.from, a.ptr(4), a.ptr(5)));
  if (s.socket->type() != abi::sock_stream && (flags & abi::msg_trunc)) return static_cast<i64>(r.message_len);
  return static_cast<i64>(n);
}

SyscallResult sys_sendmsg(const SyscallArgs& a) {
  auto s = TRY(socket_of(a.i32_(0)));
  auto m = TRY(a.user<abi::Msghdr>(1).read());
  return TRY(do_sendmsg(s, m, a.u32_(2)));
}

SyscallResult sys_recvmsg(const SyscallArgs& a) {
  auto s = TRY(socket_of(a.i32_(0)));
  auto m = TRY(a.user<abi::Msghdr>(1).read());
  i64 n = TRY(do_recvmsg(s, m, a.u32_(2)));
  TRY(a.user<abi::Msghdr>(1).write(m));
  return n;
}

// sendmmsg and recvmmsg: each message in turn; the count done, or the first error when
// none was (sendmmsg(2), recvmmsg(2); recvmmsg's timeout is checked between messages).
SyscallResult sys_sendmmsg(const SyscallArgs& a) {
  u32 vlen = min<u32>(a.u32_(2), 1024); // UIO_MAXIOV
  u32 flags = a.u32_(3);
  auto s = TRY(socket_of(a.i32_(0)));
  UserPtr<abi::Mmsghdr> vec(a.ptr(1));
  u32 done = 0;
  for (; done < vlen; ++done) {
    auto mm = TRY((vec + done).read());
    auto r = do_sendmsg(s, mm.msg_hdr, flags);
    if (r.is_error()) {
      if (done) break;
      return r.error();
    }
    mm.msg_len = static_cast<u32>(r.value());
    TRY((vec + done).write(mm));
  }
  return done;
}

SyscallResult sys_recvmmsg(const SyscallArgs& a) {
  u32 vlen = min<u32>(a.u32_(2), 1024);
  u32 flags = a.u32_(3);
  auto s = TRY(socket_of(a.i32_(0)));
  UserPtr<abi::Mmsghdr> vec(a.ptr(1));
  i64 deadline = -1;
  if (a.ptr(4)) {
    auto ts = TRY(copy_in<abi::Timespec>(a.ptr(4)));
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return Errno::einval;
    deadline = host().monotonic_ns() + ts.tv_sec * 1000000000 + ts.tv_nsec;
  }
  u32 done = 0;
  for (; done < vlen; ++done) {
    auto mm = TRY((vec + done).read());
    // MSG_WAITFORONE: after the first, do not wait.
    u32 f = done && (flags & 0x10000) ? flags | static_cast<u32>(abi::msg_dontwait) : flags;
    auto r = do_recvmsg(s, mm.msg_hdr, f & ~0x10000u);
    if (r.is_error()) {
      if (done) break;
      return r.error();
    }
    mm.msg_len = static_cast<u32>(r.value());
    TRY((vec + done).write(mm));
    if (deadline >= 0 && host().monotonic_ns() >= deadline) {
      ++done;
      break;
    }
  }
  return done;
}

SyscallResult sys_setsockopt(const SyscallArgs& a) {
  auto s = TRY(socket_of(a.i32_(0)));
  i32 len = a.i32_(4);
  if (len < 0) return Errno::einval;
  u8 value[128]{};
  usize n = min<usize>(static_cast<usize>(len), sizeof value);
  if (n) TRY(UserPtr<u8>(a.ptr(3)).read_array(value, n));
  TRY(s.socket->set_option(a.i32_(1), a.i32_(2), value, n));
  return 0;
}

SyscallResult sys_getsockopt(const SyscallArgs& a) {
  auto s = TRY(socket_of(a.i32_(0)));
  i32 room = TRY(copy_in<i32>(a.ptr(4)));
  if (room < 0) return Errno::einval;
  u8 value[128]{};
  usize n = TRY(s.socket->get_option(a.i32_(1), a.i32_(2), value));
  usize k = min<usize>(n, static_cast<usize>(room));
  if (k) TRY(UserPtr<u8>(a.ptr(3)).write_array(value, k));
  TRY(copy_out<i32>(a.ptr(4), static_cast<i32>(k)));
  return 0;
}

SyscallResult sys_shutdown(const SyscallArgs& a) {
  auto s = TRY(socket_of(a.i32_(0)));
  TRY(s.socket->shutdown(a.i32_(1)));
  return 0;
}

} // namespace wasmux
