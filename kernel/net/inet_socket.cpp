// AF_INET and AF_INET6 TCP and UDP over the kernel's loopback (ip(7), ipv6(7), tcp(7),
// udp(7); Linux net/ipv4/af_inet.c, inet_connection_sock.c, udp.c), and to and from the
// host's network through a HostLink (net/host_net.h) when host networking is on. The
// addresses a guest may bind are the wildcard, the loopback ones (127.0.0.0/8, ::1) and,
// with host networking, the guest's own (10.0.2.15); others are EADDRNOTAVAIL. Addresses are kept as IPv6 (IPv4 as ::ffff:a.b.c.d), so an AF_INET6
// socket without IPV6_V6ONLY meets IPv4 peers as Linux's dual-stack sockets do. A TCP
// connection is made at connect (a non-blocking connect answers EINPROGRESS and is done
// by the time it polls writable); a UDP datagram to a port nobody has bound is dropped.
#include "inet_socket.h"

#include "host_net.h"
#include "../base/format.h"
#include "../fd/file_description.h"
#include "../proc/process.h"
#include "../syscalls/syscall.h"

namespace wasmux {

namespace {

// Linux's ip_local_port_range: where ephemeral ports come from.
constexpr u16 ephemeral_first = 32768, ephemeral_last = 60999;
constexpr usize udp_max_payload = 65507;

u16 swap16(u16 v) { return static_cast<u16>(v << 8 | v >> 8); }

struct Endpoint {
  u8 ip[16]{};
  u16 port{0}; // host order
  bool is_v4() const {
    static const u8 prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return __builtin_memcmp(ip, prefix, 12) == 0;
  }
  bool is_any() const {
    if (is_v4()) return ip[12] == 0 && ip[13] == 0 && ip[14] == 0 && ip[15] == 0;
    for (u8 b : ip)
      if (b) return false;
    return true;
  }
  bool is_loopback() const {
    if (is_v4()) return ip[12] == 127;
    for (i32 i = 0; i < 15; ++i)
      if (ip[i]) return false;
    return ip[15] == 1;
  }
  bool same_ip(const Endpoint& o) const { return __builtin_memcmp(ip, o.ip, 16) == 0; }
  // This machine: loopback, or the guest's address on the host's network.
  bool is_local() const { return is_loopback() || (HostNet::the().enabled() && guest_net::is_guest(ip)); }
  NetAddress net() const {
    NetAddress n;
    __builtin_memcpy(n.ip, ip, 16);
    n.port = port;
    return n;
  }
  static Endpoint of(const NetAddress& n) {
    Endpoint e;
    __builtin_memcpy(e.ip, n.ip, 16);
    e.port = n.port;
    return e;
  }
  static Endpoint v4_any() {
    Endpoint e;
    e.ip[10] = e.ip[11] = 0xff;
    return e;
  }
};

class InetSocket final : public Socket, public HostLinkOwner {
public:
  InetSocket(i32 family, i32 type, i32 protocol) : Socket(family, type, protocol) { all().push_back(*this); }
  ~InetSocket() override {
    release();
    m_all_node.unlink();
  }
  bool tcp() const { return type() == abi::sock_stream; }
  // udp_sendmsg refuses more than an IP packet's length field holds before anything else
  // (and past the largest payload later, in send).
  usize max_datagram() const override { return 0xffff; }
  bool is_listening() const override { return m_listening; }
  ListNode m_all_node;

  // ---- addresses ----

  // The endpoint a sockaddr names, in this socket's family (EINVAL for a short one,
  // EAFNOSUPPORT for another family; AF_UNSPEC only where `unspec_ok`).
  Result<Endpoint> endpoint_of(const SockAddr& a, bool& unspec) const {
    unspec = false;
    Endpoint e;
    if (family() == abi::af_inet) {
      if (a.len < sizeof(abi::SockaddrIn)) return Errno::einval;
      abi::SockaddrIn sin;
      __builtin_memcpy(&sin, a.bytes, sizeof sin);
      if (sin.sin_family == abi::af_unspec) unspec = true;
      else if (sin.sin_family != abi::af_inet) return Errno::eafnosupport;
      e = Endpoint::v4_any();
      __builtin_memcpy(e.ip + 12, &sin.sin_addr, 4);
      e.port = swap16(sin.sin_port);
      return e;
    }
    if (a.len >= 2 && a.family() == abi::af_unspec) {
      unspec = true;
      return e;
    }
    if (a.len < 24) return Errno::einval; // SIN6_LEN_RFC2133
    abi::SockaddrIn6 sin6{};
    __builtin_memcpy(&sin6, a.bytes, min<usize>(a.len, sizeof sin6));
    if (sin6.sin6_family != abi::af_inet6) return Errno::eafnosupport;
    __builtin_memcpy(e.ip, sin6.sin6_addr, 16);
    e.port = swap16(sin6.sin6_port);
    if (e.is_v4() && m_v6only) return Errno::enetunreach;
    return e;
  }

  SockAddr sockaddr_of(const Endpoint& e) const {
    SockAddr a;
    if (family() == abi::af_inet) {
      abi::SockaddrIn sin{};
      sin.sin_family = abi::af_inet;
      sin.sin_port = swap16(e.port);
      __builtin_memcpy(&sin.sin_addr, e.ip + 12, 4);
      __builtin_memcpy(a.bytes, &sin, sizeof sin);
      a.len = sizeof sin;
    } else {
      abi::SockaddrIn6 sin6{};
      sin6.sin6_family = abi::af_inet6;
      sin6.sin6_port = swap16(e.port);
      __builtin_memcpy(sin6.sin6_addr, e.ip, 16);
      __builtin_memcpy(a.bytes, &sin6, sizeof sin6);
      a.len = sizeof sin6;
    }
    return a;
  }

  // The wildcard of this socket's family.
  Endpoint any() const { return family() == abi::af_inet ? Endpoint::v4_any() : Endpoint{}; }

  // Whether this socket, bound, takes traffic for e (family, address, port).
  bool accepts(const Endpoint& e) const {
    if (!m_bound || m_local.port != e.port) return false;
    if (family() == abi::af_inet && !e.is_v4()) return false;
    if (family() == abi::af_inet6 && e.is_v4() && m_v6only) return false;
    if (m_local.is_any()) return family() == abi::af_inet6 || e.is_v4();
    return m_local.same_ip(e);
  }

  // inet_csk_bind_conflict, simplified: the same port and protocol with overlapping
  // addresses, unless both ask SO_REUSEPORT, or both SO_REUSEADDR and the other is not
  // listening (TCP; any for UDP).
  bool conflicts(const InetSocket& o, const Endpoint& e) const {
    if (&o == this || !o.m_bound || o.type() != type() || o.m_local.port != e.port) return false;
    bool overlap = o.m_local.is_any() || e.is_any() || o.m_local.same_ip(e);
    if (o.family() != family() && (o.m_local.is_any() || e.is_any())) {
      // A dual-stack wildcard meets IPv4; a V6ONLY one does not.
      const InetSocket& v6 = o.family() == abi::af_inet6 ? o : *this;
      overlap = !v6.m_v6only;
    }
    if (!overlap) return false;
    if (reuse_port() && o.reuse_port()) return false;
    if (reuse_addr() && o.reuse_addr() && (!tcp() || !o.m_listening)) return false;
    return true;
  }

  ErrorOr bind_to(const Endpoint& want) {
    Endpoint e = want;
    if (!e.is_any() && !e.is_local()) return Errno::eaddrnotavail;
    if (e.port == 0) {
      static u16 next = ephemeral_first;
      for (u32 tries = 0; tries <= ephemeral_last - ephemeral_first; ++tries) {
        e.port = next;
        next = next == ephemeral_last ? ephemeral_first : static_cast<u16>(next + 1);
        bool taken = false;
        all().for_each([&](InetSocket& o) { taken |= conflicts(o, e) || (o.m_bound && o.type() == type() && o.m_local.port == e.port); });
        if (!taken) break;
        e.port = 0;
      }
      if (e.port == 0) return Errno::eaddrinuse;
    } else {
      bool taken = false;
      all().for_each([&](InetSocket& o) { taken |= conflicts(o, e); });
      if (taken) return Errno::eaddrinuse;
      // Ports below 1024 need CAP_NET_BIND_SERVICE (ip(7)).
      if (e.port < 1024 && current_process().credentials().euid != 0) return Errno::eacces;
    }
    m_local = e;
    m_bound = true;
    return {};
  }

  ErrorOr bind(const SockAddr& addr) override {
    bool unspec = false;
    Endpoint e = TRY(endpoint_of(addr, unspec));
    if (unspec && family() == abi::af_inet && !e.is_any()) return Errno::eafnosupport;
    if (m_bound) return Errno::einval;
    return bind_to(e);
  }

  ErrorOr sockname(SockAddr& out) override {
    out = sockaddr_of(m_bound ? m_local : any());
    return {};
  }

  ErrorOr peername(SockAddr& out) override {
    if (!m_has_peer || (tcp() && !m_peer_socket && !m_connected)) return Errno::enotconn;
    out = sockaddr_of(m_remote);
    return {};
  }

  // ---- TCP connections ----

  ErrorOr listen(i32 backlog) override {
    if (!tcp()) return Errno::eopnotsupp;
    if (m_connected || m_peer_socket) return Errno::einval;
    if (!m_bound) TRY(bind_to(any()));
    // inet_csk_listen_start takes the port again: SO_REUSEADDR let two sockets bind it,
    // but only one may listen there (unless both asked SO_REUSEPORT).
    bool taken = false;
    all().for_each([&](InetSocket& o) { taken |= o.m_listening && conflicts(o, m_local); });
    if (taken) return Errno::eaddrinuse;
    m_listening = true;
    m_backlog = backlog < 0 ? 0 : min<i32>(backlog, static_cast<i32>(abi::somaxconn));
    m_queue.readers().notify(abi::pollin);
    return {};
  }

  Result<RefPtr<Socket>> accept(SockAddr& peer) override {
    if (!m_listening) return Errno::einval;
    if (m_pending.empty()) return Errno::would_block;
    RefPtr<InetSocket> s = m_pending[0];
    m_pending.remove(0);
    m_accept_space.wake_all();
    peer = sockaddr_of(s->m_remote);
    return RefPtr<Socket>(s);
  }

  ErrorOr connect(const SockAddr& addr, bool nonblocking) override {
    bool unspec = false;
    Endpoint dest = TRY(endpoint_of(addr, unspec));
    if (!tcp()) return connect_udp(dest, unspec);
    if (unspec) return Errno::eafnosupport;
    // inet_stream_connect after a non-blocking connect: the first call after it completed
    // says 0, later ones EISCONN; after a refusal whose error was taken, ECONNABORTED,
    // and the socket may connect again.
    if (m_connect_pending) {
      if (m_host_connecting) return Errno::ealready;
      m_connect_pending = false;
      if (m_refused) {
        m_refused = false;
        i32 e = take_error();
        return e ? static_cast<Errno>(e) : Errno::econnaborted;
      }
      return {};
    }
    if (m_listening || m_connected) return Errno::eisconn;
    // connect(2) to the wildcard means this host (ip(7): INADDR_ANY as a destination).
    if (dest.is_any()) {
      Endpoint lo = family() == abi::af_inet || dest.is_v4() ? Endpoint::v4_any() : Endpoint{};
      if (lo.is_v4()) lo.ip[12] = 127, lo.ip[15] = 1;
      else lo.ip[15] = 1;
      lo.port = dest.port;
      dest = lo;
    }
    if (!dest.is_local()) return connect_host(dest);
    if (!m_bound) {
      Endpoint local = dest;
      local.port = 0;
      TRY(bind_to(local));
    }
    m_remote = dest;
    m_has_peer = true;
    InetSocket* listener = find_listener(dest);
    // A full accept queue: Linux drops the SYN and the client tries again, so a blocking
    // connect waits for room; a non-blocking one is queued past the backlog (it would
    // complete on a retry soon enough) and answers EINPROGRESS as ever.
    while (listener && !nonblocking && static_cast<i32>(listener->m_pending.size()) > listener->m_backlog) {
      ThreadWaiter w(current());
      listener->m_accept_space.add(w);
      auto slept = current().block(send_timeout() ? host().monotonic_ns() + send_timeout() : -1);
      if (slept.is_error()) { // SO_SNDTIMEO ran out (ETIMEDOUT), or a signal
        m_has_peer = false;
        return slept.error();
      }
      listener = find_listener(dest); // it may have closed meanwhile
    }
    if (!listener) {
      m_has_peer = false;
      if (!nonblocking) return Errno::econnrefused;
      // The refusal arrives after connect returns (tcp_v4_connect then the RST).
      m_error = static_cast<i32>(Errno::econnrefused);
      m_refused = true;
      m_connect_pending = true;
      m_queue.readers().notify(all_events);
      return Errno::would_block;
    }
    auto server = make_ref<InetSocket>(listener->family(), type(), protocol());
    server->m_local = dest;
    server->m_local.port = listener->m_local.port;
    if (listener->family() == abi::af_inet6 && !dest.is_v4()) server->m_local = dest;
    server->m_bound = true;
    server->m_remote = m_local;
    server->m_has_peer = true;
    server->m_connected = true;
    server->m_peer_socket = this;
    server->m_queue.set_capacity(listener->receive_queue().capacity());
    m_peer_socket = server.ptr();
    m_connected = true;
    listener->m_pending.append(server);
    listener->m_queue.readers().notify(abi::pollin | abi::pollrdnorm);
    // A non-blocking connect answers EINPROGRESS even on loopback; it is done by the time
    // the caller polls for it.
    if (!nonblocking) return {};
    m_connect_pending = true;
    return Errno::would_block;
  }

  ErrorOr connect_finished() override {
    if (m_host_connecting) return Errno::would_block;
    m_connect_pending = false;
    if (m_refused) {
      m_refused = false;
      return static_cast<Errno>(take_error());
    }
    return {};
  }

  // ---- data ----

  Result<usize> send(SocketMessage& msg, const SockAddr* to, u32) override {
    if (!msg.fds.empty() || msg.has_creds) return Errno::einval; // SCM_* are AF_UNIX's
    if (tcp()) {
      if (m_error) return static_cast<Errno>(take_error());
      if (m_host_connecting) return Errno::would_block; // sk_stream_wait_connect
      if (m_link) {
        if (!m_connected || m_shut_wr || m_host_broken) return Errno::epipe;
        return m_link->send_stream(msg.data.data(), msg.data.size());
      }
      if (!m_connected) return Errno::epipe;
      if (!m_peer_socket && m_peer_closed && !m_reset && !m_shut_wr) {
        // CLOSE_WAIT: the peer's FIN came, and a send still goes out; the peer, closed,
        // answers with a reset, which the next call reports: EPIPE in CLOSE_WAIT
        // (tcp_reset), then EPIPE for good.
        m_reset = true;
        m_error = static_cast<i32>(Errno::epipe);
        m_queue.readers().notify(abi::pollerr | abi::pollhup | abi::pollin);
        return msg.data.size();
      }
      if (m_shut_wr || !m_peer_socket || m_peer_socket->m_shut_rd) return Errno::epipe;
      return deliver_message(m_peer_socket->receive_queue(), msg, true, sockaddr_of(m_local));
    }
    Endpoint dest = m_remote;
    if (to) {
      bool unspec = false;
      dest = TRY(endpoint_of(*to, unspec));
      if (unspec && family() == abi::af_inet6) return Errno::eafnosupport;
    } else if (!m_has_peer) {
      return Errno::edestaddrreq;
    }
    if (msg.data.size() > udp_max_payload) return Errno::emsgsize;
    if (m_shut_wr) return Errno::epipe;
    if (!m_bound) TRY(bind_to(any()));
    usize len = msg.data.size();
    if (!dest.is_local() && !dest.is_any()) {
      if (!HostNet::the().enabled()) return Errno::enetunreach;
      if (!m_link) m_link = HostNet::the().open(HostLink::Kind::datagram, this, {}, 0);
      m_link->send_datagram(dest.net(), std::move(msg.data));
      return len;
    }
    InetSocket* receiver = find_udp(dest, m_local);
    // No socket there: the datagram is lost (an ICMP error Linux would report to a
    // connected socket is not modelled); a full receiver drops it too.
    if (receiver && receiver->receive_queue().has_room(len)) {
      Endpoint from = m_local;
      if (from.is_any()) {
        from = dest.is_any() ? Endpoint::v4_any() : dest;
        from.port = m_local.port;
      }
      (void)deliver_message(receiver->receive_queue(), msg, false, receiver->sockaddr_of(from));
    }
    return len;
  }

  Result<usize> receive(const IoBuffer& buf, u32 flags, ReceiveResult& out) override {
    bool peek = flags & abi::msg_peek;
    if (tcp()) {
      if (m_listening) return Errno::enotconn;
      if (m_queue.empty() && m_error) return static_cast<Errno>(take_error());
      if (!m_connected) return Errno::enotconn;
      if (m_queue.empty()) return m_queue.ended() || m_shut_rd ? Result<usize>(0) : Result<usize>(Errno::would_block);
      if (buf.size() == 0) return 0;
      auto r = receive_stream(m_queue, buf, peek, out);
      if (m_link && !peek) m_link->input_room(); // input the service held back may come
      return r;
    }
    if (m_queue.empty()) return m_shut_rd ? Result<usize>(0) : Result<usize>(Errno::would_block);
    return receive_datagram(m_queue, buf, peek, out);
  }

  ErrorOr shutdown(i32 how) override {
    if (how < abi::shut_rd || how > abi::shut_rdwr) return Errno::einval;
    // inet_shutdown: an unconnected socket answers ENOTCONN but still takes the shutdown
    // (pollers see it).
    bool unconnected = tcp() ? !m_connected && !m_listening : !m_has_peer;
    if (how != abi::shut_wr) m_shut_rd = true;
    if (how != abi::shut_rd) m_shut_wr = true;
    if (unconnected) {
      m_queue.readers().notify(all_events);
      return Errno::enotconn;
    }
    m_queue.readers().notify(all_events);
    if (m_peer_socket && how != abi::shut_rd) m_peer_socket->m_queue.end();
    if (m_link && tcp() && how != abi::shut_rd) m_link->shutdown_output();
    if (m_listening && how != abi::shut_wr) release_pending();
    return {};
  }

  u32 poll(u32 mask, PollTable* table) override {
    if (table) {
      table->watch(m_queue.readers());
      table->watch(m_link ? m_link->output_space() : m_peer_socket ? m_peer_socket->m_queue.writers() : m_queue.writers());
    }
    u32 r = 0;
    if (m_error) r |= abi::pollerr;
    if (m_host_connecting) return r & (mask | abi::pollerr); // SYN_SENT: nothing yet
    if (!tcp()) {
      if (!m_queue.empty()) r |= abi::pollin | abi::pollrdnorm;
      r |= abi::pollout | abi::pollwrnorm;
      return r & (mask | abi::pollhup | abi::pollerr);
    }
    if (m_listening) {
      if (!m_pending.empty()) r |= abi::pollin | abi::pollrdnorm;
      return r & (mask | abi::pollhup | abi::pollerr);
    }
    bool rd_shut = m_shut_rd || m_queue.ended();
    // A peer's close leaves this side writable (CLOSE_WAIT) until its reset comes.
    bool wr_shut = m_shut_wr || m_host_broken || m_reset || (m_connected && !m_peer_socket && !m_link && !m_peer_closed);
    // tcp_poll: a socket neither connected nor connecting (TCP_CLOSE) is hung up and
    // writable (a send fails at once).
    bool closed = !m_connected && !m_listening;
    if ((rd_shut && wr_shut) || closed) r |= abi::pollhup;
    if (rd_shut || m_refused) r |= abi::pollin | abi::pollrdnorm | abi::pollrdhup;
    if (!m_queue.empty()) r |= abi::pollin | abi::pollrdnorm;
    bool room = m_link ? m_link->output_room() > 0 : !m_peer_socket || m_peer_socket->m_queue.has_room(1);
    if (closed || wr_shut || room) r |= abi::pollout | abi::pollwrnorm;
    return r & (mask | abi::pollhup | abi::pollerr);
  }

  Result<usize> get_option(i32 level, i32 name, u8* v) override {
    i32 value = 0;
    if (level == abi::ipproto_tcp && tcp()) {
      switch (name) {
      case abi::tcp_nodelay: value = m_nodelay; break;
      case abi::tcp_cork: value = m_cork; break;
      case abi::tcp_keepidle: value = m_keepidle; break;
      case abi::tcp_keepintvl: value = m_keepintvl; break;
      case abi::tcp_keepcnt: value = m_keepcnt; break;
      case abi::tcp_maxseg: value = 65483; break; // loopback's MSS
      default: return Errno::enoprotoopt;
      }
    } else if (level == abi::ipproto_ipv6 && family() == abi::af_inet6 && name == abi::ipv6_v6only) {
      value = m_v6only;
    } else if (auto ip = ip_option(level, name); ip.known) {
      if (!ip.value || ip.is_membership) return Errno::enoprotoopt;
      value = ip.is_interface ? 0 : *ip.value; // the interface: INADDR_ANY / index 0
    } else {
      return Socket::get_option(level, name, v);
    }
    __builtin_memcpy(v, &value, sizeof value);
    return sizeof value;
  }

  ErrorOr set_option(i32 level, i32 name, const u8* v, usize len) override {
    if (auto ip = ip_option(level, name); ip.known) {
      if (!ip.value) return Errno::enoprotoopt;
      if (ip.multicast && tcp()) return Errno::einval; // do_ip_setsockopt: not on streams
      // The multicast TTL and loop take an int or one byte (do_ip_setsockopt).
      i32 value;
      if (len >= sizeof(i32)) __builtin_memcpy(&value, v, sizeof value);
      else if (len >= 1 && ip.multicast) value = v[0];
      else return Errno::einval;
      if (ip.is_interface || ip.is_membership) {
        if (ip.is_membership) return Errno::enodev; // no interface carries multicast here
        return {};                                  // the one interface there is
      }
      if (value == -1) value = ip.reset; // -1: the default again (ip(7), ipv6(7))
      if (value < ip.min || value > ip.max) return Errno::einval;
      *ip.value = value;
      return {};
    }
    if (level == abi::ipproto_tcp || level == abi::ipproto_ipv6) {
      if (len < sizeof(i32)) return Errno::einval;
      i32 value;
      __builtin_memcpy(&value, v, sizeof value);
      if (level == abi::ipproto_ipv6) {
        if (family() != abi::af_inet6 || name != abi::ipv6_v6only) return Errno::enoprotoopt;
        if (m_bound) return Errno::einval;
        m_v6only = value;
        return {};
      }
      if (!tcp()) return Errno::enoprotoopt;
      switch (name) {
      case abi::tcp_nodelay: m_nodelay = value != 0; return {};
      // tcp(7) TCP_CORK: partial frames wait (200 ms at most) until it is cleared. Each
      // write here reaches the peer's queue or the host link whole, so there is nothing to
      // hold back: the setting is kept and reported (nginx's tcp_nopush sets it).
      case abi::tcp_cork: m_cork = value != 0; return {};
      case abi::tcp_keepidle:
      case abi::tcp_keepintvl:
        if (value < 1 || value > 32767) return Errno::einval;
        (name == abi::tcp_keepidle ? m_keepidle : m_keepintvl) = value;
        return {};
      case abi::tcp_keepcnt:
        if (value < 1 || value > 127) return Errno::einval;
        m_keepcnt = value;
        return {};
      default: return Errno::enoprotoopt;
      }
    }
    return Socket::set_option(level, name, v, len);
  }

  void on_last_close(FileDescription&) override { release(); }

  // The IP-level options kept (ip(7), ipv6(7)): TTL/hops, TOS, multicast TTL and loop.
  // Multicast interfaces are accepted (there is one); group membership is ENODEV.
  struct IpOption {
    bool known{false};
    i32* value{nullptr}; // null: no such option for this family (ENOPROTOOPT)
    i32 min{0}, max{255}, reset{0};
    bool multicast{false}, is_interface{false}, is_membership{false};
  };
  IpOption ip_option(i32 level, i32 name) {
    IpOption o;
    bool v4 = level == abi::ipproto_ip, v6 = level == abi::ipproto_ipv6 && family() == abi::af_inet6;
    if (!v4 && !v6) return o;
    o.known = true;
    if (v4 && name == abi::ip_ttl) o.value = &m_ttl, o.min = 1, o.reset = 64;
    else if (v4 && name == abi::ip_tos) o.value = &m_tos;
    else if (v4 && name == abi::ip_multicast_ttl) o.value = &m_multicast_ttl, o.reset = 1, o.multicast = true;
    else if (v4 && name == abi::ip_multicast_loop) o.value = &m_multicast_loop, o.max = 1, o.reset = 1, o.multicast = true;
    else if (v6 && name == abi::ipv6_unicast_hops) o.value = &m_ttl, o.min = 1, o.reset = 64;
    else if (v6 && name == abi::ipv6_multicast_hops) o.value = &m_multicast_ttl, o.reset = 1, o.multicast = true;
    else if (v6 && name == abi::ipv6_multicast_loop) o.value = &m_multicast_loop, o.max = 1, o.reset = 1, o.multicast = true;
    else if ((v4 && name == abi::ip_multicast_if) || (v6 && name == abi::ipv6_multicast_if))
      o.value = &m_multicast_ttl, o.is_interface = o.multicast = true;
    else if ((v4 && (name == abi::ip_add_membership || name == abi::ip_drop_membership)) ||
             (v6 && (name == abi::ipv6_add_membership || name == abi::ipv6_drop_membership)))
      o.value = &m_multicast_ttl, o.is_membership = o.multicast = true;
    else if (v6 && name == abi::ipv6_v6only) o.known = false; // handled with the TCP options
    return o;
  }

  // ---- the host's side of a link (net/host_net.h) ----

  void host_connected() override {
    if (!m_host_connecting) return;
    m_host_connecting = false;
    m_connected = true;
    m_link->output_space().notify(abi::pollout | abi::pollwrnorm);
  }

  void host_failed(Errno e) override {
    m_error = static_cast<i32>(e);
    if (m_host_connecting) { // tcp_v4_connect's refusal, reported as a RST would be
      m_host_connecting = false;
      m_refused = true;
      m_has_peer = false;
    } else {
      m_host_broken = true;
      m_queue.end();
    }
    m_queue.readers().notify(all_events);
    if (m_link) m_link->output_space().notify(all_events);
  }

  usize host_input(const u8* data, usize len) override {
    if (m_shut_rd || len == 0) return len; // dropped, as tcp_rcv after SHUT_RD discards
    SocketMessage msg;
    msg.data.resize(len);
    __builtin_memcpy(msg.data.data(), data, len);
    auto r = deliver_message(m_queue, msg, true, sockaddr_of(m_remote));
    usize taken = r.is_error() ? 0 : r.value();
    if (taken < len) m_link->note_input_stalled();
    return taken;
  }

  void host_datagram(const NetAddress& from, const u8* data, usize len) override {
    if (m_shut_rd || !m_queue.has_room(len)) return; // a full receiver drops (udp(7))
    SocketMessage msg;
    msg.data.resize(len);
    __builtin_memcpy(msg.data.data(), data, len);
    (void)deliver_message(m_queue, msg, false, sockaddr_of(Endpoint::of(from)));
  }

  void host_end() override { m_queue.end(); }

  // A connection from the host (--publish, sendHttpRequest) to a listener on port: the
  // listener that takes the guest's address, else one on loopback (a server that listens
  // only there is still reached, as a port forward inside the machine would reach it).
  static InetSocket* host_listener(u16 port, Endpoint& at, bool advance) {
    Endpoint v4_loopback = Endpoint::v4_any(), v6_loopback;
    v4_loopback.ip[12] = 127, v4_loopback.ip[15] = 1;
    v6_loopback.ip[15] = 1;
    for (Endpoint e : {Endpoint::of(guest_net::guest()), v4_loopback, v6_loopback}) {
      e.port = port;
      if (InetSocket* l = find_listener(e, advance)) {
        at = e;
        return l;
      }
    }
    return nullptr;
  }

  static Result<u32> accept_from_host(u16 port, const NetAddress& from) {
    Endpoint at;
    InetSocket* listener = host_listener(port, at, true);
    if (!listener || static_cast<i32>(listener->m_pending.size()) > listener->m_backlog) return Errno::econnrefused;
    auto server = make_ref<InetSocket>(listener->family(), abi::sock_stream, static_cast<i32>(abi::ipproto_tcp));
    server->m_local = at;
    server->m_bound = true;
    server->m_remote = Endpoint::of(from);
    server->m_has_peer = true;
    server->m_connected = true;
    server->m_queue.set_capacity(listener->receive_queue().capacity());
    server->m_link = HostNet::the().open(HostLink::Kind::inbound_stream, server.ptr(), from, server->send_buffer());
    u32 handle = server->m_link->handle();
    listener->m_pending.append(server);
    listener->m_queue.readers().notify(abi::pollin | abi::pollrdnorm);
    return handle;
  }

  void describe(Formatter& f) const override {
    f.append(family() == abi::af_inet ? "socket AF_INET " : "socket AF_INET6 ").append(tcp() ? "tcp" : "udp");
    f.append(" port ").append_int(m_local.port);
    if (m_link) f.append(" host link ").append_int(m_link->handle()).append(m_host_connecting ? " connecting" : "");
    if (m_listening) f.append(" listening, ").append_int(static_cast<i64>(m_pending.size())).append(" pending");
    if (m_connected) f.append(" connected to port ").append_int(m_remote.port);
  }

private:
  static IntrusiveList<InetSocket, &InetSocket::m_all_node>& all() {
    static auto* list = new IntrusiveList<InetSocket, &InetSocket::m_all_node>;
    return *list;
  }

  // The listener for a TCP connection to dest: with several (SO_REUSEPORT), each in turn.
  // (advance: false only looks which one the next connection reaches.)
  static InetSocket* find_listener(const Endpoint& dest, bool advance = true) {
    Vector<InetSocket*> found;
    all().for_each([&](InetSocket& s) {
      if (s.tcp() && s.m_listening && s.accepts(dest)) found.append(&s);
    });
    if (found.empty()) return nullptr;
    static u32 turn = 0;
    InetSocket* chosen = found[turn % found.size()];
    if (advance) ++turn;
    return chosen;
  }

  // The UDP socket a datagram from `from` to dest reaches: a connected one only from its
  // peer; with several (SO_REUSEPORT), each in turn.
  static InetSocket* find_udp(const Endpoint& dest, const Endpoint& from) {
    Vector<InetSocket*> found;
    all().for_each([&](InetSocket& s) {
      if (s.tcp() || !s.accepts(dest)) return;
      if (s.m_has_peer && s.m_remote.port != from.port) return;
      found.append(&s);
    });
    if (found.empty()) return nullptr;
    static u32 turn = 0;
    return found[turn++ % found.size()];
  }

  // A TCP connection out to the host's network: the service connects, and the caller
  // waits for POLLOUT (EINPROGRESS when non-blocking) as for a remote peer.
  ErrorOr connect_host(const Endpoint& dest) {
    if (!HostNet::the().enabled()) return Errno::enetunreach;
    if (m_bound && m_local.is_loopback()) return Errno::enetunreach; // no route from lo
    if (!m_bound) TRY(bind_to(any()));
    if (m_local.is_any()) {
      u16 port = m_local.port;
      m_local = Endpoint::of(guest_net::guest(port));
    }
    m_remote = dest;
    m_has_peer = true;
    m_link = HostNet::the().open(HostLink::Kind::outbound_stream, this, dest.net(), send_buffer());
    m_link->start_connect();
    m_host_connecting = true;
    m_connect_pending = true;
    return Errno::would_block;
  }

  ErrorOr connect_udp(const Endpoint& dest, bool unspec) {
    if (unspec) { // connect(2): AF_UNSPEC dissolves the association
      m_has_peer = false;
      return {};
    }
    if (!m_bound) TRY(bind_to(any()));
    m_remote = dest;
    if (m_remote.is_any()) {
      if (m_remote.is_v4()) m_remote.ip[12] = 127, m_remote.ip[15] = 1;
      else m_remote.ip[15] = 1;
    }
    m_has_peer = true;
    return {};
  }

  void release_pending() {
    for (auto& s : m_pending)
      s->release();
    m_pending.clear();
    m_accept_space.wake_all();
  }

  // The socket goes: its peer reads the end (a reset if data was left unread here), a
  // listener's unaccepted connections are reset, its port is free.
  void release() {
    if (m_released) return;
    m_released = true;
    if (m_link) {
      m_link->detach(tcp() && (!m_queue.empty() || abortive_close()));
      m_link = nullptr;
    }
    if (m_peer_socket) {
      InetSocket* peer = m_peer_socket;
      // A reset: data left unread here (tcp_close), or SO_LINGER with no time.
      if (!m_queue.empty() || abortive_close()) peer->m_error = static_cast<i32>(Errno::econnreset);
      peer->m_peer_socket = nullptr;
      peer->m_peer_closed = true;
      peer->m_queue.end();
      peer->m_queue.writers().notify(all_events);
      m_peer_socket = nullptr;
    }
    release_pending();
    m_queue.clear();
    m_queue.writers().notify(all_events); // those waiting to send here look again, and go
    m_bound = false;
    m_listening = false;
  }

  Endpoint m_local, m_remote;
  bool m_bound{false}, m_has_peer{false}, m_connected{false}, m_refused{false};
  bool m_connect_pending{false}; // a non-blocking connect not yet confirmed by a second call
  bool m_listening{false}, m_released{false}, m_shut_rd{false}, m_shut_wr{false};
  bool m_v6only{false}, m_nodelay{false}, m_cork{false};
  bool m_peer_closed{false}; // the peer went (its FIN is here); a send then draws its reset
  bool m_reset{false};       // that reset came
  bool m_host_connecting{false}, m_host_broken{false};
  i32 m_ttl{64}, m_tos{0}, m_multicast_ttl{1}, m_multicast_loop{1};
  RefPtr<HostLink> m_link; // to the host's network (net/host_net.h)
  i32 m_keepidle{7200}, m_keepintvl{75}, m_keepcnt{9};
  i32 m_backlog{0};
  InetSocket* m_peer_socket{nullptr}; // TCP: the other end, cleared by its release()
  Vector<RefPtr<InetSocket>> m_pending;
  WaitQueue m_accept_space; // blocking connects waiting for room in m_pending
};

} // namespace

Result<u32> accept_host_connection(u16 port, const NetAddress& from) { return InetSocket::accept_from_host(port, from); }

Socket* next_host_listener(u16 port) {
  Endpoint at;
  return InetSocket::host_listener(port, at, false);
}

Result<RefPtr<Socket>> make_inet_socket(i32 family, i32 type, i32 protocol) {
  if (type == abi::sock_stream) {
    if (protocol != 0 && protocol != abi::ipproto_tcp) return Errno::eprotonosupport;
    return RefPtr<Socket>(make_ref<InetSocket>(family, type, static_cast<i32>(abi::ipproto_tcp)));
  }
  if (type == abi::sock_dgram) {
    if (protocol != 0 && protocol != abi::ipproto_udp) return Errno::eprotonosupport;
    return RefPtr<Socket>(make_ref<InetSocket>(family, type, static_cast<i32>(abi::ipproto_udp)));
  }
  // Raw sockets need CAP_NET_RAW and a network under them; SCTP and the rest are absent.
  if (type == abi::sock_raw) return current_process().credentials().euid == 0 ? Errno::eprotonosupport : Errno::eperm;
  return Errno::esocktnosupport;
}

} // namespace wasmux
