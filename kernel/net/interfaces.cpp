#include "interfaces.h"

#include <string.h>

#include "host_net.h"

namespace wasmux {

namespace {

// An IPv4 prefix length's netmask, and an address in network byte order.
u32 netmask(u8 prefix) { return prefix == 0 ? 0 : 0xffffffffu << (32 - (prefix > 32 ? 32 : prefix)); }
void put_be32(u8* out, u32 v) {
  const u8 bytes[4] = {static_cast<u8>(v >> 24), static_cast<u8>(v >> 16), static_cast<u8>(v >> 8), static_cast<u8>(v)};
  memcpy(out, bytes, 4);
}

InterfaceAddress v4(u8 a, u8 b, u8 c, u8 d, u8 prefix, u8 scope, bool broadcast) {
  InterfaceAddress r{};
  r.family = abi::af_inet;
  r.prefix = prefix;
  r.scope = scope;
  u32 addr = u32{a} << 24 | u32{b} << 16 | u32{c} << 8 | d;
  put_be32(r.bytes, addr);
  if (broadcast) {
    put_be32(r.broadcast, addr | ~netmask(prefix)); // every host bit set
    r.has_broadcast = true;
  }
  return r;
}

const Interface* find(const Vector<Interface>& all, std::string_view name) {
  for (const Interface& i : all)
    if (name == i.name) return &i;
  return nullptr;
}

const Interface* find(const Vector<Interface>& all, i32 index) {
  for (const Interface& i : all)
    if (i.index == index) return &i;
  return nullptr;
}

// struct sockaddr_in in the 16 bytes of an ifreq's union.
void put_sockaddr_in(u8* out, const u8* addr) {
  memset(out, 0, 16);
  u16 family = abi::af_inet;
  memcpy(out, &family, 2);
  memcpy(out + 4, addr, 4);
}

const InterfaceAddress* first_v4(const Interface& i) {
  for (const InterfaceAddress& a : i.addresses)
    if (a.family == abi::af_inet) return &a;
  return nullptr;
}

// SIOCGIFCONF (dev_ifconf): an ifreq per interface with an IPv4 address, as many as fit;
// with no buffer, the length all of them need.
Result<i64> interface_conf(UserAddr arg) {
  auto conf = TRY(copy_in<abi::Ifconf>(arg));
  Vector<Interface> all = network_interfaces();
  i32 written = 0;
  for (const Interface& i : all) {
    const InterfaceAddress* a = first_v4(i);
    if (!a) continue;
    if (conf.ifc_buf) {
      if (conf.ifc_len - written < static_cast<i32>(sizeof(abi::Ifreq))) break;
      abi::Ifreq r{};
      memcpy(r.ifr_name, i.name, strlen(i.name));
      put_sockaddr_in(r.ifr_data, a->bytes);
      TRY(copy_out(conf.ifc_buf + static_cast<u32>(written), r));
    }
    written += sizeof(abi::Ifreq);
  }
  conf.ifc_len = written;
  TRY(copy_out(arg, conf));
  return 0;
}

} // namespace

Vector<Interface> network_interfaces() {
  Vector<Interface> all;
  Interface lo{};
  lo.index = 1;
  lo.name = "lo";
  lo.flags = static_cast<u32>(abi::iff_up | abi::iff_loopback | abi::iff_running | abi::iff_lower_up);
  lo.type = abi::arphrd_loopback;
  lo.mtu = 65536;
  lo.txqlen = 1000;
  lo.addresses.append(v4(127, 0, 0, 1, 8, abi::rt_scope_host, false));
  InterfaceAddress v6{};
  v6.family = abi::af_inet6;
  v6.prefix = 128;
  v6.scope = abi::rt_scope_host;
  v6.bytes[15] = 1; // ::1
  lo.addresses.append(v6);
  all.append(std::move(lo));
  if (HostNet::the().enabled()) {
    Interface eth{};
    eth.index = 2;
    eth.name = "eth0";
    eth.flags = static_cast<u32>(abi::iff_up | abi::iff_broadcast | abi::iff_running | abi::iff_multicast |
                                 abi::iff_lower_up);
    eth.type = abi::arphrd_ether;
    eth.mtu = 1500;
    eth.txqlen = 1000;
    const u8 mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}; // QEMU user-mode networking's
    memcpy(eth.hwaddr, mac, 6);
    memset(eth.hw_broadcast, 0xff, 6);
    eth.addresses.append(v4(10, 0, 2, 15, 24, abi::rt_scope_universe, true));
    all.append(std::move(eth));
  }
  return all;
}

Result<i64> interface_ioctl(u32 request, UserAddr arg) {
  switch (request) {
  case abi::siocgifconf: return interface_conf(arg);
  case abi::siocgifname:
  case abi::siocgifindex:
  case abi::siocgifflags:
  case abi::siocgifmtu:
  case abi::siocgiftxqlen:
  case abi::siocgifaddr:
  case abi::siocgifnetmask:
  case abi::siocgifbrdaddr:
  case abi::siocgifhwaddr: break;
  default: return Errno::enotty;
  }
  auto req = TRY(copy_in<abi::Ifreq>(arg));
  Vector<Interface> all = network_interfaces();
  const Interface* i;
  if (request == abi::siocgifname) {
    i32 index;
    memcpy(&index, req.ifr_data, sizeof index);
    i = find(all, index);
  } else {
    usize len = 0; // the name, NUL-terminated within IFNAMSIZ or not
    while (len < sizeof req.ifr_name && req.ifr_name[len]) ++len;
    i = find(all, std::string_view(reinterpret_cast<const char*>(req.ifr_name), len));
  }
  if (!i) return Errno::enodev;
  u8* data = req.ifr_data;
  switch (request) {
  case abi::siocgifname:
    memset(req.ifr_name, 0, sizeof req.ifr_name);
    memcpy(req.ifr_name, i->name, strlen(i->name));
    break;
  case abi::siocgifindex: memcpy(data, &i->index, sizeof i->index); break;
  case abi::siocgifflags: {
    u16 flags = static_cast<u16>(i->flags); // ifr_flags is a short: IFF_LOWER_UP is netlink's only
    memcpy(data, &flags, sizeof flags);
    break;
  }
  case abi::siocgifmtu: memcpy(data, &i->mtu, sizeof i->mtu); break;
  case abi::siocgiftxqlen: memcpy(data, &i->txqlen, sizeof i->txqlen); break;
  case abi::siocgifhwaddr:
    memset(data, 0, 16);
    memcpy(data, &i->type, sizeof i->type);
    memcpy(data + 2, i->hwaddr, 6);
    break;
  default: {
    // The IPv4 address, its netmask or broadcast address (devinet_ioctl: EADDRNOTAVAIL
    // when the interface has no address; 0.0.0.0 for a broadcast address it has not).
    const InterfaceAddress* a = first_v4(*i);
    if (!a) return Errno::eaddrnotavail;
    u8 bytes[4] = {};
    if (request == abi::siocgifaddr) {
      memcpy(bytes, a->bytes, 4);
    } else if (request == abi::siocgifbrdaddr) {
      if (a->has_broadcast) memcpy(bytes, a->broadcast, 4);
    } else {
      put_be32(bytes, netmask(a->prefix));
    }
    put_sockaddr_in(data, bytes);
    break;
  }
  }
  TRY(copy_out(arg, req));
  return 0;
}

} // namespace wasmux
