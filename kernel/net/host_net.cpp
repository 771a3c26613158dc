// Host networking's kernel half (host_net.h): the links, their queued work, and the word
// that tells the host's network service there is some.
#include "host_net.h"

#include "../base/arch.h"

namespace wasmux {

namespace guest_net {
namespace {
NetAddress v4(u8 a, u8 b, u8 c, u8 d, u16 port) {
  NetAddress n;
  n.ip[10] = n.ip[11] = 0xff;
  n.ip[12] = a, n.ip[13] = b, n.ip[14] = c, n.ip[15] = d;
  n.port = port;
  return n;
}
} // namespace

NetAddress guest(u16 port) { return v4(10, 0, 2, 15, port); }
NetAddress host_gateway(u16 port) { return v4(10, 0, 2, 2, port); }
NetAddress name_server(u16 port) { return v4(10, 0, 2, 3, port); }
bool is_guest(const u8 ip[16]) { return __builtin_memcmp(ip, guest().ip, 16) == 0; }
} // namespace guest_net

// ---- HostLink ----

HostLink::HostLink(Kind kind, HostLinkOwner* owner, const NetAddress& remote, usize output_capacity)
    : m_handle(0), m_kind(kind), m_owner(owner), m_remote(remote), m_capacity(output_capacity) {}

HostLink::~HostLink() { m_work_node.unlink(); }

usize HostLink::output_room() const {
  usize queued = m_output.size() - m_output_head;
  return queued >= m_capacity ? 0 : m_capacity - queued;
}

Result<usize> HostLink::send_stream(const u8* data, usize len) {
  usize n = min(len, output_room());
  if (n == 0) return len == 0 ? Result<usize>(0) : Result<usize>(Errno::would_block);
  // What the service took is dropped from the front once it is half the buffer.
  if (m_output_head && m_output_head >= m_output.size() / 2) {
    usize left = m_output.size() - m_output_head;
    __builtin_memmove(m_output.data(), m_output.data() + m_output_head, left);
    m_output.resize(left);
    m_output_head = 0;
  }
  usize at = m_output.size();
  m_output.resize(at + n);
  __builtin_memcpy(m_output.data() + at, data, n);
  request(want_output);
  return n;
}

void HostLink::send_datagram(const NetAddress& dest, Vector<u8> data) {
  // A sender is never held up by a UDP device queue here: past 64 waiting datagrams, as
  // a full qdisc does, the newest is dropped (udp(7) promises no delivery).
  if (m_datagrams.size() >= 64) return;
  m_datagrams.append(OutDatagram{dest, std::move(data)});
  request(want_output);
}

usize HostLink::take_stream(u8* out, usize max) {
  usize queued = m_output.size() - m_output_head;
  usize n = min(max, queued);
  bool was_full = output_room() == 0;
  __builtin_memcpy(out, m_output.data() + m_output_head, n);
  m_output_head += n;
  if (m_output_head == m_output.size()) {
    m_output.clear();
    m_output_head = 0;
  }
  if (n && (was_full || m_output_space.has_waiters())) m_output_space.notify(abi::pollout | abi::pollwrnorm);
  return n;
}

bool HostLink::take_datagram(Vector<u8>& data, NetAddress& dest) {
  if (m_datagrams.empty()) return false;
  dest = m_datagrams[0].dest;
  data = std::move(m_datagrams[0].data);
  m_datagrams.remove(0);
  return true;
}

void HostLink::input_room() {
  if (!m_input_stalled) return;
  m_input_stalled = false;
  request(want_input);
}

void HostLink::detach(bool reset) {
  m_owner = nullptr;
  m_output_space.notify(all_events);
  request(want_close | (reset ? want_reset : 0));
}

void HostLink::request(u32 bits) {
  if ((m_work & bits) == bits) return;
  m_work |= bits;
  HostNet::the().queue_work(*this);
}

// ---- HostNet ----

HostNet& HostNet::the() {
  static auto* net = new HostNet;
  return *net;
}

RefPtr<HostLink> HostNet::open(HostLink::Kind kind, HostLinkOwner* owner, const NetAddress& remote, usize output_capacity) {
  auto link = RefPtr<HostLink>::adopt(new HostLink(kind, owner, remote, output_capacity));
  link->m_handle = m_next_handle++;
  if (m_next_handle == 0x7fffffff) m_next_handle = 1;
  m_links.append(link);
  return link;
}

RefPtr<HostLink> HostNet::find(u32 handle) {
  for (auto& l : m_links)
    if (l->handle() == handle) return l;
  return nullptr;
}

RefPtr<HostLink> HostNet::next_work() {
  HostLink* l = m_work.first();
  if (!l) return nullptr;
  l->m_work_node.unlink();
  return RefPtr<HostLink>(l);
}

void HostNet::release(u32 handle) {
  for (usize i = 0; i < m_links.size(); ++i) {
    if (m_links[i]->handle() != handle) continue;
    if (m_links[i]->owner()) return; // its socket still uses it: the service may not let go
    m_links.remove(i);
    return;
  }
}

void HostNet::queue_work(HostLink& link) {
  if (!link.m_work_node.linked()) m_work.push_back(link);
  m_word.fetch_add(1);
  arch::notify(&m_word, ~0u);
}

} // namespace wasmux
