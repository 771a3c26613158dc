// AF_UNIX sockets (unix(7), Linux net/unix/af_unix.c): stream, datagram and sequenced-
// packet sockets between processes of this kernel. Names are paths (a socket node made
// in the file system by bind, found again by the inode connect resolves) or abstract (a
// leading NUL, in a kernel table). A connection is made at connect: the listener's accept
// queue gets the server's end at once. Messages carry descriptors (SCM_RIGHTS) and
// credentials (SCM_CREDENTIALS, SO_PASSCRED); SO_PEERCRED is the peer's at connect.
#include "unix_socket.h"

#include "../base/format.h"
#include "../fd/file_description.h"
#include "../proc/process.h"
#include "../syscalls/syscall.h"
#include "../vfs/custody.h"
#include "../vfs/permission.h"
#include "../vfs/vfs.h"

namespace wasmux {

namespace {

constexpr usize path_offset = 2; // offsetof(struct sockaddr_un, sun_path)

class UnixSocket;

abi::Ucred credentials_of_caller() {
  Process& p = current_process();
  return abi::Ucred{p.pid(), p.credentials().euid, p.credentials().egid};
}

class UnixSocket final : public Socket {
public:
  UnixSocket(i32 type, i32 protocol) : Socket(abi::af_unix, type, protocol) { all().push_back(*this); }
  ~UnixSocket() override {
    release();
    m_all_node.unlink();
  }

  bool connection_based() const { return type() != abi::sock_dgram; }
  bool is_listening() const override { return m_listening; }
  bool bound() const { return m_addr.len > path_offset; }
  const SockAddr& address() const { return m_addr; }

  // ---- names ----

  ErrorOr bind(const SockAddr& addr) override {
    if (addr.len < path_offset || addr.family() != abi::af_unix) return Errno::einval;
    if (bound()) return Errno::einval;
    if (addr.len == path_offset) return autobind();
    if (addr.bytes[path_offset] == 0) { // abstract
      if (find_abstract(addr)) return Errno::eaddrinuse;
      m_addr = addr;
      return {};
    }
    String path = path_of(addr);
    Process& p = current_process();
    RefPtr<Custody> base = path.view().front() == '/' ? Vfs::the().root() : RefPtr<Custody>(&p.cwd());
    auto parent = TRY(Vfs::the().resolve_parent(*base, path.view()));
    if (parent.name.empty() || parent.trailing_slash) return Errno::einval;
    Inode& dir = parent.parent->inode();
    if (!dir.lookup(parent.name.view()).is_error()) return Errno::eaddrinuse;
    TRY(may_create(dir));
    TRY(dir.mknod(parent.name.view(), abi::s_ifsock | (0777 & ~p.umask()), 0, p.credentials().euid,
                  p.credentials().egid));
    m_inode = TRY(dir.lookup(parent.name.view()));
    // The name as getsockname gives it back: the path and its NUL (unix_mkname_bsd).
    m_addr = {};
    m_addr.bytes[0] = abi::af_unix;
    __builtin_memcpy(m_addr.bytes + path_offset, path.view().data(), path.length());
    m_addr.len = static_cast<u32>(path_offset + path.length() + 1);
    return {};
  }

  ErrorOr sockname(SockAddr& out) override {
    if (bound()) {
      out = m_addr;
    } else {
      out = {};
      out.bytes[0] = abi::af_unix;
      out.len = path_offset;
    }
    return {};
  }

  ErrorOr peername(SockAddr& out) override {
    if (!m_peer) return Errno::enotconn;
    return m_peer->sockname(out);
  }

  // ---- connections ----

  ErrorOr listen(i32 backlog) override {
    if (!connection_based()) return Errno::eopnotsupp;
    if (m_peer || m_was_connected) return Errno::einval;
    if (!bound()) return Errno::einval; // unix_listen: an unbound socket cannot listen
    m_listening = true;
    m_listener_creds = credentials_of_caller();
    // net/socket.c: the backlog is capped at somaxconn; unix allows backlog + 1 waiting.
    m_backlog = backlog < 0 ? 0 : min<i32>(backlog, static_cast<i32>(abi::somaxconn));
    m_queue.readers().notify(abi::pollin); // pollers look again
    return {};
  }

  Result<RefPtr<Socket>> accept(SockAddr& peer) override {
    if (!m_listening) return Errno::einval;
    if (m_pending.empty()) return Errno::would_block;
    RefPtr<UnixSocket> s = m_pending[0];
    m_pending.remove(0);
    m_accept_space.wake_all();
    if (s->m_peer)
      (void)s->m_peer->sockname(peer);
    else {
      peer = {};
      peer.bytes[0] = abi::af_unix;
      peer.len = path_offset;
    }
    return RefPtr<Socket>(s);
  }

  ErrorOr connect(const SockAddr& addr, bool nonblocking) override {
    if (addr.len <= path_offset || addr.len > sizeof(abi::SockaddrUn)) return Errno::einval;
    if (addr.family() != abi::af_unix) return Errno::einval;
    if (!connection_based()) return connect_datagram(addr);
    if (m_listening) return Errno::einval;
    if (m_peer) return Errno::eisconn;
    for (;;) {
      UnixSocket* target = TRY(find_target(addr));
      if (!target->m_listening) return Errno::econnrefused;
      if (static_cast<i32>(target->m_pending.size()) > target->m_backlog) {
        if (nonblocking) return Errno::eagain;
        ThreadWaiter w(current());
        target->m_accept_space.add(w);
        TRY(current().block(send_timeout() ? host().monotonic_ns() + send_timeout() : -1));
        continue; // the listener may be gone now: look it up again
      }
      auto server = make_ref<UnixSocket>(type(), protocol());
      server->m_addr = target->m_addr;
      server->m_peer = this;
      server->m_peer_creds = credentials_of_caller();
      server->m_queue.set_capacity(target->m_queue.capacity());
      m_peer = server.ptr();
      m_peer_creds = target->m_listener_creds;
      m_was_connected = true;
      server->m_was_connected = true;
      target->m_pending.append(server);
      target->m_queue.readers().notify(abi::pollin | abi::pollrdnorm);
      return {};
    }
  }

  // ---- data ----

  Result<usize> send(SocketMessage& msg, const SockAddr* to, u32 flags) override {
    if (connection_based()) {
      if (to && type() == abi::sock_stream) return m_peer ? Errno::eisconn : Errno::eopnotsupp;
      if (!m_peer) return m_was_connected ? Errno::epipe : Errno::enotconn;
      if (m_shut_wr || m_peer->m_shut_rd) return Errno::epipe;
      return deliver(*m_peer, msg, type() == abi::sock_stream);
    }
    UnixSocket* dest = m_peer;
    if (to) dest = TRY(find_target(*to));
    if (!dest) return m_was_connected ? Errno::econnrefused : Errno::enotconn;
    if (dest->type() != type()) return Errno::eprototype;
    // unix_may_send: a datagram socket connected to another accepts only from that one.
    if (dest->m_peer && dest->m_peer != this) return Errno::eperm;
    if (m_shut_wr) return Errno::epipe;
    if (msg.data.size() > send_buffer() - 32) return Errno::emsgsize;
    return deliver(*dest, msg, false);
  }

  // unix_dgram_sendmsg: a record larger than the send buffer leaves room for is EMSGSIZE.
  usize max_datagram() const override { return send_buffer() - 32; }

  WaitQueue* send_space(const SockAddr* to) override {
    if (type() == abi::sock_stream) return nullptr;
    UnixSocket* dest = m_peer;
    if (to && !connection_based()) {
      auto found = find_target(*to);
      dest = found.is_error() ? nullptr : found.value();
    }
    return dest ? &dest->m_queue.writers() : nullptr;
  }

  Result<usize> receive(const IoBuffer& buf, u32 flags, ReceiveResult& out) override {
    bool peek = flags & abi::msg_peek;
    if (type() == abi::sock_stream) {
      if (m_listening || (!m_peer && !m_was_connected)) return Errno::einval;
      // A pending error (ECONNRESET from a peer that closed with data unread) comes
      // when nothing is left to read (unix_stream_read_generic: sock_error).
      if (m_queue.empty() && m_error) return static_cast<Errno>(take_error());
      if (m_queue.empty()) return m_queue.ended() || m_shut_rd ? Result<usize>(0) : Result<usize>(Errno::would_block);
      if (buf.size() == 0) return 0;
      return receive_stream(m_queue, buf, peek, out);
    }
    if (type() == abi::sock_seqpacket && !m_peer && !m_was_connected) return Errno::enotconn;
    if (m_queue.empty()) {
      if (m_queue.ended() || m_shut_rd) return 0;
      return Errno::would_block;
    }
    return receive_datagram(m_queue, buf, peek, out);
  }

  ErrorOr shutdown(i32 how) override {
    // unix_shutdown: any state, connected or not.
    if (how < abi::shut_rd || how > abi::shut_rdwr) return Errno::einval;
    if (how != abi::shut_wr) m_shut_rd = true;
    if (how != abi::shut_rd) m_shut_wr = true;
    m_queue.readers().notify(all_events);
    if (m_peer) {
      if (how != abi::shut_rd) m_peer->m_queue.end();               // the peer reads to the end
      if (how != abi::shut_wr) m_peer->m_queue.writers().notify(all_events); // and cannot send
    }
    return {};
  }

  u32 poll(u32 mask, PollTable* table) override {
    if (table) {
      table->watch(m_queue.readers());
      if (m_peer) table->watch(m_peer->m_queue.writers());
      else table->watch(m_queue.writers());
    }
    u32 r = 0;
    if (m_error) r |= abi::pollerr;
    bool rd_shut = m_shut_rd || m_queue.ended();
    bool wr_shut = m_shut_wr || (m_peer && m_peer->m_shut_rd) || (connection_based() && m_was_connected && !m_peer);
    if (rd_shut && wr_shut) r |= abi::pollhup;
    if (rd_shut) r |= abi::pollrdhup | abi::pollin | abi::pollrdnorm;
    if (!m_queue.empty() || (m_listening && !m_pending.empty())) r |= abi::pollin | abi::pollrdnorm;
    // An unconnected connection-based socket is hung up (unix_poll: TCP_CLOSE).
    if (connection_based() && !m_listening && !m_peer && !m_was_connected) r |= abi::pollhup;
    bool writable = !m_listening;
    if (writable && m_peer && !m_peer->m_queue.has_room(1)) writable = false;
    if (writable) r |= abi::pollout | abi::pollwrnorm | abi::pollwrband;
    return r & (mask | abi::pollhup | abi::pollerr);
  }

  Result<usize> get_option(i32 level, i32 name, u8* v) override {
    if (level == abi::sol_socket && name == abi::so_peercred) {
      // SO_PEERCRED: the peer's at connect or socketpair; a listener's own (unix(7)).
      abi::Ucred c = m_peer || m_was_connected ? m_peer_creds : m_listening ? m_listener_creds
                                                                              : abi::Ucred{0, ~0u, ~0u};
      __builtin_memcpy(v, &c, sizeof c);
      return sizeof c;
    }
    return Socket::get_option(level, name, v);
  }

  void on_last_close(FileDescription&) override { release(); }

  void describe(Formatter& f) const override {
    f.append("socket AF_UNIX type ").append_int(type());
    if (m_listening) f.append(" listening, ").append_int(static_cast<i64>(m_pending.size())).append(" pending");
    f.append(m_peer ? " connected" : "").append(" queued ").append_int(static_cast<i64>(m_queue.bytes()));
  }

  // socketpair: both ends connected, each with the other's credentials (the caller's).
  static void pair(UnixSocket& a, UnixSocket& b) {
    a.m_peer = &b;
    b.m_peer = &a;
    a.m_peer_creds = b.m_peer_creds = credentials_of_caller();
    a.m_was_connected = b.m_was_connected = true;
  }

  ListNode m_all_node; // in all(): every AF_UNIX socket, for names and for peers that go

private:
  static IntrusiveList<UnixSocket, &UnixSocket::m_all_node>& all() {
    static auto* list = new IntrusiveList<UnixSocket, &UnixSocket::m_all_node>;
    return *list;
  }

  static String path_of(const SockAddr& addr) {
    usize n = 0;
    while (path_offset + n < addr.len && addr.bytes[path_offset + n]) ++n;
    return String(std::string_view(reinterpret_cast<const char*>(addr.bytes + path_offset), n));
  }

  static UnixSocket* find_abstract(const SockAddr& addr) {
    UnixSocket* found = nullptr;
    all().for_each([&](UnixSocket& s) {
      if (!found && s.m_addr.len == addr.len && s.m_addr.bytes[path_offset] == 0 &&
          __builtin_memcmp(s.m_addr.bytes, addr.bytes, addr.len) == 0)
        found = &s;
    });
    return found;
  }

  // The socket an address names: ECONNREFUSED when nothing listens there any more.
  Result<UnixSocket*> find_target(const SockAddr& addr) {
    if (addr.len <= path_offset || addr.family() != abi::af_unix) return Errno::einval;
    if (addr.bytes[path_offset] == 0) {
      UnixSocket* s = find_abstract(addr);
      if (!s) return Errno::econnrefused;
      return s;
    }
    String path = path_of(addr);
    Process& p = current_process();
    RefPtr<Custody> base = path.view().front() == '/' ? Vfs::the().root() : RefPtr<Custody>(&p.cwd());
    auto custody = TRY(Vfs::the().resolve(*base, path.view(), Follow::yes));
    Inode& inode = custody->inode();
    if ((inode.metadata().mode & abi::s_ifmt) != abi::s_ifsock) return Errno::econnrefused;
    TRY(inode_permission(inode, may_write)); // unix(7): connecting needs write permission
    UnixSocket* found = nullptr;
    all().for_each([&](UnixSocket& s) {
      if (!found && s.m_inode.ptr() == &inode) found = &s;
    });
    if (!found) return Errno::econnrefused;
    if (found->type() != type()) return Errno::eprototype;
    return found;
  }

  ErrorOr connect_datagram(const SockAddr& addr) {
    UnixSocket* target = TRY(find_target(addr));
    m_peer = target;
    m_was_connected = true;
    return {};
  }

  ErrorOr autobind() {
    // unix_autobind: an abstract name of five hex digits.
    static u32 next = 0;
    for (u32 tries = 0; tries < 0x100000; ++tries) {
      SockAddr a{};
      a.bytes[0] = abi::af_unix;
      u32 n = (next++) & 0xfffff;
      const char* hex = "0123456789abcdef";
      for (i32 i = 4; i >= 0; --i, n >>= 4)
        a.bytes[path_offset + 1 + i] = static_cast<u8>(hex[n & 0xf]);
      a.len = path_offset + 1 + 5;
      if (!find_abstract(a)) {
        m_addr = a;
        return {};
      }
    }
    return Errno::enospc;
  }

  Result<usize> deliver(UnixSocket& dest, SocketMessage& msg, bool stream) {
    // The sender's credentials go with every message to a receiver that asked for them
    // (SO_PASSCRED), the ones given (SCM_CREDENTIALS, checked by the caller) or its own.
    if (!msg.has_creds && dest.passcred()) {
      msg.has_creds = true;
      msg.creds = credentials_of_caller();
    }
    SockAddr from;
    (void)sockname(from);
    return deliver_message(dest.receive_queue(), msg, stream, from);
  }

  // The socket goes: its peer sees the end (and ECONNRESET if this one left data
  // unread), a listener's waiting connections are refused, its name is free.
  void release() {
    if (m_released) return;
    m_released = true;
    if (m_peer) {
      UnixSocket* peer = m_peer;
      if (connection_based()) {
        if (!m_queue.empty()) peer->m_error = static_cast<i32>(Errno::econnreset);
        peer->m_peer = nullptr;
        peer->m_queue.end();
        peer->m_queue.writers().notify(all_events);
      }
      m_peer = nullptr;
    }
    // Datagram sockets connected to this one: their sends are refused from now on.
    all().for_each([&](UnixSocket& s) {
      if (s.m_peer == this) {
        s.m_peer = nullptr;
        s.m_queue.writers().notify(all_events);
      }
    });
    for (auto& pending : m_pending)
      pending->release();
    m_pending.clear();
    m_accept_space.wake_all();
    m_queue.clear();
    m_queue.writers().notify(all_events); // those waiting to send here look again, and go
    m_inode = nullptr;
    m_addr.len = 0;
  }

  SockAddr m_addr;
  RefPtr<Inode> m_inode;  // a path name's socket node
  UnixSocket* m_peer{nullptr}; // cleared by the peer's release()
  bool m_was_connected{false};
  bool m_listening{false};
  bool m_released{false};
  bool m_shut_rd{false}, m_shut_wr{false};
  i32 m_backlog{0};
  Vector<RefPtr<UnixSocket>> m_pending; // connections not yet accepted
  WaitQueue m_accept_space;             // connects waiting for room in m_pending
  abi::Ucred m_peer_creds{0, ~0u, ~0u};
  abi::Ucred m_listener_creds{0, ~0u, ~0u};
};

} // namespace

Result<RefPtr<Socket>> make_unix_socket(i32 type, i32 protocol) {
  if (protocol != 0) return Errno::eprotonosupport;
  if (type == abi::sock_raw) type = abi::sock_dgram; // unix_create: SOCK_RAW is SOCK_DGRAM
  if (type != abi::sock_stream && type != abi::sock_dgram && type != abi::sock_seqpacket) return Errno::esocktnosupport;
  auto s = make_ref<UnixSocket>(type, protocol);
  return RefPtr<Socket>(s);
}

ErrorOr make_unix_pair(i32 type, i32 protocol, RefPtr<Socket>& a, RefPtr<Socket>& b) {
  if (protocol != 0) return Errno::eprotonosupport;
  if (type != abi::sock_stream && type != abi::sock_dgram && type != abi::sock_seqpacket) return Errno::esocktnosupport;
  auto x = make_ref<UnixSocket>(type, protocol);
  auto y = make_ref<UnixSocket>(type, protocol);
  UnixSocket::pair(*x, *y);
  a = x;
  b = y;
  return {};
}

} // namespace wasmux
