/* epoll: level- and edge-triggered readiness, EPOLLONESHOT, EPOLLEXCLUSIVE, round-robin
 * when more are ready than maxevents, registrations that live with their open file
 * description (a dup keeps one, a reused descriptor number does not bring one back),
 * nesting with its depth limit and ELOOP for cycles, EPOLLHUP and EPOLLERR unasked,
 * epoll_pwait's mask, epoll_pwait2's timeout, and epoll_ctl's errors.
 * References: epoll(7), epoll_ctl(2), epoll_wait(2), fs/eventpoll.c, fs/pipe.c. */
#define _GNU_SOURCE
#include "check.h"
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static int add(int ep, int fd, unsigned events, unsigned long long data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* One wait of at most `max` events; their data joined as "a,b" in `out`. */
static int wait_data(int ep, int max, int timeout, char *out)
{
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, max, timeout);
    out[0] = 0;
    for (int i = 0; i < n; i++)
        sprintf(out + strlen(out), "%s%c", i ? "," : "", (char)ev[i].data.u64);
    return n;
}

static int got_usr1;
static void on_usr1(int sig) { (void)sig; got_usr1 = 1; }

static void basics(void)
{
    int ep = CHECK_OK(epoll_create1(EPOLL_CLOEXEC), "epoll_create1(EPOLL_CLOEXEC)");
    CHECK_EQ(fcntl(ep, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "close-on-exec set");
    int p[2];
    pipe(p);
    CHECK_OK(add(ep, p[0], EPOLLIN, 'r'), "ADD a pipe's read end");
    char got[32];
    CHECK_EQ(wait_data(ep, 4, 0, got), 0, "nothing ready: 0");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(wait_data(ep, 4, 50, got), 0, "a timeout of 50 ms: 0");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 45, "after the timeout");
    write(p[1], "x", 1);
    struct epoll_event ev;
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 1, "a write makes it ready");
    CHECK(ev.events == EPOLLIN && ev.data.u64 == 'r', "EPOLLIN with the registration's data");
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 1, "level-triggered: still ready while unread");
    struct pollfd pf = {ep, POLLIN, 0};
    CHECK_EQ(poll(&pf, 1, 0), 1, "the epoll itself polls readable");
    char c;
    read(p[0], &c, 1);
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 0, "read empty: not ready");
    CHECK_EQ(poll(&pf, 1, 0), 0, "nor the epoll");

    /* A blocked wait woken by another process's write. */
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        write(p[1], "y", 1);
        _exit(0);
    }
    CHECK_EQ(epoll_wait(ep, &ev, 1, 5000), 1, "a blocked wait wakes at another process's write");
    waitpid(child, NULL, 0);
    read(p[0], &c, 1);

    /* EPOLLHUP and EPOLLERR come unasked. */
    close(p[1]);
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 1, "the writer gone: ready");
    CHECK_EQ(ev.events, EPOLLHUP, "EPOLLHUP though only EPOLLIN was asked");
    close(p[0]);
    pipe(p);
    int ep2 = epoll_create1(0);
    add(ep2, p[1], EPOLLOUT, 'w');
    close(p[0]);
    epoll_wait(ep2, &ev, 1, 0);
    CHECK_EQ(ev.events, EPOLLOUT | EPOLLERR, "the reader gone: EPOLLERR with EPOLLOUT");
    close(p[1]);
    close(ep2);
    close(ep);
}

static void triggers(void)
{
    int ep = epoll_create1(0);
    int p[2];
    pipe(p);
    add(ep, p[0], EPOLLIN | EPOLLET, 'e');
    struct epoll_event ev;
    write(p[1], "a", 1);
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 1, "EPOLLET: reported at the edge");
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 0, "EPOLLET: not again without a new event");
    write(p[1], "b", 1);
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 1, "EPOLLET: another write is another event");
    close(p[0]);
    close(p[1]);

    pipe(p);
    add(ep, p[0], EPOLLIN | EPOLLONESHOT, 'o');
    write(p[1], "a", 1);
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 1, "EPOLLONESHOT: reported once");
    write(p[1], "b", 1);
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 0, "then disarmed, whatever happens");
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = 'O';
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), "MOD re-arms it");
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 1, "ready again at once (sampled at MOD)");
    CHECK_EQ(ev.data.u64, 'O', "with the new data");
    close(p[0]);
    close(p[1]);
    close(ep);
}

static void round_robin(void)
{
    int ep = epoll_create1(0);
    int e[3];
    for (int i = 0; i < 3; i++) {
        e[i] = eventfd(1, 0);
        add(ep, e[i], EPOLLIN, 'a' + i);
    }
    char got[32];
    wait_data(ep, 2, 0, got);
    CHECK_STR(got, "a,b", "three ready, maxevents 2: the first two");
    wait_data(ep, 2, 0, got);
    CHECK_STR(got, "c,a", "then the one left, then the first again");
    wait_data(ep, 2, 0, got);
    CHECK_STR(got, "b,c", "round-robin");
    for (int i = 0; i < 3; i++)
        close(e[i]);
    close(ep);
}

/* A child blocked in epoll_wait on ep: its exit status is what the wait returned. */
static pid_t waiter(int ep)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct epoll_event ev;
        _exit(epoll_wait(ep, &ev, 1, 1000));
    }
    return pid;
}

static int waiter_result(pid_t pid)
{
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void exclusive(void)
{
    /* Two epolls with exclusive registrations on one eventfd, a process waiting on each:
     * an event wakes one of them (the waiters need 300 ms to be asleep). */
    int e = eventfd(0, 0);
    int a = epoll_create1(0), b = epoll_create1(0);
    add(a, e, EPOLLIN | EPOLLEXCLUSIVE, 'a');
    add(b, e, EPOLLIN | EPOLLEXCLUSIVE, 'b');
    pid_t wa = waiter(a), wb = waiter(b);
    usleep(300000);
    unsigned long long one = 1;
    write(e, &one, 8);
    CHECK_EQ(waiter_result(wa) + waiter_result(wb), 1, "EPOLLEXCLUSIVE: one waiter woken, the other times out");
    struct epoll_event ev;
    int c = epoll_create1(0), d = epoll_create1(0);
    int f = eventfd(0, 0);
    add(c, f, EPOLLIN, 'c');
    add(d, f, EPOLLIN, 'd');
    pid_t wc = waiter(c), wd = waiter(d);
    usleep(300000);
    write(f, &one, 8);
    CHECK_EQ(waiter_result(wc) + waiter_result(wd), 2, "without it, both are");
    ev.events = EPOLLIN;
    CHECK_ERRNO(epoll_ctl(a, EPOLL_CTL_MOD, e, &ev), EINVAL, "MOD of an exclusive registration: EINVAL");
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
    CHECK_ERRNO(epoll_ctl(c, EPOLL_CTL_ADD, e, &ev), EINVAL, "EPOLLEXCLUSIVE with EPOLLONESHOT: EINVAL");
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    CHECK_ERRNO(epoll_ctl(c, EPOLL_CTL_ADD, d, &ev), EINVAL, "EPOLLEXCLUSIVE on an epoll: EINVAL");
    close(a); close(b); close(c); close(d); close(e); close(f);
}

static void lifetimes(void)
{
    int ep = epoll_create1(0);
    int p[2];
    pipe(p);
    int fd = p[0];
    add(ep, fd, EPOLLIN, 'k');
    int dup_fd = dup(fd);
    close(fd);
    write(p[1], "x", 1);
    struct epoll_event ev;
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 1, "a dup keeps the registration of a closed descriptor");
    CHECK_EQ(ev.data.u64, 'k', "with its data");
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL), EBADF, "DEL by the closed number: EBADF");
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, dup_fd, NULL), ENOENT, "DEL by the dup's number: ENOENT");
    close(dup_fd);
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 0, "the last descriptor closed: gone");
    close(p[1]);

    /* A new file under the number of a registered, closed one is not registered. */
    int q[2];
    pipe(q);
    int reused = q[0];
    add(ep, reused, EPOLLIN, 'q');
    close(q[0]);
    int r[2];
    pipe(r);
    CHECK_EQ(r[0], reused, "the number is reused");
    write(r[1], "x", 1);
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 0, "the new file is not reported");
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, reused, &ev), ENOENT, "MOD of the reused number: ENOENT");
    CHECK_OK(add(ep, reused, EPOLLIN, 'R'), "ADD of the new file");
    CHECK_EQ(epoll_wait(ep, &ev, 1, 0), 1, "now reported (sampled at ADD)");
    close(q[1]); close(r[0]); close(r[1]);
    close(ep);
}

static void nesting(void)
{
    int p[2];
    pipe(p);
    int inner = epoll_create1(0), outer = epoll_create1(0);
    add(inner, p[0], EPOLLIN, 'i');
    CHECK_OK(add(outer, inner, EPOLLIN, 'n'), "an epoll inside an epoll");
    struct epoll_event ev;
    CHECK_EQ(epoll_wait(outer, &ev, 1, 0), 0, "nothing inside ready: not ready");
    write(p[1], "x", 1);
    CHECK_EQ(epoll_wait(outer, &ev, 1, 0), 1, "the inner one ready: the outer reports it");
    CHECK(ev.events == EPOLLIN && ev.data.u64 == 'n', "as EPOLLIN");
    CHECK_ERRNO(add(inner, outer, EPOLLIN, 0), ELOOP, "a cycle: ELOOP");
    CHECK_ERRNO(add(outer, outer, EPOLLIN, 0), EINVAL, "an epoll into itself: EINVAL");
    /* Four levels of nesting at most: a chain of five epolls, not six. */
    int chain[6], prev = p[0], i;
    for (i = 0; i < 6; i++) {
        chain[i] = epoll_create1(0);
        if (add(chain[i], prev, EPOLLIN, 0) != 0)
            break;
        prev = chain[i];
    }
    CHECK_EQ(i, 5, "the sixth epoll of a chain is refused");
    CHECK_EQ(errno, ELOOP, "with ELOOP");
    for (int j = 0; j <= i && j < 6; j++)
        close(chain[j]);
    close(inner); close(outer); close(p[0]); close(p[1]);
}

static void errors(void)
{
    int ep = epoll_create1(0);
    int p[2];
    pipe(p);
    struct epoll_event ev = {.events = EPOLLIN};
    CHECK_ERRNO(epoll_create1(1), EINVAL, "epoll_create1 with an unknown flag: EINVAL");
    CHECK_ERRNO(epoll_create(0), EINVAL, "epoll_create(0): EINVAL");
    add(ep, p[0], EPOLLIN, 0);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST, "ADD twice: EEXIST");
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), ENOENT, "MOD of no registration: ENOENT");
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], &ev), ENOENT, "DEL of no registration: ENOENT");
    CHECK_ERRNO(epoll_ctl(ep, 99, p[0], &ev), EINVAL, "an unknown operation: EINVAL");
    CHECK_ERRNO(epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &ev), EINVAL, "epfd not an epoll: EINVAL");
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF, "a closed descriptor: EBADF");
    CHECK_ERRNO(epoll_ctl(999, EPOLL_CTL_ADD, p[0], &ev), EBADF, "a closed epfd: EBADF");
    int f = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev), EPERM, "a directory: EPERM");
    close(f);
    f = open("/proc/self/status", O_RDONLY);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev), EPERM, "a regular file: EPERM");
    close(f);
    f = open("/dev/null", O_RDONLY);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev), EPERM, "/dev/null: EPERM");
    close(f);
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), "DEL needs no event");
    CHECK_ERRNO(epoll_wait(ep, &ev, 0, 0), EINVAL, "maxevents 0: EINVAL");
    CHECK_ERRNO(epoll_wait(p[0], &ev, 1, 0), EINVAL, "waiting on what is not an epoll: EINVAL");
    close(p[0]); close(p[1]);
    close(ep);
}

static void masks_and_timeouts(void)
{
    int ep = epoll_create1(0);
    int p[2];
    pipe(p);
    add(ep, p[0], EPOLLIN, 0);
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t block, none;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    struct epoll_event ev;
    CHECK_ERRNO(epoll_pwait(ep, &ev, 1, 5000, &none), EINTR, "epoll_pwait lets a blocked signal in: EINTR");
    CHECK_EQ(got_usr1, 1, "its handler ran");
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    CHECK(sigismember(&now, SIGUSR1), "the caller's mask is back");
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    struct timespec ts = {0, 30000000};
    CHECK_EQ(syscall(SYS_epoll_pwait2, ep, &ev, 1, &ts, NULL, 8), 0, "epoll_pwait2 with a timespec: 0 at its end");
    struct timespec zero = {0, 0};
    write(p[1], "x", 1);
    CHECK_EQ(syscall(SYS_epoll_pwait2, ep, &ev, 1, &zero, NULL, 8), 1, "epoll_pwait2 with a zero timespec polls");
    struct timespec bad = {0, -1};
    CHECK_ERRNO(syscall(SYS_epoll_pwait2, ep, &ev, 1, &bad, NULL, 8), EINVAL, "a bad timespec: EINVAL");
    close(p[0]); close(p[1]);
    close(ep);
}

int main(void)
{
    basics();
    triggers();
    round_robin();
    exclusive();
    lifetimes();
    nesting();
    errors();
    masks_and_timeouts();
    return check_finish();
}
