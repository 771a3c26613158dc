/* An echo server under load: a server process (epoll, non-blocking accept4) and CLIENTS
 * client processes that each open CONNS connections at once, send a message on each,
 * and check every echo. Prints "echo_load: N connections echoed" and exits 0 when all
 * were; any failure is a line on stderr and a nonzero exit.
 *   echo_load tcp|unix CLIENTS CONNS */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static struct sockaddr_storage addr;
static socklen_t addr_len;
static int family;

static int fail(const char *what)
{
    fprintf(stderr, "echo_load: %s: %s\n", what, strerror(errno));
    return 1;
}

static int serve(int listener, int total)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = listener};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev) != 0)
        return fail("epoll_ctl listener");
    int served = 0;
    while (served < total) {
        struct epoll_event ready[64];
        int n = epoll_wait(ep, ready, 64, 20000);
        if (n <= 0)
            return fail(n == 0 ? "server: no event in 20 s" : "epoll_wait");
        for (int i = 0; i < n; i++) {
            int fd = ready[i].data.fd;
            if (fd == listener) {
                int c;
                while ((c = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                if (errno != EAGAIN)
                    return fail("accept4");
                continue;
            }
            char buf[256];
            ssize_t got = read(fd, buf, sizeof buf);
            if (got > 0) {
                if (write(fd, buf, got) != got)
                    return fail("server write");
            } else if (got == 0 || errno != EAGAIN) {
                close(fd); /* also leaves the epoll */
                served++;
            }
        }
    }
    return 0;
}

static int client(int id, int conns)
{
    int *fds = calloc(conns, sizeof *fds);
    for (int i = 0; i < conns; i++) {
        fds[i] = socket(family, SOCK_STREAM, 0);
        if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&addr, addr_len) != 0)
            return fail("connect");
    }
    for (int i = 0; i < conns; i++) {
        char msg[64];
        int len = snprintf(msg, sizeof msg, "client %d connection %d", id, i);
        if (write(fds[i], msg, len) != len)
            return fail("client write");
    }
    for (int i = 0; i < conns; i++) {
        char want[64], got[64];
        int len = snprintf(want, sizeof want, "client %d connection %d", id, i);
        if (recv(fds[i], got, len, MSG_WAITALL) != len || memcmp(got, want, len) != 0) {
            fprintf(stderr, "echo_load: client %d connection %d: wrong echo\n", id, i);
            return 1;
        }
        close(fds[i]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "tcp") && strcmp(argv[1], "unix"))) {
        fprintf(stderr, "usage: echo_load tcp|unix CLIENTS CONNS\n");
        return 2;
    }
    int clients = atoi(argv[2]), conns = atoi(argv[3]);
    int listener;
    if (!strcmp(argv[1], "tcp")) {
        family = AF_INET;
        struct sockaddr_in *in = (struct sockaddr_in *)&addr;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr_len = sizeof *in;
        listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0)
            return fail("bind");
        getsockname(listener, (struct sockaddr *)&addr, &addr_len);
    } else {
        family = AF_UNIX;
        struct sockaddr_un *un = (struct sockaddr_un *)&addr;
        un->sun_family = AF_UNIX;
        snprintf(un->sun_path, sizeof un->sun_path, "/tmp/echo_load.%d", (int)getpid());
        unlink(un->sun_path);
        addr_len = sizeof *un;
        listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0)
            return fail("bind");
    }
    if (listen(listener, clients * conns) != 0)
        return fail("listen");
    pid_t server = fork();
    if (server == 0)
        _exit(serve(listener, clients * conns));
    close(listener);
    int bad = 0;
    for (int c = 0; c < clients; c++)
        if (fork() == 0)
            _exit(client(c, conns));
    for (int c = 0; c < clients + 1; c++) {
        int status;
        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            bad++;
    }
    if (family == AF_UNIX)
        unlink(((struct sockaddr_un *)&addr)->sun_path);
    if (bad) {
        fprintf(stderr, "echo_load: %d processes failed\n", bad);
        return 1;
    }
    printf("echo_load: %d connections echoed\n", clients * conns);
    return 0;
}
