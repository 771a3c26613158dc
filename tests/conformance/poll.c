/* poll/ppoll readiness on pipes, regular files and /dev/null, invalid and negative
 * descriptors, and timeouts. References: poll(2), pipe(7). */
#define _GNU_SOURCE
#include "check.h"
#include <poll.h>
#include <signal.h>
#include <time.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Polls one descriptor with a zero timeout; returns revents and stores poll's result. */
static int poll1(int fd, short events, int *ret)
{
    struct pollfd p = {fd, events, 0};
    *ret = poll(&p, 1, 0);
    return p.revents;
}

static void pipes(void)
{
    int p[2], r;
    char buf[16];
    pipe2(p, O_NONBLOCK);

    CHECK_EQ(poll1(p[0], POLLIN, &r), 0, "empty pipe: read end not readable");
    CHECK_EQ(r, 0, "poll with timeout 0 and nothing ready returns 0");
    CHECK_EQ(poll1(p[1], POLLOUT, &r), POLLOUT, "empty pipe: write end has POLLOUT");
    CHECK_EQ(r, 1, "poll returns the number of ready descriptors");
    CHECK_EQ(poll1(p[1], POLLIN, &r), 0, "write end never has POLLIN");

    write(p[1], "abc", 3);
    CHECK_EQ(poll1(p[0], POLLIN, &r), POLLIN, "after a write: POLLIN");
    CHECK_EQ(poll1(p[0], POLLIN | POLLOUT, &r), POLLIN, "read end never has POLLOUT");

    /* Several descriptors at once: the result counts those with nonzero revents. */
    struct pollfd fds[3] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {p[0], POLLPRI, 0}};
    CHECK_EQ(poll(fds, 3, 0), 2, "two of three descriptors ready");
    CHECK(fds[0].revents == POLLIN && fds[1].revents == POLLOUT && fds[2].revents == 0,
          "revents set per entry");
    read(p[0], buf, sizeof buf);
    CHECK_EQ(poll1(p[0], POLLIN, &r), 0, "after draining: not readable");

    /* A full pipe is not writable; once drained it is again. */
    static char big[4096];
    while (write(p[1], big, sizeof big) > 0)
        ;
    while (write(p[1], big, 1) > 0)
        ;
    CHECK_EQ(poll1(p[1], POLLOUT, &r), 0, "full pipe: no POLLOUT");
    while (read(p[0], big, sizeof big) > 0)
        ;
    CHECK_EQ(poll1(p[1], POLLOUT, &r), POLLOUT, "drained pipe: POLLOUT again");

    /* poll(2): POLLHUP "Hang up"; for a pipe it is reported on the read end once every
     * write end is closed, together with POLLIN while data remains. POLLHUP and POLLERR are
     * reported even when not asked for. */
    write(p[1], "xy", 2);
    close(p[1]);
    CHECK_EQ(poll1(p[0], POLLIN, &r), POLLIN | POLLHUP, "writer closed, data left: POLLIN|POLLHUP");
    read(p[0], buf, sizeof buf);
    CHECK_EQ(poll1(p[0], POLLIN, &r), POLLHUP, "writer closed, empty: POLLHUP only");
    CHECK_EQ(poll1(p[0], 0, &r), POLLHUP, "POLLHUP is reported with events 0");
    CHECK_EQ(r, 1, "and counts as ready");
    close(p[0]);

    /* The write end of a pipe whose read end is closed reports POLLERR (Linux pipe_poll). */
    pipe2(p, O_NONBLOCK);
    close(p[0]);
    CHECK_EQ(poll1(p[1], POLLOUT, &r), POLLOUT | POLLERR, "reader closed: POLLOUT|POLLERR");
    CHECK_EQ(poll1(p[1], 0, &r), POLLERR, "POLLERR is reported with events 0");
    close(p[1]);
}

static void others(void)
{
    int r;
    /* poll(2): POLLNVAL "Invalid request: fd not open"; it counts as ready. A negative fd
     * is ignored: "the events field is ignored and the revents field returns zero". */
    CHECK_EQ(poll1(1000, POLLIN, &r), POLLNVAL, "closed descriptor: POLLNVAL");
    CHECK_EQ(r, 1, "POLLNVAL counts as ready");
    CHECK_EQ(poll1(-1, POLLIN, &r), 0, "negative descriptor: revents 0");
    CHECK_EQ(r, 0, "negative descriptor is not counted");

    /* Regular files and /dev/null are always ready for reading and writing. */
    int fd = open("/dev/null", O_RDWR);
    CHECK_EQ(poll1(fd, POLLIN | POLLOUT, &r), POLLIN | POLLOUT, "/dev/null: POLLIN|POLLOUT");
    close(fd);
    fd = open("pollfile", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_EQ(poll1(fd, POLLIN | POLLOUT, &r), POLLIN | POLLOUT, "empty regular file: POLLIN|POLLOUT");
    close(fd);
    unlink("pollfile");
}

static void timeouts(void)
{
    int p[2];
    pipe2(p, 0);
    struct pollfd pf = {p[0], POLLIN, 0};

    /* poll(2): the call blocks until a descriptor is ready or the timeout expires; the
     * interval is rounded up, so at least the timeout passes. */
    long long t0 = now_ns();
    int r = poll(&pf, 1, 50);
    long long dt = now_ns() - t0;
    CHECK_EQ(r, 0, "poll with a 50 ms timeout and nothing ready returns 0");
    CHECK(dt >= 50000000LL, "poll waited at least 50 ms");
    CHECK(dt < 5000000000LL, "poll did not wait 5 s");

    t0 = now_ns();
    CHECK_EQ(poll(NULL, 0, 20), 0, "poll with no descriptors returns 0");
    CHECK(now_ns() - t0 >= 20000000LL, "poll with no descriptors sleeps for the timeout");

    struct timespec ts = {0, 50000000};
    t0 = now_ns();
    r = ppoll(&pf, 1, &ts, NULL);
    dt = now_ns() - t0;
    CHECK_EQ(r, 0, "ppoll with a 50 ms timeout returns 0");
    CHECK(dt >= 50000000LL, "ppoll waited at least 50 ms");
    struct timespec zero = {0, 0};
    CHECK_EQ(ppoll(&pf, 1, &zero, NULL), 0, "ppoll with a zero timeout returns 0");
    write(p[1], "z", 1);
    CHECK_EQ(ppoll(&pf, 1, NULL, NULL), 1, "ppoll without a timeout returns when ready");
    CHECK_EQ(pf.revents, POLLIN, "ppoll revents POLLIN");
    sigset_t empty;
    sigemptyset(&empty);
    CHECK_EQ(ppoll(&pf, 1, &zero, &empty), 1, "ppoll with an empty signal mask");
    struct timespec bad = {0, 1000000000};
    CHECK_ERRNO(ppoll(&pf, 1, &bad, NULL), EINVAL, "ppoll tv_nsec out of range -> EINVAL");
    /* A ready descriptor returns at once even with a long timeout. */
    t0 = now_ns();
    CHECK_EQ(poll(&pf, 1, 10000), 1, "poll with a ready descriptor returns 1");
    CHECK(now_ns() - t0 < 5000000000LL, "without waiting for the timeout");
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    check_enter_tmpdir("poll");
    pipes();
    others();
    timeouts();
    return check_finish();
}
