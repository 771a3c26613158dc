/* AF_UNIX sockets: socketpair of each type, shutdown and close seen by the peer, message
 * boundaries, MSG_PEEK/MSG_TRUNC/MSG_WAITALL/MSG_DONTWAIT, SIGPIPE and MSG_NOSIGNAL,
 * descriptors passed with SCM_RIGHTS (across fork), credentials with SCM_CREDENTIALS and
 * SO_PEERCRED, path and abstract names with bind/listen/accept/connect, poll readiness,
 * options, and the errors. References: unix(7), socket(7), socket(2), socketpair(2),
 * sendmsg(2), recvmsg(2), net/unix/af_unix.c, net/socket.c. */
#define _GNU_SOURCE
#include "check.h"
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

static int got_sigpipe;
static void on_sigpipe(int sig) { (void)sig; got_sigpipe = 1; }

static short revents(int fd, short events)
{
    struct pollfd p = {fd, events, 0};
    poll(&p, 1, 0);
    return p.revents;
}

static int send_fd(int sock, int fd)
{
    char byte = 'F';
    struct iovec iov = {&byte, 1};
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(sock, &m, 0);
}

/* Receives one byte and a descriptor (-1 if none came); *flags gets msg_flags. */
static int recv_fd(int sock, int recv_flags, int *flags)
{
    char byte;
    struct iovec iov = {&byte, 1};
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    if (recvmsg(sock, &m, recv_flags) != 1)
        return -2;
    *flags = m.msg_flags;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    if (!c || c->cmsg_type != SCM_RIGHTS)
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

static void pairs(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), "socketpair stream");
    CHECK_EQ(fcntl(sv[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "SOCK_CLOEXEC");
    struct stat st;
    fstat(sv[0], &st);
    CHECK(S_ISSOCK(st.st_mode), "fstat: a socket");
    CHECK_EQ(revents(sv[0], POLLIN | POLLOUT), POLLOUT, "connected, empty: writable only");
    CHECK_EQ(write(sv[0], "hello", 5), 5, "write");
    CHECK_EQ(revents(sv[1], POLLIN), POLLIN, "the other end is readable");
    char buf[64];
    CHECK_EQ(recv(sv[1], buf, 2, MSG_PEEK), 2, "MSG_PEEK");
    CHECK_EQ(read(sv[1], buf, sizeof buf), 5, "a stream reads what is there");
    CHECK_ERRNO(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN, "MSG_DONTWAIT on nothing: EAGAIN");
    int type = 0, domain = 0;
    socklen_t len = sizeof type;
    getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len);
    len = sizeof domain;
    getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &domain, &len);
    CHECK(type == SOCK_STREAM && domain == AF_UNIX && len == sizeof(int), "SO_TYPE and SO_DOMAIN");
    struct ucred cred;
    len = sizeof cred;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &len), "SO_PEERCRED");
    CHECK(cred.pid == getpid() && cred.uid == geteuid() && cred.gid == getegid(), "a socketpair's peer is the caller");

    /* shutdown(SHUT_WR): the peer reads the end, this side cannot send. */
    write(sv[0], "ab", 2);
    CHECK_OK(shutdown(sv[0], SHUT_WR), "shutdown SHUT_WR");
    CHECK_EQ(revents(sv[1], POLLIN | POLLRDHUP), POLLIN | POLLRDHUP, "the peer: POLLRDHUP");
    CHECK_EQ(read(sv[1], buf, sizeof buf), 2, "data sent before still arrives");
    CHECK_EQ(read(sv[1], buf, sizeof buf), 0, "then end of file");
    CHECK_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE, "sending after SHUT_WR: EPIPE");
    CHECK_EQ(write(sv[1], "back", 4), 4, "the other direction still works");
    CHECK_EQ(read(sv[0], buf, sizeof buf), 4, "and is read");

    /* The peer closes: end of file, EPIPE and SIGPIPE, POLLHUP. */
    close(sv[1]);
    CHECK_EQ(read(sv[0], buf, sizeof buf), 0, "the peer closed: end of file");
    CHECK(revents(sv[0], POLLIN) & POLLHUP, "POLLHUP");
    signal(SIGPIPE, on_sigpipe);
    CHECK_ERRNO(write(sv[0], "x", 1), EPIPE, "a write to a closed peer: EPIPE");
    CHECK_EQ(got_sigpipe, 1, "and SIGPIPE");
    got_sigpipe = 0;
    CHECK_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE, "MSG_NOSIGNAL: EPIPE");
    CHECK_EQ(got_sigpipe, 0, "without SIGPIPE");
    signal(SIGPIPE, SIG_DFL);
    close(sv[0]);

    /* Unread data when a socket closes: the peer gets ECONNRESET. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[1], "unread", 6);
    close(sv[0]);
    CHECK_ERRNO(read(sv[1], buf, sizeof buf), ECONNRESET, "closed with data unread: ECONNRESET");
    close(sv[1]);

    /* Datagrams keep their boundaries; a short buffer truncates. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), "socketpair datagram");
    send(sv[0], "one", 3, 0);
    send(sv[0], "three", 5, 0);
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 3, "a datagram at a time");
    struct iovec iov = {buf, 2};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    CHECK_EQ(recvmsg(sv[1], &m, 0), 2, "a short buffer takes part of it");
    CHECK(m.msg_flags & MSG_TRUNC, "MSG_TRUNC in msg_flags");
    CHECK_ERRNO(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN, "the rest is gone");
    send(sv[0], "sized", 5, 0);
    CHECK_EQ(recv(sv[1], buf, 1, MSG_TRUNC), 5, "MSG_TRUNC returns the real length");
    /* writev is one datagram. */
    struct iovec two[2] = {{"ab", 2}, {"cd", 2}};
    writev(sv[0], two, 2);
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 4, "writev: one datagram");
    close(sv[0]);
    close(sv[1]);

    CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), "socketpair seqpacket");
    send(sv[0], "p1", 2, 0);
    send(sv[0], "p22", 3, 0);
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 2, "seqpacket keeps boundaries");
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 3, "the next record");
    close(sv[0]);
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 0, "the peer closed: end of file");
    close(sv[1]);
}

static void passing(void)
{
    int sv[2], p[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pipe(p);
    CHECK_EQ(send_fd(sv[0], p[0]), 1, "sendmsg with SCM_RIGHTS");
    close(p[0]);
    int flags = 0;
    int got = recv_fd(sv[1], MSG_CMSG_CLOEXEC, &flags);
    CHECK(got >= 0, "recvmsg gets a descriptor");
    CHECK_EQ(fcntl(got, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "MSG_CMSG_CLOEXEC");
    write(p[1], "via", 3);
    char buf[8];
    CHECK_EQ(read(got, buf, sizeof buf), 3, "the received descriptor is the pipe");
    close(got);

    /* A child sends its own pipe end; the parent reads what the child writes. */
    pid_t child = fork();
    if (child == 0) {
        int q[2];
        pipe(q);
        send_fd(sv[1], q[0]);
        write(q[1], "child", 5);
        _exit(0);
    }
    got = recv_fd(sv[0], 0, &flags);
    CHECK(got >= 0, "a descriptor from another process");
    CHECK_EQ(read(got, buf, sizeof buf), 5, "reads what the child wrote");
    waitpid(child, NULL, 0);
    CHECK_EQ(read(got, buf, sizeof buf), 0, "and its end once the child is gone");
    close(got);

    /* No room for the descriptor: MSG_CTRUNC, and it is not installed. */
    send_fd(sv[0], p[1]);
    char byte;
    struct iovec iov = {&byte, 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    CHECK_EQ(recvmsg(sv[1], &m, 0), 1, "recvmsg without a control buffer");
    CHECK(m.msg_flags & MSG_CTRUNC, "MSG_CTRUNC");
    int probe = dup(0);
    CHECK_EQ(probe, got, "no descriptor was installed");
    close(probe);
    close(p[1]);

    /* Credentials: SO_PASSCRED on the receiver, a child's pid in them. */
    int on = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    child = fork();
    if (child == 0) {
        write(sv[0], "c", 1);
        _exit(0);
    }
    union { char buf[CMSG_SPACE(sizeof(struct ucred))]; struct cmsghdr align; } u;
    m = (struct msghdr){.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    CHECK_EQ(recvmsg(sv[1], &m, 0), 1, "a message with credentials");
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    CHECK(c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS, "SCM_CREDENTIALS");
    struct ucred cred = {0, 0, 0};
    if (c)
        memcpy(&cred, CMSG_DATA(c), sizeof cred);
    CHECK(cred.pid == child && cred.uid == geteuid(), "the sender's pid and uid");
    waitpid(child, NULL, 0);
    close(sv[0]);
    close(sv[1]);
}

static void named(void)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strcpy(addr.sun_path, "srv.sock");
    int srv = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0), "socket");
    CHECK_ERRNO(listen(srv, 4), EINVAL, "listen before bind: EINVAL");
    CHECK_OK(bind(srv, (struct sockaddr *)&addr, sizeof addr), "bind to a path");
    struct stat st;
    CHECK(stat("srv.sock", &st) == 0 && S_ISSOCK(st.st_mode), "bind makes a socket node");
    struct sockaddr_un got;
    socklen_t len = sizeof got;
    getsockname(srv, (struct sockaddr *)&got, &len);
    CHECK(len == offsetof(struct sockaddr_un, sun_path) + strlen("srv.sock") + 1 && strcmp(got.sun_path, "srv.sock") == 0,
          "getsockname: the path and its NUL");
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERRNO(bind(other, (struct sockaddr *)&addr, sizeof addr), EADDRINUSE, "bind to a path in use: EADDRINUSE");
    struct sockaddr_un none = {.sun_family = AF_UNIX};
    strcpy(none.sun_path, "missing.sock");
    CHECK_ERRNO(connect(other, (struct sockaddr *)&none, sizeof none), ENOENT, "connect to no file: ENOENT");
    check_write_file("plain", "x");
    strcpy(none.sun_path, "plain");
    CHECK_ERRNO(connect(other, (struct sockaddr *)&none, sizeof none), ECONNREFUSED, "connect to a non-socket: ECONNREFUSED");
    CHECK_ERRNO(connect(other, (struct sockaddr *)&addr, sizeof addr), ECONNREFUSED, "connect before listen: ECONNREFUSED");
    CHECK_OK(listen(srv, 8), "listen");
    int on = 0;
    len = sizeof on;
    getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, &on, &len);
    CHECK_EQ(on, 1, "SO_ACCEPTCONN");
    fcntl(srv, F_SETFL, O_NONBLOCK);
    CHECK_ERRNO(accept(srv, NULL, NULL), EAGAIN, "accept with none pending: EAGAIN");
    fcntl(srv, F_SETFL, 0);

    pid_t child = fork();
    if (child == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&addr, sizeof addr) != 0)
            _exit(1);
        char b[16];
        ssize_t n = read(c, b, sizeof b);
        write(c, b, n > 0 ? n : 0);
        _exit(0);
    }
    int conn = CHECK_OK(accept4(srv, NULL, NULL, SOCK_CLOEXEC), "accept4 a child's connection");
    CHECK_EQ(fcntl(conn, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "accept4 SOCK_CLOEXEC");
    struct ucred cred;
    len = sizeof cred;
    getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len);
    CHECK_EQ(cred.pid, child, "SO_PEERCRED: the connecting process");
    len = sizeof got;
    getsockname(conn, (struct sockaddr *)&got, &len);
    CHECK_STR(got.sun_path, "srv.sock", "the accepted socket's name is the listener's");
    write(conn, "echo", 4);
    char buf[16];
    CHECK_EQ(recv(conn, buf, sizeof buf, MSG_WAITALL), 4, "the child echoes (MSG_WAITALL, then its end)");
    int status;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child connected");
    close(conn);

    /* A pending connection makes the listener readable. */
    int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(c2, (struct sockaddr *)&addr, sizeof addr);
    CHECK_EQ(revents(srv, POLLIN), POLLIN, "a pending connection: the listener is readable");
    struct sockaddr_un peer;
    len = sizeof peer;
    conn = accept(srv, (struct sockaddr *)&peer, &len);
    CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path), "an unbound peer: only the family");
    close(conn);
    close(c2);
    close(srv);
    CHECK_ERRNO(connect(other, (struct sockaddr *)&addr, sizeof addr), ECONNREFUSED, "the listener closed: ECONNREFUSED");
    close(other);
    unlink("srv.sock");

    /* Abstract names: no file, the name in a table. */
    struct sockaddr_un abs = {.sun_family = AF_UNIX};
    int n = snprintf(abs.sun_path + 1, sizeof abs.sun_path - 1, "wasmux-%d", (int)getpid());
    socklen_t abs_len = offsetof(struct sockaddr_un, sun_path) + 1 + n;
    int d1 = socket(AF_UNIX, SOCK_DGRAM, 0), d2 = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_OK(bind(d1, (struct sockaddr *)&abs, abs_len), "bind an abstract name");
    CHECK_EQ(sendto(d2, "dg", 2, 0, (struct sockaddr *)&abs, abs_len), 2, "sendto the abstract name");
    struct sockaddr_un from;
    len = sizeof from;
    CHECK_EQ(recvfrom(d1, buf, sizeof buf, 0, (struct sockaddr *)&from, &len), 2, "recvfrom");
    int d3 = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_ERRNO(bind(d3, (struct sockaddr *)&abs, abs_len), EADDRINUSE, "an abstract name in use: EADDRINUSE");
    close(d1);
    CHECK_ERRNO(sendto(d2, "dg", 2, 0, (struct sockaddr *)&abs, abs_len), ECONNREFUSED, "sendto a closed name: ECONNREFUSED");
    close(d2);
    close(d3);
}

/* write(2) on a socket is send(2) without flags: it waits for room, all of it goes, and
 * SO_SNDTIMEO ends the wait with what fit (or EAGAIN). */
static void sending(void)
{
    enum { BIG = 1 << 20 };
    static char big[BIG];
    memset(big, 'b', sizeof big);
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pid_t child = fork();
    if (child == 0) {
        close(sv[0]);
        static char in[BIG];
        size_t got = 0;
        ssize_t n;
        while (got < BIG && (n = read(sv[1], in, sizeof in)) > 0)
            got += n;
        _exit(got == BIG ? 0 : 1);
    }
    close(sv[1]);
    CHECK_EQ(write(sv[0], big, BIG), BIG, "a blocking write waits for the reader and writes everything");
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the reader got every byte");
    close(sv[0]);

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct timeval tv = {0, 50000};
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), "SO_SNDTIMEO");
    ssize_t part = write(sv[0], big, BIG);
    CHECK(part > 0 && part < BIG, "a write past SO_SNDTIMEO answers what fit");
    CHECK_ERRNO(write(sv[0], big, BIG), EAGAIN, "a full socket's write times out: EAGAIN");
    close(sv[0]);
    close(sv[1]);

    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    CHECK_ERRNO(send(sv[0], big, 300000, 0), EMSGSIZE, "a datagram larger than the send buffer: EMSGSIZE");
    close(sv[0]);
    close(sv[1]);
}

static void errors(void)
{
    CHECK_ERRNO(socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT, "AF_UNIX SOCK_RDM: ESOCKTNOSUPPORT");
    int raw = socket(AF_UNIX, SOCK_RAW, 0);
    int rtype = 0;
    socklen_t rlen = sizeof rtype;
    getsockopt(raw, SOL_SOCKET, SO_TYPE, &rtype, &rlen);
    CHECK_EQ(rtype, SOCK_DGRAM, "AF_UNIX SOCK_RAW is a datagram socket");
    close(raw);
    CHECK_ERRNO(socket(AF_UNIX, SOCK_STREAM, 5), EPROTONOSUPPORT, "a protocol: EPROTONOSUPPORT");
    CHECK_ERRNO(socket(AF_UNIX, SOCK_STREAM | 0x100000, 0), EINVAL, "an unknown type flag: EINVAL");
    CHECK_ERRNO(socket(9999, SOCK_STREAM, 0), EAFNOSUPPORT, "an unknown family: EAFNOSUPPORT");
    int sv[2];
    CHECK_ERRNO(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP, "socketpair AF_INET: EOPNOTSUPP");
    int p[2];
    pipe(p);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    socklen_t len = sizeof a;
    CHECK_ERRNO(getsockname(p[0], (struct sockaddr *)&a, &len), ENOTSOCK, "getsockname on a pipe: ENOTSOCK");
    close(p[0]);
    close(p[1]);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    char buf[4];
    CHECK_ERRNO(send(s, "x", 1, MSG_NOSIGNAL), ENOTCONN, "send unconnected: ENOTCONN");
    CHECK_ERRNO(recv(s, buf, 1, 0), EINVAL, "recv unconnected stream: EINVAL");
    CHECK_ERRNO(getpeername(s, (struct sockaddr *)&a, &len), ENOTCONN, "getpeername unconnected: ENOTCONN");
    CHECK_OK(shutdown(s, SHUT_RD), "shutdown of an unconnected AF_UNIX socket succeeds");
    CHECK_ERRNO(shutdown(s, 7), EINVAL, "shutdown how 7: EINVAL");
    int v = 0;
    len = sizeof v;
    CHECK_ERRNO(getsockopt(s, SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT, "an unknown option: ENOPROTOOPT");
    struct timeval tv = {0, 50000};
    CHECK_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), "SO_RCVTIMEO");
    close(s);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    CHECK_ERRNO(recv(sv[0], buf, 1, 0), EAGAIN, "a receive timeout: EAGAIN");
    struct sockaddr_un to = {.sun_family = AF_UNIX};
    strcpy(to.sun_path, "x");
    CHECK_ERRNO(sendto(sv[0], "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&to, sizeof to), EISCONN, "sendto with an address on a connected stream: EISCONN");
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_ERRNO(listen(d, 1), EOPNOTSUPP, "listen on a datagram socket: EOPNOTSUPP");
    CHECK_ERRNO(send(d, "x", 1, 0), ENOTCONN, "send on an unconnected datagram socket: ENOTCONN");
    close(d);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    check_enter_tmpdir("unix_sockets");
    pairs();
    passing();
    named();
    sending();
    errors();
    return check_finish();
}
