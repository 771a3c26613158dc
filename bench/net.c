/* Readiness and sockets (issue 10): epoll_wait over 10,000 registered descriptors of which
 * 10 are ready; TCP over loopback between two processes (throughput with 64 KiB writes,
 * round trips of one byte); 1,000 connections at once to an epoll echo server in another
 * process; reads of /dev/zero; reads of a file in the directory given as argv[1] (a host
 * directory mounted at the same path under wasmux: hostfs). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void epoll_many(void) {
    enum { REGISTERED = 10000, READY = 10 };
    struct rlimit lim = {REGISTERED + 64, REGISTERED + 64};
    if (setrlimit(RLIMIT_NOFILE, &lim)) die("setrlimit");
    int ep = epoll_create1(0);
    for (int i = 0; i < REGISTERED; i++) {
        int fd = eventfd(i < READY ? 1 : 0, 0); /* level-triggered: the first 10 stay ready */
        if (fd < 0) die("eventfd");
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) die("epoll_ctl");
    }
    struct epoll_event out[64];
    double ns;
    BEST_OF(5, 20000, ns, {
        if (epoll_wait(ep, out, 64, 0) != READY) die("epoll_wait");
    });
    printf("epoll_10k_10ready_ns %.0f ns\n", ns);
    for (int fd = 3; fd < REGISTERED + 4; fd++) close(fd);
}

/* A connected TCP pair on 127.0.0.1: *server in this process, the client returned by
 * connect after fork in the child (child_fn runs there). */
static int listen_loopback(int *port) {
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1024) || getsockname(l, (struct sockaddr *)&a, &len))
        die("listen");
    *port = ntohs(a.sin_port);
    return l;
}

static int connect_loopback(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a)) die("connect");
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return s;
}

static void read_all(int fd, char *buf, size_t n) {
    for (size_t got = 0; got < n;) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0) die("read");
        got += (size_t)r;
    }
}

static void tcp_pair(void) {
    enum { CHUNK = 65536, TOTAL = 256 << 20, TRIPS = 20000 };
    int port, l = listen_loopback(&port);
    pid_t child = fork();
    if (child == 0) { /* the other process: a sink, then an echo of one byte at a time */
        int s = connect_loopback(port);
        char *buf = malloc(CHUNK);
        for (long done = 0; done < TOTAL;) {
            ssize_t r = read(s, buf, CHUNK);
            if (r <= 0) die("sink read");
            done += r;
        }
        if (write(s, "k", 1) != 1) die("ack");
        for (int i = 0; i < TRIPS; i++) {
            read_all(s, buf, 1);
            if (write(s, buf, 1) != 1) die("echo");
        }
        _exit(0);
    }
    int s = accept(l, NULL, NULL);
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char *buf = malloc(CHUNK);
    memset(buf, 'z', CHUNK);
    int64_t t0 = now_ns();
    for (long done = 0; done < TOTAL; done += CHUNK)
        if (write(s, buf, CHUNK) != CHUNK) die("write");
    read_all(s, buf, 1);
    int64_t t1 = now_ns();
    printf("tcp_64k_MBps %.0f MB/s\n", (double)TOTAL / (double)(t1 - t0) * 1e3);
    t0 = now_ns();
    for (int i = 0; i < TRIPS; i++) {
        if (write(s, "p", 1) != 1) die("ping");
        read_all(s, buf, 1);
    }
    printf("tcp_round_trip_us %.1f us\n", (double)(now_ns() - t0) / TRIPS / 1e3);
    waitpid(child, NULL, 0);
    close(s);
    close(l);
    free(buf);
}

static void many_connections(void) {
    enum { CONNS = 1000 };
    struct rlimit lim = {4096, 4096};
    if (setrlimit(RLIMIT_NOFILE, &lim)) die("setrlimit");
    int port, l = listen_loopback(&port);
    pid_t server = fork();
    if (server == 0) { /* echo every message, epoll, until CONNS connections closed */
        int ep = epoll_create1(0), closed = 0;
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = l}, out[64];
        epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
        char buf[64];
        while (closed < CONNS) {
            int n = epoll_wait(ep, out, 64, -1);
            for (int i = 0; i < n; i++) {
                int fd = out[i].data.fd;
                if (fd == l) {
                    int c = accept4(l, NULL, NULL, SOCK_NONBLOCK);
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                    continue;
                }
                ssize_t r = read(fd, buf, sizeof buf);
                if (r > 0 && write(fd, buf, (size_t)r) != r) die("server write");
                if (r == 0) {
                    close(fd);
                    closed++;
                }
            }
        }
        _exit(0);
    }
    close(l);
    static int fds[CONNS];
    char buf[8];
    int64_t t0 = now_ns();
    for (int i = 0; i < CONNS; i++) fds[i] = connect_loopback(port);
    for (int i = 0; i < CONNS; i++)
        if (write(fds[i], "hello", 5) != 5) die("client write");
    for (int i = 0; i < CONNS; i++) read_all(fds[i], buf, 5);
    for (int i = 0; i < CONNS; i++) close(fds[i]);
    waitpid(server, NULL, 0);
    printf("tcp_1000_conns_ms %.1f ms\n", (double)(now_ns() - t0) / 1e6);
}

static void read_file(const char *path, const char *name, long total) {
    enum { CHUNK = 65536 };
    char *buf = malloc(CHUNK);
    double best = 1e30;
    for (int round = 0; round < 5; round++) {
        int fd = open(path, O_RDONLY);
        if (fd < 0) die(path);
        int64_t t0 = now_ns();
        for (long done = 0; done < total; done += CHUNK)
            if (read(fd, buf, CHUNK) != CHUNK) die("read file");
        double t = (double)(now_ns() - t0);
        if (t < best) best = t;
        close(fd);
    }
    printf("%s %.0f MB/s\n", name, (double)total / best * 1e3);
    free(buf);
}

int main(int argc, char **argv) {
    epoll_many();
    tcp_pair();
    many_connections();
    read_file("/dev/zero", "dev_zero_64k_MBps", 256 << 20);
    if (argc > 1) { /* a 64 MiB file in the given (host) directory */
        char path[4096];
        snprintf(path, sizeof path, "%s/net-bench-file", argv[1]);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        char *buf = calloc(1, 1 << 20);
        for (int i = 0; i < 64; i++)
            if (fd < 0 || write(fd, buf, 1 << 20) != 1 << 20) die("write file");
        close(fd);
        free(buf);
        read_file(path, "host_file_64k_MBps", 64 << 20);
        unlink(path);
    }
    return 0;
}
