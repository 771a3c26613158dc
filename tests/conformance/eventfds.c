/* eventfd, timerfd and signalfd: counters, semaphores, expiry counts with overruns,
 * signals read as records, their poll readiness, blocking reads woken by another process,
 * and their errors. References: eventfd(2), timerfd_create(2), signalfd(2),
 * fs/eventfd.c, fs/timerfd.c, fs/signalfd.c. */
#define _GNU_SOURCE
#include "check.h"
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

static int readable(int fd)
{
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    poll(&p, 1, 0);
    return p.revents;
}

static void eventfd_checks(void)
{
    int e = CHECK_OK(eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd with an initial count");
    CHECK_EQ(fcntl(e, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "EFD_CLOEXEC sets close-on-exec");
    CHECK_EQ(fcntl(e, F_GETFL) & (O_NONBLOCK | O_ACCMODE), O_NONBLOCK | O_RDWR, "EFD_NONBLOCK, read-write");
    CHECK_EQ(readable(e), POLLIN | POLLOUT, "a non-zero count: readable and writable");
    uint64_t v = 0;
    CHECK_EQ(read(e, &v, 8), 8, "a read takes eight bytes");
    CHECK_EQ(v, 3, "the whole count");
    CHECK_ERRNO(read(e, &v, 8), EAGAIN, "a zero count: EAGAIN without blocking");
    CHECK_EQ(readable(e), POLLOUT, "a zero count: writable only");
    CHECK_ERRNO(read(e, &v, 4), EINVAL, "a buffer under eight bytes: EINVAL");
    v = 5;
    write(e, &v, 8);
    v = 7;
    write(e, &v, 8);
    read(e, &v, 8);
    CHECK_EQ(v, 12, "writes add up");
    v = UINT64_MAX;
    CHECK_ERRNO(write(e, &v, 8), EINVAL, "writing 0xffffffffffffffff: EINVAL");
    v = UINT64_MAX - 1;
    CHECK_EQ(write(e, &v, 8), 8, "the largest count fits");
    CHECK_EQ(readable(e), POLLIN, "at the largest count: not writable");
    v = 1;
    CHECK_ERRNO(write(e, &v, 8), EAGAIN, "a write past the largest count would block");
    read(e, &v, 8);
    close(e);

    int s = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    read(s, &v, 8);
    CHECK_EQ(v, 1, "EFD_SEMAPHORE: a read takes 1");
    read(s, &v, 8);
    CHECK_ERRNO(read(s, &v, 8), EAGAIN, "EFD_SEMAPHORE: empty after as many reads as the count");
    close(s);
    CHECK_ERRNO(eventfd(0, 0x10), EINVAL, "an unknown flag: EINVAL");

    /* A blocking read in the parent, woken by the child's write. */
    int b = eventfd(0, 0);
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        uint64_t one = 42;
        write(b, &one, 8);
        _exit(0);
    }
    v = 0;
    CHECK_EQ(read(b, &v, 8), 8, "a blocking read waits for another process's write");
    CHECK_EQ(v, 42, "and gets its value");
    waitpid(child, NULL, 0);
    close(b);

    char link[64], path[32];
    int l = eventfd(0, 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", l);
    ssize_t n = readlink(path, link, sizeof link - 1);
    link[n < 0 ? 0 : n] = 0;
    CHECK_STR(link, "anon_inode:[eventfd]", "/proc names it anon_inode:[eventfd]");
    struct stat st;
    fstat(l, &st);
    CHECK_EQ(st.st_mode & S_IFMT, 0, "fstat: no file type bits");
    close(l);
}

static void timerfd_checks(void)
{
    int t = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), "timerfd on CLOCK_MONOTONIC");
    uint64_t n = 0;
    CHECK_ERRNO(read(t, &n, 8), EAGAIN, "disarmed: nothing to read");
    struct itimerspec now = {{0, 0}, {0, 0}};
    CHECK_OK(timerfd_gettime(t, &now), "timerfd_gettime");
    CHECK(now.it_value.tv_sec == 0 && now.it_value.tv_nsec == 0, "disarmed: a zero value");

    struct itimerspec once = {{0, 0}, {0, 20000000}};
    timerfd_settime(t, 0, &once, NULL);
    CHECK_EQ(readable(t), 0, "armed, not yet expired: not readable");
    struct pollfd p = {t, POLLIN, 0};
    CHECK_EQ(poll(&p, 1, 2000), 1, "poll wakes at the expiry");
    CHECK_EQ(read(t, &n, 8), 8, "an expiry reads as eight bytes");
    CHECK_EQ(n, 1, "one expiry");
    CHECK_ERRNO(read(t, &n, 8), EAGAIN, "the count is reset by the read");

    /* A periodic timer left unread counts every expiry (overruns). */
    struct itimerspec every = {{0, 10000000}, {0, 10000000}};
    timerfd_settime(t, 0, &every, NULL);
    usleep(105000);
    read(t, &n, 8);
    CHECK(n >= 9 && n <= 11, "a periodic timer counts the expiries missed");
    struct itimerspec old;
    struct itimerspec off = {{0, 0}, {0, 0}};
    timerfd_settime(t, 0, &off, &old);
    CHECK(old.it_interval.tv_nsec == 10000000 && old.it_interval.tv_sec == 0, "the old value's interval");
    CHECK_ERRNO(read(t, &n, 8), EAGAIN, "disarmed by a zero value");

    /* Absolute on CLOCK_REALTIME: an expiry in the past fires at once. */
    int r = timerfd_create(CLOCK_REALTIME, 0);
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    struct itimerspec past = {{0, 0}, {wall.tv_sec - 1, 0}};
    CHECK_OK(timerfd_settime(r, TFD_TIMER_ABSTIME, &past, NULL), "TFD_TIMER_ABSTIME");
    CHECK_EQ(read(r, &n, 8), 8, "a blocking read of a timer already due returns");
    CHECK_EQ(n, 1, "one expiry");
    close(r);

    CHECK_ERRNO(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL, "a CPU-time clock: EINVAL");
    CHECK_ERRNO(timerfd_create(CLOCK_MONOTONIC, 0x10), EINVAL, "an unknown flag: EINVAL");
    CHECK_ERRNO(timerfd_settime(t, 0x10, &once, NULL), EINVAL, "settime with an unknown flag: EINVAL");
    struct itimerspec bad = {{0, 0}, {0, 1000000000}};
    CHECK_ERRNO(timerfd_settime(t, 0, &bad, NULL), EINVAL, "tv_nsec of a second: EINVAL");
    int e = eventfd(0, 0);
    CHECK_ERRNO(timerfd_settime(e, 0, &once, NULL), EINVAL, "settime on another kind of file: EINVAL");
    CHECK_ERRNO(timerfd_gettime(999, &now), EBADF, "gettime on no descriptor: EBADF");
    close(e);
    close(t);
}

static void signalfd_checks(void)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int s = CHECK_OK(signalfd(-1, &mask, SFD_NONBLOCK), "signalfd for SIGUSR1 and SIGUSR2");
    struct signalfd_siginfo info[2];
    CHECK_ERRNO(read(s, info, sizeof info), EAGAIN, "nothing pending: EAGAIN");
    CHECK_EQ(readable(s), 0, "nothing pending: not readable");
    kill(getpid(), SIGUSR2);
    union sigval val = {.sival_int = 99};
    sigqueue(getpid(), SIGUSR1, val);
    CHECK_EQ(readable(s), POLLIN, "a pending signal of the mask: readable");
    CHECK_EQ(read(s, info, sizeof info), 2 * (ssize_t)sizeof info[0], "two records in one read");
    CHECK_EQ(info[0].ssi_signo, SIGUSR1, "lowest signal first");
    CHECK_EQ(info[0].ssi_code, SI_QUEUE, "sigqueue's code");
    CHECK_EQ(info[0].ssi_int, 99, "sigqueue's value");
    CHECK_EQ(info[0].ssi_pid, getpid(), "the sender's pid");
    CHECK_EQ(info[1].ssi_signo, SIGUSR2, "then the other");
    CHECK_EQ(info[1].ssi_code, SI_USER, "kill's code");
    sigset_t pending;
    sigpending(&pending);
    CHECK(!sigismember(&pending, SIGUSR1) && !sigismember(&pending, SIGUSR2), "read signals are no longer pending");
    CHECK_ERRNO(read(s, info, sizeof info[0] - 1), EINVAL, "a buffer under one record: EINVAL");

    /* A blocking read woken by a signal from a child. */
    int b = signalfd(-1, &mask, 0);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        kill(parent, SIGUSR2);
        _exit(0);
    }
    CHECK_EQ(read(b, info, sizeof info), (ssize_t)sizeof info[0], "a blocking read waits for a signal");
    CHECK_EQ(info[0].ssi_signo, SIGUSR2, "the child's signal");
    CHECK_EQ(info[0].ssi_pid, child, "from the child");
    int status;
    waitpid(child, &status, 0);

    /* A new mask replaces the old one on the same descriptor. */
    sigset_t only1;
    sigemptyset(&only1);
    sigaddset(&only1, SIGUSR1);
    CHECK_EQ(signalfd(s, &only1, 0), s, "signalfd on an existing one returns it");
    kill(getpid(), SIGUSR2);
    CHECK_EQ(readable(s), 0, "a signal outside the new mask: not readable");
    sigtimedwait(&mask, NULL, &(struct timespec){0, 0});
    int e = eventfd(0, 0);
    CHECK_ERRNO(signalfd(e, &mask, 0), EINVAL, "signalfd on another kind of file: EINVAL");
    CHECK_ERRNO(signalfd(999, &mask, 0), EBADF, "signalfd on no descriptor: EBADF");
    CHECK_ERRNO(signalfd(-1, &mask, 0x10), EINVAL, "an unknown flag: EINVAL");
    close(e);
    close(b);
    close(s);
    sigprocmask(SIG_UNBLOCK, &mask, NULL);
}

int main(void)
{
    eventfd_checks();
    timerfd_checks();
    signalfd_checks();
    return check_finish();
}
