#pragma once
// Host networking (DESIGN §5): connections and datagrams that leave the kernel through the
// host's network service thread (Node: host/src/node/net_worker.ts). The kernel never waits
// for the host: a socket that reaches outside gets a HostLink, and the link holds what the
// service has to do (connect, send, shut down, close, read on) until the service takes it.
// The service learns of new work from one word in kernel memory (it waits on it without
// blocking its event loop: Atomics.waitAsync), and answers through the entry/exports_net.cpp
// exports, each of which takes the lock only to copy.
//
// The guest's view is a small network behind the host, as user-mode networking draws it
// (QEMU's slirp, Podman's): the guest is 10.0.2.15, the host's own loopback is 10.0.2.2
// (host.wasmux.internal in /etc/hosts), and 10.0.2.3 answers DNS with the host's resolver.
// A connection published from the host (--publish, sendHttpRequest) comes from 10.0.2.2.
#include <atomic>

#include <wasmux/abi.h>

#include "../base/list.h"
#include "../base/result.h"
#include "../base/refptr.h"
#include "../base/vector.h"
#include "../wait/wait_queue.h"

namespace wasmux {

// An IPv6 address (IPv4 as ::ffff:a.b.c.d) and a port in host order.
struct NetAddress {
  u8 ip[16]{};
  u16 port{0};
};

namespace guest_net {
// 10.0.2.15, 10.0.2.2 and 10.0.2.3 as IPv4-mapped addresses.
NetAddress guest(u16 port = 0);
NetAddress host_gateway(u16 port = 0);
NetAddress name_server(u16 port = 0);
bool is_guest(const u8 ip[16]);
} // namespace guest_net

// What the socket behind a link is told by the service.
class HostLinkOwner {
public:
  virtual ~HostLinkOwner() = default;
  virtual void host_connected() = 0;
  // The connection could not be made, or broke (ECONNREFUSED, ECONNRESET, ETIMEDOUT...).
  virtual void host_failed(Errno e) = 0;
  // Bytes from the host: how many were taken (fewer when the receive queue is full; the
  // link then asks the service for the rest once there is room: HostLink::input_room).
  virtual usize host_input(const u8* data, usize len) = 0;
  virtual void host_datagram(const NetAddress& from, const u8* data, usize len) = 0;
  // The host's side will send nothing more.
  virtual void host_end() = 0;
};

class HostLink : public RefCounted<HostLink> {
public:
  enum class Kind : u32 { outbound_stream = 0, inbound_stream = 1, datagram = 2 };
  // Work for the service (wasmux_net_next hands these over and clears them).
  static constexpr u32 want_connect = 1;  // outbound_stream: connect to remote()
  static constexpr u32 want_output = 2;   // bytes or datagrams to take (wasmux_net_take)
  static constexpr u32 want_shutdown = 4; // no more output after what is queued
  static constexpr u32 want_close = 8;    // the socket went: finish, then wasmux_net_release
  static constexpr u32 want_input = 16;   // room again for input the service held back
  static constexpr u32 want_reset = 32;   // with want_close: reset the connection (RST), output dropped

  HostLink(Kind kind, HostLinkOwner* owner, const NetAddress& remote, usize output_capacity);
  ~HostLink();
  u32 handle() const { return m_handle; }
  Kind kind() const { return m_kind; }
  const NetAddress& remote() const { return m_remote; }
  HostLinkOwner* owner() const { return m_owner; }

  // ---- the socket's side ----
  // An outbound stream link asks the service to connect.
  void start_connect() { request(want_connect); }
  // Queues stream bytes for the host: how many fit (would_block when none).
  Result<usize> send_stream(const u8* data, usize len);
  // Queues a datagram for dest (dropped when too many wait, as a full device drops).
  void send_datagram(const NetAddress& dest, Vector<u8> data);
  usize output_room() const;
  bool output_empty() const { return m_output.size() == m_output_head && m_datagrams.empty(); }
  // Readers of the socket took input after the service was told the queue was full.
  void input_room();
  void note_input_stalled() { m_input_stalled = true; }
  void shutdown_output() { request(want_shutdown); }
  // The socket goes: the link stays until the service lets go of it. reset: an abortive
  // close (unread input, or SO_LINGER with no time: tcp_close sends RST and drops what
  // was not sent).
  void detach(bool reset);
  // Senders waiting for room in the output (notified with POLLOUT as it drains, and on
  // connection or failure).
  WaitQueue& output_space() { return m_output_space; }

  // ---- the service's side ----
  // Takes up to max stream bytes (or one datagram and its destination).
  usize take_stream(u8* out, usize max);
  bool take_datagram(Vector<u8>& data, NetAddress& dest);
  u32 take_work() {
    u32 w = m_work;
    m_work = 0;
    return w;
  }

  ListNode m_work_node; // on HostNet's work list while m_work != 0

private:
  void request(u32 bits);
  struct OutDatagram {
    NetAddress dest;
    Vector<u8> data;
  };
  u32 m_handle;
  Kind m_kind;
  HostLinkOwner* m_owner;
  NetAddress m_remote;
  usize m_capacity;
  Vector<u8> m_output;
  usize m_output_head{0};
  Vector<OutDatagram> m_datagrams;
  u32 m_work{0};
  bool m_input_stalled{false};
  WaitQueue m_output_space;
  friend class HostNet;
};

class HostNet {
public:
  static HostNet& the();
  bool enabled() const { return m_enabled; }
  void set_enabled(bool on) { m_enabled = on; }
  // The word the service waits on: it changes whenever a link gets work.
  std::atomic<i32>* service_word() { return &m_word; }
  // A new link for a socket (owner), known to the service by its handle.
  RefPtr<HostLink> open(HostLink::Kind kind, HostLinkOwner* owner, const NetAddress& remote, usize output_capacity);
  RefPtr<HostLink> find(u32 handle);
  // The next link with work (taken off the list), or null.
  RefPtr<HostLink> next_work();
  // The service is done with a link the socket let go of.
  void release(u32 handle);
  usize link_count() const { return m_links.size(); }

private:
  friend class HostLink;
  void queue_work(HostLink& link);
  bool m_enabled{false};
  std::atomic<i32> m_word{0};
  u32 m_next_handle{1};
  Vector<RefPtr<HostLink>> m_links; // those the service may still name
  IntrusiveList<HostLink, &HostLink::m_work_node> m_work;
};

} // namespace wasmux
