/* select and pselect: read, write and exception sets on pipes and regular files, the
 * count of ready bits, EBADF and EINVAL, the timeout left after a wait, a signal mask for
 * the call. References: select(2), pselect(2), fs/select.c. */
#define _GNU_SOURCE
#include "check.h"
#include <signal.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>

static int got_signal;
static void on_usr1(int sig) { (void)sig; got_signal = 1; }

int main(void)
{
    check_enter_tmpdir("select");
    int p[2];
    pipe(p);
    fd_set r, w;
    struct timeval zero = {0, 0};

    FD_ZERO(&r); FD_ZERO(&w);
    FD_SET(p[0], &r); FD_SET(p[1], &w);
    CHECK_EQ(select(p[1] + 1, &r, &w, NULL, &zero), 1, "empty pipe: only the write end is ready");
    CHECK(!FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w), "the sets say which");

    write(p[1], "x", 1);
    FD_ZERO(&r); FD_ZERO(&w);
    FD_SET(p[0], &r); FD_SET(p[1], &w); FD_SET(p[0], &w);
    CHECK_EQ(select(p[1] + 1, &r, &w, NULL, &zero), 2, "each ready bit counts once");
    CHECK(FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w) && !FD_ISSET(p[0], &w), "read end readable, not writable");

    int f = open("file", O_CREAT | O_RDWR, 0600);
    fd_set e;
    FD_ZERO(&r); FD_ZERO(&w); FD_ZERO(&e);
    FD_SET(f, &r); FD_SET(f, &w); FD_SET(f, &e);
    CHECK_EQ(select(f + 1, &r, &w, &e, &zero), 2, "a regular file: readable and writable, no exception");

    /* The write end after the reader closes: ready (EPIPE waits), and the read end at EOF. */
    char c;
    read(p[0], &c, 1);
    close(p[0]);
    FD_ZERO(&w);
    FD_SET(p[1], &w);
    CHECK_EQ(select(p[1] + 1, NULL, &w, NULL, &zero), 1, "write end without a reader is ready");
    close(p[1]);
    pipe(p);
    close(p[1]);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK_EQ(select(p[0] + 1, &r, NULL, NULL, NULL), 1, "read end at end of file is ready");

    /* A descriptor closed just now, so it lies inside the table: Linux's core_sys_select
       clamps nfds to the table's size, so a high number like 200 is EBADF only when the
       table has grown past it (it depends on what the caller inherited). */
    int closed = dup(0);
    close(closed);
    FD_ZERO(&r);
    FD_SET(closed, &r);
    CHECK_ERRNO(select(closed + 1, &r, NULL, NULL, &zero), EBADF, "a set naming a closed descriptor -> EBADF");
    CHECK_ERRNO(select(-1, NULL, NULL, NULL, &zero), EINVAL, "negative nfds -> EINVAL");
    struct timeval bad = {0, -1};
    CHECK_ERRNO(select(0, NULL, NULL, NULL, &bad), EINVAL, "negative microseconds -> EINVAL");

    /* A wait with nothing ready times out. (Linux also leaves the time not slept in the
       timeout; glibc passes it back to the caller's timeval, musl does not.) */
    int q[2];
    pipe(q);
    FD_ZERO(&r);
    FD_SET(q[0], &r);
    struct timeval t = {0, 50000};
    CHECK_EQ(select(q[0] + 1, &r, NULL, NULL, &t), 0, "nothing ready: 0 after the timeout");
    CHECK(!FD_ISSET(q[0], &r), "and the set is cleared");

    /* pselect: SIGUSR1 blocked outside the call, let in by its mask: EINTR, handler ran. */
    signal(SIGUSR1, on_usr1);
    sigset_t block, during;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    CHECK_EQ(got_signal, 0, "blocked outside pselect");
    sigemptyset(&during);
    FD_ZERO(&r);
    FD_SET(q[0], &r);
    struct timespec ts = {5, 0};
    CHECK_ERRNO(pselect(q[0] + 1, &r, NULL, NULL, &ts, &during), EINTR, "pselect's mask lets the signal in: EINTR");
    CHECK_EQ(got_signal, 1, "and the handler ran");
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(sigismember(&now, SIGUSR1), "the caller's mask is back after pselect");
    return check_finish();
}
