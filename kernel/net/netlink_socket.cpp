// AF_NETLINK sockets of NETLINK_ROUTE (netlink(7), rtnetlink(7), Linux net/netlink/
// af_netlink.c and net/core/rtnetlink.c): the requests that read the interfaces and their
// addresses (RTM_GETLINK, RTM_GETADDR), as musl's getifaddrs and if_nameindex, libuv's
// uv_interface_addresses and ip(8) send them. The answer is queued on the socket at the
// send, in one datagram (the kernel's address, pid 0, as its sender); a request of another
// kind is answered with an NLMSG_ERROR of EOPNOTSUPP. No events are ever sent (nothing
// here changes), so a socket bound to multicast groups only waits.
#include <string.h>

#include "../base/format.h"
#include "../proc/process.h"
#include "../syscalls/syscall.h"
#include "interfaces.h"
#include "netlink_socket.h"

namespace wasmux {

namespace {

constexpr usize align4(usize n) { return (n + 3) & ~usize{3}; }

// Builds netlink messages into one buffer: a header, a fixed part, attributes.
class MessageWriter {
public:
  explicit MessageWriter(Vector<u8>& out) : m_out(out) {}
  void begin(u16 type, u16 flags, u32 seq, u32 pid) {
    m_start = m_out.size();
    abi::Nlmsghdr h{0, type, flags, seq, pid};
    put(&h, sizeof h);
  }
  void put(const void* data, usize len) {
    usize at = m_out.size();
    m_out.resize(at + align4(len));
    memcpy(m_out.data() + at, data, len);
    memset(m_out.data() + at + len, 0, align4(len) - len);
  }
  void attribute(u16 type, const void* data, usize len) {
    abi::Rtattr a{static_cast<u16>(sizeof(abi::Rtattr) + len), type};
    put(&a, sizeof a);
    // The payload follows the 4-byte header, padded on its own.
    usize at = m_out.size();
    m_out.resize(at + align4(len));
    memcpy(m_out.data() + at, data, len);
    memset(m_out.data() + at + len, 0, align4(len) - len);
  }
  void attribute_u32(u16 type, u32 v) { attribute(type, &v, sizeof v); }
  void attribute_string(u16 type, const char* s) { attribute(type, s, strlen(s) + 1); }
  void end() {
    u32 len = static_cast<u32>(m_out.size() - m_start);
    memcpy(m_out.data() + m_start, &len, sizeof len); // nlmsg_len, the header's first field
  }

private:
  Vector<u8>& m_out;
  usize m_start{0};
};

void link_message(MessageWriter& w, const Interface& i, u16 flags, u32 seq, u32 pid) {
  w.begin(abi::rtm_newlink, flags, seq, pid);
  abi::Ifinfomsg info{abi::af_unspec, 0, i.type, i.index, i.flags, 0};
  w.put(&info, sizeof info);
  w.attribute_string(abi::ifla_ifname, i.name);
  w.attribute(abi::ifla_address, i.hwaddr, 6);
  w.attribute(abi::ifla_broadcast, i.hw_broadcast, 6);
  w.attribute_u32(abi::ifla_mtu, i.mtu);
  w.attribute_u32(abi::ifla_txqlen, i.txqlen);
  u8 oper = i.type == abi::arphrd_loopback ? abi::if_oper_unknown : abi::if_oper_up; // as Linux shows lo
  w.attribute(abi::ifla_operstate, &oper, 1);
  w.end();
}

void address_message(MessageWriter& w, const Interface& i, const InterfaceAddress& a, u16 flags, u32 seq, u32 pid) {
  w.begin(abi::rtm_newaddr, flags, seq, pid);
  abi::Ifaddrmsg info{a.family, a.prefix, static_cast<u8>(abi::ifa_f_permanent), a.scope, static_cast<u32>(i.index)};
  w.put(&info, sizeof info);
  usize len = a.family == abi::af_inet ? 4 : 16;
  w.attribute(abi::ifa_address, a.bytes, len);
  if (a.family == abi::af_inet) {
    w.attribute(abi::ifa_local, a.bytes, len);
    if (a.has_broadcast) w.attribute(abi::ifa_broadcast, a.broadcast, 4);
    w.attribute_string(abi::ifa_label, i.name);
  }
  w.attribute_u32(abi::ifa_flags, static_cast<u32>(abi::ifa_f_permanent));
  w.end();
}

// NLMSG_ERROR: the error (0 for an acknowledgement) and the request's header.
void error_message(MessageWriter& w, const abi::Nlmsghdr& request, i32 error, u32 pid) {
  w.begin(abi::nlmsg_error, 0, request.nlmsg_seq, pid);
  w.put(&error, sizeof error);
  w.put(&request, sizeof request);
  w.end();
}

class NetlinkSocket final : public Socket {
public:
  explicit NetlinkSocket(i32 type) : Socket(abi::af_netlink, type, abi::netlink_route) {}

  bool can_poll() const override { return true; }
  u32 poll(u32 mask, PollTable* table) override {
    if (table) table->watch(m_queue.readers());
    u32 r = abi::pollout | abi::pollwrnorm;
    if (!m_queue.empty()) r |= abi::pollin | abi::pollrdnorm;
    return r & (mask | abi::pollhup | abi::pollerr);
  }

  ErrorOr bind(const SockAddr& addr) override {
    auto nl = TRY(netlink_address(addr));
    // netlink_bind: a port id once chosen (by bind, or by a send or connect before it)
    // stays, and binding to another is EINVAL; 0 asks for one (the process's pid).
    if (m_port && nl.nl_pid != m_port) return Errno::einval;
    if (!m_port) m_port = nl.nl_pid ? nl.nl_pid : static_cast<u32>(current_process().pid());
    m_groups = nl.nl_groups;
    return {};
  }
  // Only the kernel (port 0) answers here: connecting names it as the default destination.
  ErrorOr connect(const SockAddr& addr, bool) override {
    auto nl = TRY(netlink_address(addr));
    if (nl.nl_pid != 0) return Errno::econnrefused;
    autobind();
    return {};
  }
  ErrorOr shutdown(i32) override { return Errno::eopnotsupp; }
  ErrorOr sockname(SockAddr& out) override {
    fill(out, m_port, m_groups);
    return {};
  }
  ErrorOr peername(SockAddr& out) override {
    fill(out, 0, 0);
    return {};
  }

  Result<usize> send(SocketMessage& msg, const SockAddr* to, u32) override {
    if (to) {
      auto nl = TRY(netlink_address(*to));
      if (nl.nl_pid != 0) return Errno::econnrefused; // no other process listens here
    }
    autobind();
    Vector<u8> reply;
    MessageWriter w(reply);
    usize at = 0;
    const Vector<u8>& in = msg.data;
    // Each request in the datagram (NLMSG_OK); a short or malformed one ends the parse,
    // as netlink_rcv_skb drops the rest.
    while (in.size() - at >= sizeof(abi::Nlmsghdr)) {
      abi::Nlmsghdr h;
      memcpy(&h, in.data() + at, sizeof h);
      if (h.nlmsg_len < sizeof h || h.nlmsg_len > in.size() - at) break;
      answer(w, h, in.data() + at + sizeof h, h.nlmsg_len - sizeof h);
      at += align4(h.nlmsg_len);
      if (at > in.size()) break;
    }
    usize len = msg.data.size();
    if (!reply.empty()) {
      SocketMessage answer;
      answer.data = std::move(reply);
      SockAddr kernel;
      fill(kernel, 0, 0);
      // Past the receive buffer, the answer is lost as an overrun (ENOBUFS on Linux).
      if (deliver_message(m_queue, answer, false, kernel).is_error()) return Errno::enobufs;
    }
    return len;
  }

  Result<usize> receive(const IoBuffer& buf, u32 flags, ReceiveResult& out) override {
    return receive_datagram(m_queue, buf, flags & abi::msg_peek, out);
  }

  void describe(Formatter& f) const override { f.append("socket AF_NETLINK route"); }

private:
  static Result<abi::SockaddrNl> netlink_address(const SockAddr& addr) {
    if (addr.len < sizeof(abi::SockaddrNl) || addr.family() != abi::af_netlink) return Errno::einval;
    abi::SockaddrNl nl;
    memcpy(&nl, addr.bytes, sizeof nl);
    return nl;
  }
  static void fill(SockAddr& out, u32 pid, u32 groups) {
    abi::SockaddrNl nl{abi::af_netlink, 0, pid, groups};
    out = {};
    memcpy(out.bytes, &nl, sizeof nl);
    out.len = sizeof nl;
  }
  void autobind() {
    if (!m_port) m_port = static_cast<u32>(current_process().pid());
  }

  // One request: a dump of the links or the addresses (of one family, or all for
  // AF_UNSPEC), one link by index or name, or an error.
  void answer(MessageWriter& w, const abi::Nlmsghdr& h, const u8* body, usize len) {
    if (!(h.nlmsg_flags & abi::nlm_f_request) || h.nlmsg_type < 16) return; // not a request: ignored
    bool dump = (h.nlmsg_flags & abi::nlm_f_dump) == abi::nlm_f_dump;
    u8 family = len >= 1 ? body[0] : 0;
    Vector<Interface> all = network_interfaces();
    u16 multi = abi::nlm_f_multi;
    if (h.nlmsg_type == abi::rtm_getlink && dump) {
      for (const Interface& i : all)
        link_message(w, i, multi, h.nlmsg_seq, m_port);
    } else if (h.nlmsg_type == abi::rtm_getaddr && dump) {
      for (const Interface& i : all)
        for (const InterfaceAddress& a : i.addresses)
          if (family == abi::af_unspec || family == a.family) address_message(w, i, a, multi, h.nlmsg_seq, m_port);
    } else if (h.nlmsg_type == abi::rtm_getlink) {
      // rtnl_getlink: by ifi_index (the fixed part's).
      abi::Ifinfomsg info{};
      memcpy(&info, body, min(len, sizeof info));
      const Interface* found = nullptr;
      for (const Interface& i : all)
        if (i.index == info.ifi_index) found = &i;
      if (!found) return error_message(w, h, -static_cast<i32>(Errno::enodev), m_port);
      link_message(w, *found, 0, h.nlmsg_seq, m_port);
      if (h.nlmsg_flags & abi::nlm_f_ack) error_message(w, h, 0, m_port);
      return;
    } else {
      return error_message(w, h, -static_cast<i32>(Errno::eopnotsupp), m_port);
    }
    w.begin(abi::nlmsg_done, multi, h.nlmsg_seq, m_port);
    i32 zero = 0;
    w.put(&zero, sizeof zero);
    w.end();
  }

  u32 m_port{0};
  u32 m_groups{0};
};

} // namespace

Result<RefPtr<Socket>> make_netlink_socket(i32 type, i32 protocol) {
  // netlink_create: raw and datagram sockets alike; of the protocols, the routing one.
  if (type != abi::sock_raw && type != abi::sock_dgram) return Errno::esocktnosupport;
  if (protocol != abi::netlink_route) return Errno::eprotonosupport;
  return RefPtr<Socket>(make_ref<NetlinkSocket>(type));
}

} // namespace wasmux
