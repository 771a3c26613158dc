#pragma once
// AF_INET and AF_INET6 sockets over the kernel's own loopback (ip(7), ipv6(7), tcp(7),
// udp(7)): TCP and UDP between processes of this kernel.
#include "socket.h"

namespace wasmux {

// A new TCP or UDP socket of family AF_INET or AF_INET6, or the errno socket(2) gives.
Result<RefPtr<Socket>> make_inet_socket(i32 family, i32 type, i32 protocol);

} // namespace wasmux
