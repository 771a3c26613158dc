// Host networking's exports (net/host_net.h): what the host's network service thread calls.
// Each takes the big lock only to copy bytes or change a socket; none waits.
#if defined(__wasm__)
#include "../net/inet_socket.h"
#include "exports.h"

using namespace wasmux;
using namespace wasmux::exports;

namespace {

// The layout the service reads addresses in: 16 bytes of IPv6 (IPv4-mapped for IPv4)
// and the port as a little-endian u32.
void put_address(unsigned char* out, const NetAddress& a) {
  __builtin_memcpy(out, a.ip, 16);
  u32 port = a.port;
  __builtin_memcpy(out + 16, &port, 4);
}

NetAddress get_address(const unsigned char* in) {
  NetAddress a;
  __builtin_memcpy(a.ip, in, 16);
  u32 port;
  __builtin_memcpy(&port, in + 16, 4);
  a.port = static_cast<u16>(port);
  return a;
}

// Under the lock, f(owner) for the socket behind link `handle`: -EBADF for an unknown
// link, `gone` when its socket went (the service's news is then dropped).
template <typename F>
int tell_socket(unsigned handle, int gone, F f) {
  LockGuard lock;
  RefPtr<HostLink> link = HostNet::the().find(handle);
  if (!link) return error_of(Errno::ebadf);
  if (!link->owner()) return gone;
  return f(*link->owner());
}

} // namespace

// The word the service waits on (Atomics.waitAsync): it changes whenever there is work.
EXPORT(wasmux_net_word) unsigned wasmux_net_word() {
  return static_cast<unsigned>(reinterpret_cast<uintptr_t>(HostNet::the().service_word()));
}

// The next link with work: writes {handle, work bits, kind, remote address (20 bytes)} at
// out (32 bytes) and returns 1, or 0 when there is none.
EXPORT(wasmux_net_next) int wasmux_net_next(unsigned char* out) {
  LockGuard lock;
  RefPtr<HostLink> link = HostNet::the().next_work();
  if (!link) return 0;
  u32 words[3] = {link->handle(), link->take_work(), static_cast<u32>(link->kind())};
  __builtin_memcpy(out, words, sizeof words);
  put_address(out + 12, link->remote());
  return 1;
}

// Output for the host: up to max bytes of a stream, or one datagram (truncated to max)
// with its destination written at address (20 bytes). Returns the byte count, -EAGAIN
// when nothing waits, -EBADF for an unknown link.
EXPORT(wasmux_net_take) int wasmux_net_take(unsigned handle, unsigned char* buf, unsigned max, unsigned char* address) {
  LockGuard lock;
  RefPtr<HostLink> link = HostNet::the().find(handle);
  if (!link) return error_of(Errno::ebadf);
  if (link->kind() != HostLink::Kind::datagram) {
    usize n = link->take_stream(buf, max);
    return n ? static_cast<int>(n) : error_of(Errno::eagain);
  }
  Vector<u8> data;
  NetAddress dest;
  if (!link->take_datagram(data, dest)) return error_of(Errno::eagain);
  usize n = min<usize>(data.size(), max);
  __builtin_memcpy(buf, data.data(), n);
  put_address(address, dest);
  return static_cast<int>(n);
}

EXPORT(wasmux_net_connected) int wasmux_net_connected(unsigned handle) {
  return tell_socket(handle, 0, [](HostLinkOwner& s) {
    s.host_connected();
    return 0;
  });
}

// The connection could not be made, or broke: err is the errno Linux would give.
EXPORT(wasmux_net_failed) int wasmux_net_failed(unsigned handle, int err) {
  if (err <= 0 || err > 4095) err = static_cast<int>(Errno::econnreset);
  return tell_socket(handle, 0, [err](HostLinkOwner& s) {
    s.host_failed(static_cast<Errno>(err));
    return 0;
  });
}

// Stream bytes from the host: how many the socket took (the rest is asked for again
// with want_input once there is room). A link whose socket went takes everything.
EXPORT(wasmux_net_input) int wasmux_net_input(unsigned handle, const unsigned char* data, unsigned len) {
  return tell_socket(handle, static_cast<int>(len), [&](HostLinkOwner& s) { return static_cast<int>(s.host_input(data, len)); });
}

// A datagram from the host to a datagram link, from the 20-byte address at `from`.
EXPORT(wasmux_net_datagram) int wasmux_net_datagram(unsigned handle, const unsigned char* from, const unsigned char* data, unsigned len) {
  return tell_socket(handle, 0, [&](HostLinkOwner& s) {
    s.host_datagram(get_address(from), data, len);
    return 0;
  });
}

// The host's side of a stream will send nothing more.
EXPORT(wasmux_net_end) int wasmux_net_end(unsigned handle) {
  return tell_socket(handle, 0, [](HostLinkOwner& s) {
    s.host_end();
    return 0;
  });
}

// The service is done with a link whose socket went (after want_close).
EXPORT(wasmux_net_release) void wasmux_net_release(unsigned handle) {
  LockGuard lock;
  HostNet::the().release(handle);
}

// A connection from the host to guest TCP port `port`, from the 20-byte address at
// `from`: the new link's handle, or -ECONNREFUSED.
EXPORT(wasmux_net_inbound) int wasmux_net_inbound(unsigned port, const unsigned char* from) {
  LockGuard lock;
  if (port == 0 || port > 65535) return error_of(Errno::einval);
  auto r = accept_host_connection(static_cast<u16>(port), get_address(from));
  return r.is_error() ? error_of(r.error()) : static_cast<int>(r.value());
}

// The listener the next connection from the host to `port` reaches, as {pid, fd} at out
// (the first process holding it, its lowest descriptor): 0, or -ECONNREFUSED when none.
EXPORT(wasmux_net_next_listener) int wasmux_net_next_listener(unsigned port, int* out) {
  LockGuard lock;
  if (port == 0 || port > 65535) return error_of(Errno::einval);
  Socket* listener = next_host_listener(static_cast<u16>(port));
  if (!listener) return error_of(Errno::econnrefused);
  bool found = false;
  ProcessTable::the().for_each([&](Process& p) {
    for (i32 fd = 0; !found && fd < p.fds().slot_count(); ++fd) {
      auto d = p.fds().get(fd);
      if (d.is_error() || &d.value()->file() != listener) continue;
      out[0] = p.pid();
      out[1] = fd;
      found = true;
    }
  });
  return found ? 0 : error_of(Errno::econnrefused);
}
#endif
