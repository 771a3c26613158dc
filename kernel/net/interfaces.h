#pragma once
// The network interfaces a guest sees (netdevice(7), rtnetlink(7)): "lo" always, and
// "eth0" when host networking is on, the interface of the small network user-mode
// networking draws (docs/guest-abi.md): 10.0.2.15/24 with QEMU's user-mode MAC address.
// netlink's RTM_GETLINK/RTM_GETADDR (net/netlink_socket.cpp, for getifaddrs and
// if_nameindex) and the SIOCGIF* ioctls of any socket read them.
#include <string_view>

#include "../base/result.h"
#include "../base/user_buffer.h"
#include "../base/vector.h"

namespace wasmux {

struct InterfaceAddress {
  u8 family;    // AF_INET or AF_INET6
  u8 prefix;    // the netmask's length
  u8 scope;     // RT_SCOPE_HOST for loopback, RT_SCOPE_UNIVERSE
  u8 bytes[16]; // 4 for AF_INET
  u8 broadcast[4];
  bool has_broadcast;
};

struct Interface {
  i32 index;
  const char* name;
  u32 flags; // IFF_*
  u16 type;  // ARPHRD_*
  u32 mtu;
  u32 txqlen; // the transmit queue's length (what ip shows as qlen)
  u8 hwaddr[6];
  u8 hw_broadcast[6];
  Vector<InterfaceAddress> addresses;
};

// The interfaces now, in index order.
Vector<Interface> network_interfaces();

// The SIOCGIF* requests every socket answers (Linux dev_ioctl, dev_ifconf): ENOTTY for any
// other request, ENODEV for a name no interface has.
Result<i64> interface_ioctl(u32 request, UserAddr arg);

} // namespace wasmux
