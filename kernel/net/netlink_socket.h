#pragma once
// AF_NETLINK sockets: the routing family's interface and address dumps (netlink(7)).
#include "socket.h"

namespace wasmux {

// A new NETLINK_ROUTE socket (SOCK_RAW or SOCK_DGRAM), or ESOCKTNOSUPPORT /
// EPROTONOSUPPORT.
Result<RefPtr<Socket>> make_netlink_socket(i32 type, i32 protocol);

} // namespace wasmux
