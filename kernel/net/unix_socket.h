#pragma once
// AF_UNIX sockets (unix(7), Linux net/unix/af_unix.c).
#include "socket.h"

namespace wasmux {

// A new AF_UNIX socket of type (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET), or
// ESOCKTNOSUPPORT / EPROTONOSUPPORT.
Result<RefPtr<Socket>> make_unix_socket(i32 type, i32 protocol);
// socketpair(2): two sockets connected to each other.
ErrorOr make_unix_pair(i32 type, i32 protocol, RefPtr<Socket>& a, RefPtr<Socket>& b);

} // namespace wasmux
