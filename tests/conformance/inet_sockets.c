/* AF_INET and AF_INET6 on loopback: TCP between processes (listen, accept, connect,
 * ephemeral ports, names), non-blocking connect (EINPROGRESS, SO_ERROR, a refusal), end of
 * file, EPIPE and resets, UDP datagrams with their senders, IPv6 and dual-stack sockets,
 * SO_REUSEADDR/SO_REUSEPORT, options, and the errors. References: ip(7), ipv6(7), tcp(7),
 * udp(7), socket(7), connect(2), net/ipv4/af_inet.c, net/ipv4/tcp.c. */
#define _GNU_SOURCE
#include "check.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

static struct sockaddr_in loopback(unsigned short port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* A listener on 127.0.0.1 and a port the kernel chose. */
static int listener(struct sockaddr_in *bound)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(0);
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 16);
    socklen_t len = sizeof *bound;
    getsockname(l, (struct sockaddr *)bound, &len);
    return l;
}

static short revents(int fd, short events)
{
    struct pollfd p = {fd, events, 0};
    poll(&p, 1, 0);
    return p.revents;
}

static void tcp(void)
{
    struct sockaddr_in addr;
    int l = listener(&addr);
    CHECK(ntohs(addr.sin_port) >= 1024, "port 0 binds an ephemeral port");
    CHECK_EQ(addr.sin_addr.s_addr, htonl(INADDR_LOOPBACK), "on the address asked for");
    pid_t child = fork();
    if (child == 0) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&addr, sizeof addr) != 0)
            _exit(1);
        char buf[64];
        ssize_t n;
        while ((n = read(c, buf, sizeof buf)) > 0)
            write(c, buf, n);
        _exit(0);
    }
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    int s = CHECK_OK(accept(l, (struct sockaddr *)&peer, &len), "accept a child's connection");
    CHECK(len == sizeof peer && peer.sin_family == AF_INET && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
          "the peer's address");
    struct sockaddr_in name;
    len = sizeof name;
    getsockname(s, (struct sockaddr *)&name, &len);
    CHECK_EQ(name.sin_port, addr.sin_port, "the accepted socket has the listener's port");
    struct sockaddr_in other;
    len = sizeof other;
    getpeername(s, (struct sockaddr *)&other, &len);
    CHECK_EQ(other.sin_port, peer.sin_port, "getpeername: as accept said");
    CHECK_EQ(write(s, "ping", 4), 4, "write");
    char buf[16];
    CHECK_EQ(recv(s, buf, 4, MSG_WAITALL), 4, "the echo comes back");
    CHECK_OK(shutdown(s, SHUT_WR), "shutdown SHUT_WR");
    CHECK_EQ(read(s, buf, sizeof buf), 0, "the child sees the end and closes: end of file");
    int status;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child connected and echoed");
    CHECK_ERRNO(send(s, "x", 1, MSG_NOSIGNAL), EPIPE, "a send after SHUT_WR: EPIPE");
    close(s);

    /* Non-blocking connect: EINPROGRESS, then writable with no error. */
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_EQ(revents(c, POLLIN | POLLOUT), POLLOUT | POLLHUP, "a fresh socket: POLLOUT|POLLHUP");
    CHECK_ERRNO(connect(c, (struct sockaddr *)&addr, sizeof addr), EINPROGRESS, "a non-blocking connect: EINPROGRESS");
    struct pollfd p = {c, POLLOUT, 0};
    CHECK_EQ(poll(&p, 1, 5000), 1, "then writable");
    int err = -1;
    len = sizeof err;
    getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
    CHECK_EQ(err, 0, "SO_ERROR 0");
    CHECK_OK(connect(c, (struct sockaddr *)&addr, sizeof addr), "connect again: 0 once");
    CHECK_ERRNO(connect(c, (struct sockaddr *)&addr, sizeof addr), EISCONN, "then EISCONN");
    s = accept(l, NULL, NULL);
    CHECK(s >= 0, "the listener has it");
    /* A close with data left unread resets the connection. */
    write(c, "unread", 6);
    usleep(10000);
    close(s);
    usleep(10000);
    CHECK_ERRNO(recv(c, buf, sizeof buf, 0), ECONNRESET, "closed with data unread: ECONNRESET");
    close(c);
    /* SO_LINGER on with no time: close resets too (socket(7)). */
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_OK(connect(c, (struct sockaddr *)&addr, sizeof addr), "connect for a reset");
    s = accept(l, NULL, NULL);
    struct linger lg = {1, 0};
    CHECK_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), "SO_LINGER {1, 0}");
    close(s);
    usleep(10000);
    CHECK_ERRNO(recv(c, buf, sizeof buf, 0), ECONNRESET, "closed with SO_LINGER 0: ECONNRESET");
    close(c);
    /* The peer closes cleanly: this side reads the end and may still send once (CLOSE_WAIT);
     * the closed peer answers with a reset, which in CLOSE_WAIT is EPIPE (tcp_reset). */
    c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&addr, sizeof addr);
    s = accept(l, NULL, NULL);
    close(s);
    usleep(10000);
    CHECK_EQ(revents(c, POLLIN | POLLOUT | POLLRDHUP), POLLIN | POLLOUT | POLLRDHUP, "after the peer's close: readable (the end), writable, POLLRDHUP, no POLLHUP");
    CHECK_EQ(recv(c, buf, sizeof buf, 0), 0, "the peer's close reads as the end");
    CHECK_EQ(send(c, "late", 4, MSG_NOSIGNAL), 4, "a send after the peer's close still goes");
    usleep(10000);
    CHECK_EQ(revents(c, POLLIN | POLLOUT) & (POLLERR | POLLHUP), POLLERR | POLLHUP, "the peer's reset: POLLERR|POLLHUP");
    CHECK_ERRNO(send(c, "x", 1, MSG_NOSIGNAL), EPIPE, "the next send reports the reset: EPIPE");
    CHECK_ERRNO(send(c, "x", 1, MSG_NOSIGNAL), EPIPE, "and so does the one after");
    close(c);

    /* Refused: blocking at once, non-blocking through SO_ERROR. */
    close(l);
    int r = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERRNO(connect(r, (struct sockaddr *)&addr, sizeof addr), ECONNREFUSED, "nobody listening: ECONNREFUSED");
    close(r);
    r = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_ERRNO(connect(r, (struct sockaddr *)&addr, sizeof addr), EINPROGRESS, "non-blocking: EINPROGRESS first");
    p = (struct pollfd){r, POLLOUT, 0};
    poll(&p, 1, 5000);
    CHECK(p.revents & POLLERR, "then POLLERR");
    len = sizeof err;
    getsockopt(r, SOL_SOCKET, SO_ERROR, &err, &len);
    CHECK_EQ(err, ECONNREFUSED, "SO_ERROR ECONNREFUSED");
    CHECK_ERRNO(connect(r, (struct sockaddr *)&addr, sizeof addr), ECONNABORTED, "connect again: ECONNABORTED");
    close(r);
}

static void udp(void)
{
    int a = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0), "a UDP socket");
    struct sockaddr_in aaddr = loopback(0);
    bind(a, (struct sockaddr *)&aaddr, sizeof aaddr);
    socklen_t len = sizeof aaddr;
    getsockname(a, (struct sockaddr *)&aaddr, &len);
    int b = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_ERRNO(send(b, "x", 1, 0), EDESTADDRREQ, "send without a destination: EDESTADDRREQ");
    CHECK_EQ(sendto(b, "hello", 5, 0, (struct sockaddr *)&aaddr, sizeof aaddr), 5, "sendto");
    CHECK_EQ(sendto(b, "hi", 2, 0, (struct sockaddr *)&aaddr, sizeof aaddr), 2, "another");
    char buf[16];
    struct sockaddr_in from;
    len = sizeof from;
    CHECK_EQ(recvfrom(a, buf, sizeof buf, 0, (struct sockaddr *)&from, &len), 5, "a datagram at a time");
    struct sockaddr_in bname;
    socklen_t blen = sizeof bname;
    getsockname(b, (struct sockaddr *)&bname, &blen);
    CHECK(ntohs(bname.sin_port) != 0 && from.sin_port == bname.sin_port, "the sender was bound by its send, and is the source");
    CHECK_EQ(recv(a, buf, 1, MSG_TRUNC), 2, "MSG_TRUNC: the real length");
    CHECK_OK(connect(b, (struct sockaddr *)&aaddr, sizeof aaddr), "connect a UDP socket");
    CHECK_EQ(send(b, "c", 1, 0), 1, "send to the connected address");
    CHECK_EQ(recv(a, buf, sizeof buf, 0), 1, "received");
    struct sockaddr_in unspec = {.sin_family = AF_UNSPEC};
    CHECK_OK(connect(b, (struct sockaddr *)&unspec, sizeof unspec), "connect AF_UNSPEC dissolves it");
    CHECK_ERRNO(send(b, "x", 1, 0), EDESTADDRREQ, "then no destination");
    CHECK_ERRNO(recv(a, buf, sizeof buf, MSG_DONTWAIT), EAGAIN, "nothing more: EAGAIN");
    close(a);
    close(b);
}

static void ipv6(void)
{
    int l = CHECK_OK(socket(AF_INET6, SOCK_STREAM, 0), "an IPv6 socket");
    struct sockaddr_in6 any = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
    CHECK_OK(bind(l, (struct sockaddr *)&any, sizeof any), "bind ::");
    listen(l, 4);
    struct sockaddr_in6 name;
    socklen_t len = sizeof name;
    getsockname(l, (struct sockaddr *)&name, &len);
    int v6only = -1;
    len = sizeof v6only;
    getsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len);
    CHECK_EQ(v6only, 0, "IPV6_V6ONLY off by default");
    struct sockaddr_in6 lo = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT, .sin6_port = name.sin6_port};
    int c6 = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK_OK(connect(c6, (struct sockaddr *)&lo, sizeof lo), "connect to ::1");
    int s6 = accept(l, NULL, NULL);
    CHECK_EQ(write(c6, "six", 3), 3, "IPv6 data");
    char buf[8];
    CHECK_EQ(read(s6, buf, sizeof buf), 3, "arrives");
    /* An IPv4 client reaches the dual-stack listener, seen as ::ffff:127.0.0.1. */
    struct sockaddr_in v4 = loopback(ntohs(name.sin6_port));
    int c4 = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_OK(connect(c4, (struct sockaddr *)&v4, sizeof v4), "an IPv4 client reaches a dual-stack listener");
    struct sockaddr_in6 peer;
    len = sizeof peer;
    int s4 = accept(l, (struct sockaddr *)&peer, &len);
    CHECK(s4 >= 0 && IN6_IS_ADDR_V4MAPPED(&peer.sin6_addr), "its address is v4-mapped");
    close(c6); close(s6); close(c4); close(s4); close(l);
}

static void options_and_errors(void)
{
    struct sockaddr_in addr;
    int l = listener(&addr);
    int l2 = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERRNO(bind(l2, (struct sockaddr *)&addr, sizeof addr), EADDRINUSE, "a port in use: EADDRINUSE");
    close(l2);
    close(l);
    /* SO_REUSEPORT on both: two listeners on one port. */
    int r1 = socket(AF_INET, SOCK_STREAM, 0), r2 = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(r1, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    setsockopt(r2, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    struct sockaddr_in a = loopback(0);
    bind(r1, (struct sockaddr *)&a, sizeof a);
    socklen_t len = sizeof a;
    getsockname(r1, (struct sockaddr *)&a, &len);
    CHECK_OK(bind(r2, (struct sockaddr *)&a, sizeof a), "SO_REUSEPORT: a second bind to the port");
    listen(r1, 4);
    CHECK_OK(listen(r2, 4), "and both listen");
    close(r1);
    close(r2);

    struct sockaddr_in far = {.sin_family = AF_INET};
    far.sin_addr.s_addr = inet_addr("10.1.2.3");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERRNO(bind(s, (struct sockaddr *)&far, sizeof far), EADDRNOTAVAIL, "an address not ours: EADDRNOTAVAIL");
    CHECK_ERRNO(connect(s, (struct sockaddr *)&a, 8), EINVAL, "a short address: EINVAL");
    struct sockaddr_in6 six = {.sin6_family = AF_INET6};
    CHECK_ERRNO(connect(s, (struct sockaddr *)&six, sizeof six), EAFNOSUPPORT, "an IPv6 address on an IPv4 socket: EAFNOSUPPORT");
    CHECK_ERRNO(send(s, "x", 1, MSG_NOSIGNAL), EPIPE, "send unconnected TCP: EPIPE");
    char buf[4];
    CHECK_ERRNO(recv(s, buf, 1, 0), ENOTCONN, "recv unconnected TCP: ENOTCONN");
    CHECK_ERRNO(shutdown(s, SHUT_WR), ENOTCONN, "shutdown unconnected TCP: ENOTCONN");
    struct sockaddr_in name;
    len = sizeof name;
    getsockname(s, (struct sockaddr *)&name, &len);
    CHECK(len == sizeof name && name.sin_port == 0 && name.sin_addr.s_addr == 0, "unbound: 0.0.0.0:0");
    int v = 1;
    CHECK_OK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v), "TCP_NODELAY");
    v = 0;
    len = sizeof v;
    getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len);
    CHECK_EQ(v, 1, "reads back");
    CHECK_ERRNO(socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT, "AF_INET SOCK_SEQPACKET: ESOCKTNOSUPPORT");
    CHECK_ERRNO(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT, "TCP type with UDP protocol: EPROTONOSUPPORT");
    /* SO_REUSEADDR lets two sockets bind one port; only one may listen there. */
    int ra = socket(AF_INET, SOCK_STREAM, 0), rb = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(ra, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(rb, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in any = loopback(0);
    any.sin_addr.s_addr = htonl(INADDR_ANY);
    CHECK_OK(bind(ra, (struct sockaddr *)&any, sizeof any), "SO_REUSEADDR: bind one");
    len = sizeof any;
    getsockname(ra, (struct sockaddr *)&any, &len);
    CHECK_OK(bind(rb, (struct sockaddr *)&any, sizeof any), "and a second to the same port");
    CHECK_OK(listen(ra, 1), "the first listens");
    CHECK_ERRNO(listen(rb, 1), EADDRINUSE, "the second may not: EADDRINUSE");
    close(ra);
    close(rb);
    /* IP-level options (ip(7)): TTL, TOS, multicast TTL and loop, -1 for the default. */
    int u = socket(AF_INET, SOCK_DGRAM, 0), val;
    socklen_t vlen = sizeof val;
    CHECK(getsockopt(u, IPPROTO_IP, IP_TTL, &val, &vlen) == 0 && val == 64, "IP_TTL: 64 by default");
    val = 200;
    CHECK_OK(setsockopt(u, IPPROTO_IP, IP_TTL, &val, sizeof val), "IP_TTL 200");
    CHECK(getsockopt(u, IPPROTO_IP, IP_TTL, &val, &vlen) == 0 && val == 200, "reads back");
    val = 256;
    CHECK_ERRNO(setsockopt(u, IPPROTO_IP, IP_TTL, &val, sizeof val), EINVAL, "IP_TTL 256: EINVAL");
    val = -1;
    CHECK_OK(setsockopt(u, IPPROTO_IP, IP_TTL, &val, sizeof val), "IP_TTL -1");
    CHECK(getsockopt(u, IPPROTO_IP, IP_TTL, &val, &vlen) == 0 && val == 64, "is the default again");
    unsigned char byte = 32;
    CHECK_OK(setsockopt(u, IPPROTO_IP, IP_MULTICAST_TTL, &byte, 1), "IP_MULTICAST_TTL as one byte");
    CHECK(getsockopt(u, IPPROTO_IP, IP_MULTICAST_TTL, &val, &vlen) == 0 && val == 32, "reads back as an int");
    val = 0;
    CHECK_OK(setsockopt(u, IPPROTO_IP, IP_MULTICAST_LOOP, &val, sizeof val), "IP_MULTICAST_LOOP 0");
    CHECK(getsockopt(u, IPPROTO_IP, IP_MULTICAST_LOOP, &val, &vlen) == 0 && val == 0, "reads back");
    int t = socket(AF_INET, SOCK_STREAM, 0);
    val = 1;
    CHECK_ERRNO(setsockopt(t, IPPROTO_IP, IP_MULTICAST_TTL, &val, sizeof val), EINVAL, "multicast TTL on TCP: EINVAL");
    close(t);
    close(u);
    int lu = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_OK(listen(lu, 1), "listen without bind");
    len = sizeof name;
    getsockname(lu, (struct sockaddr *)&name, &len);
    CHECK(name.sin_port != 0 && name.sin_addr.s_addr == 0, "binds 0.0.0.0 and a port");
    close(lu);
    close(s);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    tcp();
    udp();
    ipv6();
    options_and_errors();
    return check_finish();
}
