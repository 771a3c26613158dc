#pragma once
// AF_INET and AF_INET6 sockets over the kernel's own loopback (ip(7), ipv6(7), tcp(7),
// udp(7)): TCP and UDP between processes of this kernel.
#include "host_net.h"
#include "socket.h"

namespace wasmux {

// A new TCP or UDP socket of family AF_INET or AF_INET6, or the errno socket(2) gives.
Result<RefPtr<Socket>> make_inet_socket(i32 family, i32 type, i32 protocol);

// A connection from the host's network to the guest's TCP port (its listener on the
// guest's address, else on loopback) from the address `from`: the new link's handle, or
// ECONNREFUSED when nothing listens there or its backlog is full.
Result<u32> accept_host_connection(u16 port, const NetAddress& from);
// The listener the next such connection reaches (null: none), without taking a turn.
Socket* next_host_listener(u16 port);

} // namespace wasmux
