#include "socket.h"

#include "interfaces.h"

#include "../fd/file_description.h"
#include "../fs/tmpfs/tmpfs.h"
#include "../proc/process.h"
#include "../signal/signal.h"
#include "../syscalls/syscall.h"

namespace wasmux {

// ---- receive queues ----

void ReceiveQueue::push(SocketMessage* m, bool stream) {
  m_bytes += m->left();
  SocketMessage* last = m_messages.last();
  // A small piece joins the last one (many small writes stay one message to read); a
  // large one keeps its own buffer, moved in without a copy.
  if (stream && last && !m->has_ancillary() && !last->has_ancillary() && m->left() <= 4096) {
    usize at = last->data.size(), need = at + m->left();
    if (need > last->data.capacity()) last->data.reserve(max(need, last->data.capacity() * 2));
    last->data.resize_for_overwrite(need);
    __builtin_memcpy(last->data.data() + at, m->data.data() + m->consumed, m->left());
    delete m;
  } else {
    m_messages.push_back(*m);
  }
  // Readers hear of every message, not only the first (sock_def_readable): EPOLLET users
  // count on it.
  m_readers.notify(abi::pollin | abi::pollrdnorm);
}

void ReceiveQueue::consume(usize n, bool whole_message) {
  SocketMessage* m = m_messages.first();
  if (!m) return;
  usize take = whole_message ? m->left() : min(n, m->left());
  m->consumed += take;
  m_bytes -= take;
  if (whole_message || m->left() == 0) {
    m->node.unlink();
    delete m;
  }
  m_writers.notify(abi::pollout | abi::pollwrnorm);
}

void ReceiveQueue::clear() {
  while (SocketMessage* m = m_messages.first()) {
    m->node.unlink();
    delete m; // descriptors in flight are closed with it
  }
  m_bytes = 0;
}

void ReceiveQueue::end() {
  if (m_ended) return;
  m_ended = true;
  m_readers.notify(abi::pollin | abi::pollrdnorm | abi::pollrdhup | abi::pollhup);
}

Result<usize> deliver_message(ReceiveQueue& q, SocketMessage& msg, bool stream, const SockAddr& from) {
  usize len = msg.data.size();
  if (!q.has_room(stream ? 1 : len)) return Errno::would_block;
  auto* m = new SocketMessage;
  usize n = len;
  if (stream && q.bytes() && q.bytes() + len > q.capacity()) n = q.capacity() - q.bytes();
  if (n == len) {
    m->data = std::move(msg.data);
  } else {
    m->data.resize(n);
    __builtin_memcpy(m->data.data(), msg.data.data(), n);
  }
  m->fds = std::move(msg.fds);
  msg.fds.clear();
  m->has_creds = msg.has_creds;
  m->creds = msg.creds;
  m->from = from;
  q.push(m, stream);
  return n;
}

Result<usize> receive_stream(ReceiveQueue& q, const IoBuffer& buf, bool peek, ReceiveResult& out) {
  usize done = 0;
  SocketMessage* m = q.front();
  bool first = true;
  while (m && done < buf.size()) {
    // Descriptors and credentials start a new read (unix_stream_read_generic).
    if (!first && m->has_ancillary()) break;
    usize n = min(buf.size() - done, m->left());
    TRY(buf.write_from(done, m->data.data() + m->consumed, n));
    if (first && m->has_ancillary() && !peek) {
      out.fds = std::move(m->fds);
      m->fds.clear();
      out.has_creds = m->has_creds;
      out.creds = m->creds;
      m->has_creds = false;
    } else if (first && peek) {
      out.has_creds = m->has_creds;
      out.creds = m->creds;
    }
    first = false;
    done += n;
    if (peek) {
      m = q.next(*m); // looked at, not taken
      continue;
    }
    q.consume(n, false);
    m = q.front();
  }
  return done;
}

Result<usize> receive_datagram(ReceiveQueue& q, const IoBuffer& buf, bool peek, ReceiveResult& out) {
  SocketMessage* m = q.front();
  if (!m) return Errno::would_block;
  usize n = min(buf.size(), m->data.size());
  TRY(buf.write_from(0, m->data.data(), n));
  out.message_len = m->data.size();
  out.from = m->from;
  out.has_creds = m->has_creds;
  out.creds = m->creds;
  if (!peek) {
    out.fds = std::move(m->fds);
    m->fds.clear();
    q.consume(0, true);
  }
  return n;
}

// ---- sockets ----

Socket::Socket(i32 family, i32 type, i32 protocol)
    : m_family(family), m_type(type), m_protocol(protocol), m_ino(allocate_inode_number()) {}

ErrorOr Socket::stat(abi::Stat& out) {
  out = {};
  out.st_mode = static_cast<u32>(abi::s_ifsock | 0777);
  out.st_nlink = 1;
  out.st_ino = m_ino;
  out.st_blksize = 4096;
  Process& p = current_process();
  out.st_uid = p.credentials().euid;
  out.st_gid = p.credentials().egid;
  return {};
}

ErrorOr Socket::statfs(abi::Statfs& out) {
  fill_pseudo_statfs(out, static_cast<u32>(abi::sockfs_magic));
  return {};
}

Result<i64> Socket::ioctl(FileDescription&, u32 request, UserAddr arg) {
  if (request == abi::fionread) {
    // Stream: the bytes queued; datagram: the next datagram's size (unix(7), udp(7)).
    usize n = m_type == abi::sock_stream ? m_queue.bytes() : m_queue.front() ? m_queue.front()->data.size() : 0;
    TRY(copy_out<i32>(arg, static_cast<i32>(min<usize>(n, 0x7fffffff))));
    return 0;
  }
  if (request == abi::siocoutq) {
    TRY(copy_out<i32>(arg, 0)); // sent bytes reach the peer's queue at once
    return 0;
  }
  return interface_ioctl(request, arg); // SIOCGIF*: any socket asks about the interfaces
}

Result<usize> Socket::read(FileDescription&, const IoBuffer& buf, i64) {
  ReceiveResult r;
  return receive(buf, 0, r);
}

namespace {
// Sleeps once registered on what will wake the caller: SO_SNDTIMEO/SO_RCVTIMEO running
// out is EAGAIN (socket(7)).
ErrorOr sleep_until(i64 deadline) {
  auto r = current().block(deadline);
  if (r.is_error() && r.error() == Errno::etimedout) return Errno::eagain;
  return r;
}
} // namespace

ErrorOr Socket::wait(FileDescription& d, u32 events, i64 deadline) {
  ThreadPollTable table(current());
  table.set_key(events | abi::pollhup | abi::pollerr);
  if (d.file().poll(events, &table)) return {};
  return sleep_until(deadline);
}

ErrorOr Socket::wait_to_send(FileDescription& d, const SockAddr* to, i64 deadline) {
  WaitQueue* space = send_space(to);
  if (!space) return wait(d, abi::pollout, deadline);
  ThreadWaiter w(current());
  space->add(w);
  return sleep_until(deadline);
}

i64 Socket::send_deadline() const { return m_sndtimeo ? host().monotonic_ns() + m_sndtimeo : -1; }
i64 Socket::receive_deadline() const { return m_rcvtimeo ? host().monotonic_ns() + m_rcvtimeo : -1; }

ErrorOr SendBytes::copy(usize offset, u8* out, usize n) const {
  for (const IoBuffer& part : m_parts) {
    if (n == 0) break;
    if (offset >= part.size()) {
      offset -= part.size();
      continue;
    }
    usize take = min(n, part.size() - offset);
    TRY(part.read_into(out, offset, take));
    out += take;
    n -= take;
    offset = 0;
  }
  return {};
}

Result<usize> Socket::send_all(FileDescription& d, const SendBytes& bytes, SendExtras& extras, const SockAddr* to,
                               u32 flags) {
  bool nonblocking = d.is_nonblocking() || (flags & abi::msg_dontwait);
  bool stream = m_type == abi::sock_stream;
  usize total = bytes.size(), done = 0;
  if (!stream && total > max_datagram()) return Errno::emsgsize;
  i64 deadline = send_deadline();
  auto partial = [&](Errno e) { return done ? Result<usize>(done) : Result<usize>(e); };
  for (;;) {
    SocketMessage msg;
    usize n = stream ? min<usize>(total - done, 64 * 1024) : total;
    msg.data.resize(n);
    if (auto c = bytes.copy(done, msg.data.data(), n); c.is_error()) return partial(c.error());
    if (done == 0) {
      msg.fds = std::move(extras.fds);
      msg.has_creds = extras.has_creds;
      msg.creds = extras.creds;
    }
    auto r = send(msg, to, flags);
    if (r.is_error() && done == 0 && !msg.fds.empty()) extras.fds = std::move(msg.fds); // kept for a retry
    if (r.is_error()) {
      Errno e = r.error();
      if (e == Errno::epipe && !(flags & abi::msg_nosignal))
        send_signal_to_thread(current(), make_siginfo(abi::sigpipe, abi::si_user));
      if (e != Errno::would_block) return partial(e);
      if (nonblocking) return partial(Errno::eagain);
      auto w = wait_to_send(d, to, deadline);
      if (w.is_error()) return partial(w.error());
      continue;
    }
    done += r.value();
    if (!stream || done >= total || total == 0) return done;
  }
}

// write(2) is send(2) without flags (its SIGPIPE included).
Result<usize> Socket::write(FileDescription& d, const IoBuffer& buf, i64) {
  SendExtras none;
  return send_all(d, SendBytes(buf), none, nullptr, 0);
}

namespace {

i64 timeval_ns(i64 sec, i64 usec) { return sec * 1000000000 + usec * 1000; }

template <typename T>
usize put(u8* out, const T& v) {
  __builtin_memcpy(out, &v, sizeof v);
  return sizeof v;
}

} // namespace

Result<usize> Socket::get_option(i32 level, i32 name, u8* v) {
  if (level != abi::sol_socket) return Errno::enoprotoopt;
  switch (name) {
  case abi::so_type: return put(v, m_type);
  case abi::so_protocol: return put(v, m_protocol);
  case abi::so_domain: return put(v, m_family);
  case abi::so_error: return put(v, take_error());
  case abi::so_reuseaddr: return put(v, i32{m_reuseaddr});
  case abi::so_reuseport: return put(v, i32{m_reuseport});
  case abi::so_keepalive: return put(v, i32{m_keepalive});
  case abi::so_broadcast: return put(v, i32{m_broadcast});
  case abi::so_oobinline: return put(v, i32{m_oobinline});
  case abi::so_passcred: return put(v, i32{m_passcred});
  case abi::so_acceptconn: return put(v, i32{is_listening()});
  case abi::so_sndbuf: return put(v, static_cast<i32>(m_sndbuf));
  case abi::so_rcvbuf: return put(v, static_cast<i32>(m_queue.capacity()));
  case abi::so_rcvlowat: return put(v, m_rcvlowat);
  case abi::so_sndlowat: return put(v, i32{1});
  case abi::so_linger: return put(v, m_linger);
  case abi::so_rcvtimeo_old:
  case abi::so_sndtimeo_old: {
    i64 ns = name == abi::so_rcvtimeo_old ? m_rcvtimeo : m_sndtimeo;
    return put(v, abi::Timeval32{static_cast<i32>(ns / 1000000000), static_cast<i32>(ns % 1000000000 / 1000)});
  }
  case abi::so_rcvtimeo_new:
  case abi::so_sndtimeo_new: {
    i64 ns = name == abi::so_rcvtimeo_new ? m_rcvtimeo : m_sndtimeo;
    return put(v, abi::Timeval{ns / 1000000000, ns % 1000000000 / 1000});
  }
  default: return Errno::enoprotoopt;
  }
}

ErrorOr Socket::set_option(i32 level, i32 name, const u8* v, usize len) {
  if (level != abi::sol_socket) return Errno::enoprotoopt;
  i32 iv = 0;
  if (len >= sizeof(i32)) __builtin_memcpy(&iv, v, sizeof iv);
  auto need_int = [&]() -> ErrorOr { return len < sizeof(i32) ? ErrorOr(Errno::einval) : ErrorOr(); };
  switch (name) {
  case abi::so_reuseaddr: TRY(need_int()); m_reuseaddr = iv; return {};
  case abi::so_reuseport: TRY(need_int()); m_reuseport = iv; return {};
  case abi::so_keepalive: TRY(need_int()); m_keepalive = iv; return {};
  case abi::so_broadcast: TRY(need_int()); m_broadcast = iv; return {};
  case abi::so_oobinline: TRY(need_int()); m_oobinline = iv; return {};
  case abi::so_passcred: TRY(need_int()); m_passcred = iv; return {};
  case abi::so_debug:
  case abi::so_dontroute: TRY(need_int()); return {};
  case abi::so_sndbuf:
  case abi::so_sndbufforce:
  case abi::so_rcvbuf:
  case abi::so_rcvbufforce: {
    TRY(need_int());
    bool force = name == abi::so_sndbufforce || name == abi::so_rcvbufforce;
    if (force && current_process().credentials().euid != 0) return Errno::eperm;
    // net/core/sock.c: the value is capped at {w,r}mem_max unless forced, then doubled
    // for the kernel's bookkeeping, with a floor.
    u32 want = static_cast<u32>(iv < 0 ? 0 : iv);
    if (!force) want = min<u32>(want, 212992);
    bool send_side = name == abi::so_sndbuf || name == abi::so_sndbufforce;
    usize size = max<usize>(static_cast<usize>(want) * 2, send_side ? 4608 : 2304);
    if (send_side)
      m_sndbuf = size;
    else
      m_queue.set_capacity(size);
    return {};
  }
  case abi::so_rcvlowat: TRY(need_int()); m_rcvlowat = iv < 1 ? 1 : iv; return {};
  case abi::so_linger:
    if (len < sizeof(abi::Linger)) return Errno::einval;
    __builtin_memcpy(&m_linger, v, sizeof m_linger);
    return {};
  case abi::so_rcvtimeo_old:
  case abi::so_sndtimeo_old:
  case abi::so_rcvtimeo_new:
  case abi::so_sndtimeo_new: {
    bool old = name == abi::so_rcvtimeo_old || name == abi::so_sndtimeo_old;
    i64 sec = 0, usec = 0;
    if (old) {
      if (len < sizeof(abi::Timeval32)) return Errno::einval;
      abi::Timeval32 tv;
      __builtin_memcpy(&tv, v, sizeof tv);
      sec = tv.tv_sec, usec = tv.tv_usec;
    } else {
      if (len < sizeof(abi::Timeval)) return Errno::einval;
      abi::Timeval tv;
      __builtin_memcpy(&tv, v, sizeof tv);
      sec = tv.tv_sec, usec = tv.tv_usec;
    }
    // sock_set_timeout: EDOM for usec out of range; a negative time is none.
    if (usec < 0 || usec >= 1000000) return Errno::edom;
    i64 ns = sec < 0 ? 0 : sec > INT32_MAX ? 0 : timeval_ns(sec, usec);
    if (name == abi::so_rcvtimeo_old || name == abi::so_rcvtimeo_new)
      m_rcvtimeo = ns;
    else
      m_sndtimeo = ns;
    return {};
  }
  default: return Errno::enoprotoopt;
  }
}

} // namespace wasmux
