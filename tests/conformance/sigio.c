/* Signal-driven I/O: F_SETOWN/F_GETOWN (processes and groups), F_SETOWN_EX/F_GETOWN_EX,
 * F_SETSIG/F_GETSIG, O_ASYNC through F_SETFL and FIOASYNC on sockets and pipes, SIGIO for
 * input and for room to write, the siginfo of an F_SETSIG signal (POLL_IN, POLL_OUT, si_fd,
 * si_band), FIOCLEX/FIONCLEX, and the errors. References: fcntl(2) "Managing signals",
 * ioctl_fionbio(2), fs/fcntl.c (f_setown, send_sigio_to_task, band_table), fs/ioctl.c. */
#define _GNU_SOURCE
#include "check.h"
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t sigio_count;
static volatile sig_atomic_t rt_count, rt_code, rt_fd;
static volatile long rt_band;

static void on_sigio(int sig) { (void)sig; sigio_count++; }

static void on_rt(int sig, siginfo_t *info, void *uc)
{
    (void)sig; (void)uc;
    rt_count++;
    rt_code = info->si_code;
    rt_fd = info->si_fd;
    rt_band = info->si_band;
}

/* Waits (at most about two seconds) until *counter passes `above`: signals arrive
 * asynchronously from another process. */
static int wait_for(volatile sig_atomic_t *counter, int above)
{
    for (int i = 0; i < 200 && *counter <= above; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return *counter > above;
}

static void owner_checks(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), "socketpair");
    CHECK_EQ(fcntl(sv[0], F_GETOWN), 0, "a new socket has no owner");
    struct f_owner_ex ex = {-1, -1};
    CHECK_OK(fcntl(sv[0], F_GETOWN_EX, &ex), "F_GETOWN_EX without an owner");
    CHECK_EQ(ex.pid, 0, "F_GETOWN_EX: no owner is pid 0");
    CHECK_OK(fcntl(sv[0], F_SETOWN, getpid()), "F_SETOWN to this process");
    CHECK(fcntl(sv[0], F_GETOWN) == getpid(), "F_GETOWN answers it");
    CHECK_OK(fcntl(sv[0], F_GETOWN_EX, &ex), "F_GETOWN_EX");
    CHECK(ex.type == F_OWNER_PID && ex.pid == getpid(), "F_GETOWN_EX: F_OWNER_PID and the pid");
    CHECK_OK(fcntl(sv[0], F_SETOWN, -getpgrp()), "F_SETOWN to this process group");
    CHECK(fcntl(sv[0], F_GETOWN) == -getpgrp(), "F_GETOWN answers the group negated");
    CHECK_OK(fcntl(sv[0], F_GETOWN_EX, &ex), "F_GETOWN_EX of a group");
    CHECK(ex.type == F_OWNER_PGRP && ex.pid == getpgrp(), "F_GETOWN_EX: F_OWNER_PGRP and the group");
    int dup_fd = dup(sv[0]);
    CHECK(fcntl(dup_fd, F_GETOWN) == -getpgrp(), "a dup shares the owner (the description's)");
    close(dup_fd);
    ex.type = F_OWNER_TID;
    ex.pid = getpid();
    CHECK_OK(fcntl(sv[0], F_SETOWN_EX, &ex), "F_SETOWN_EX to a thread");
    CHECK_OK(fcntl(sv[0], F_GETOWN_EX, &ex), "F_GETOWN_EX of a thread");
    CHECK(ex.type == F_OWNER_TID && ex.pid == getpid(), "F_GETOWN_EX: F_OWNER_TID and the tid");
    ex.type = 7;
    CHECK_ERRNO(fcntl(sv[0], F_SETOWN_EX, &ex), EINVAL, "F_SETOWN_EX with an unknown type: EINVAL");
    CHECK_ERRNO(fcntl(sv[0], F_SETOWN, 999999), ESRCH, "F_SETOWN to no such process: ESRCH");
    CHECK_ERRNO(fcntl(sv[0], F_SETOWN, -999999), ESRCH, "F_SETOWN to no such group: ESRCH");
    CHECK_OK(fcntl(sv[0], F_SETOWN, 0), "F_SETOWN 0 removes the owner");
    CHECK_EQ(fcntl(sv[0], F_GETOWN), 0, "no owner again");
    CHECK_EQ(fcntl(sv[0], F_GETSIG), 0, "F_GETSIG: 0 (SIGIO) at first");
    CHECK_OK(fcntl(sv[0], F_SETSIG, SIGRTMIN + 1), "F_SETSIG a real-time signal");
    CHECK_EQ(fcntl(sv[0], F_GETSIG), SIGRTMIN + 1, "F_GETSIG answers it");
    CHECK_ERRNO(fcntl(sv[0], F_SETSIG, 65), EINVAL, "F_SETSIG 65: EINVAL");
    CHECK_ERRNO(fcntl(sv[0], F_SETSIG, -1), EINVAL, "F_SETSIG -1: EINVAL");
    close(sv[0]);
    close(sv[1]);
}

static void sigio_checks(void)
{
    signal(SIGIO, on_sigio);
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    fcntl(sv[0], F_SETOWN, getpid());
    int before = sigio_count;
    write(sv[1], "x", 1);
    CHECK(!wait_for(&sigio_count, before), "no SIGIO before O_ASYNC");
    char c;
    read(sv[0], &c, 1);
    CHECK_OK(fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_ASYNC | O_NONBLOCK), "F_SETFL O_ASYNC");
    CHECK_EQ(fcntl(sv[0], F_GETFL) & O_ASYNC, O_ASYNC, "F_GETFL shows O_ASYNC");
    before = sigio_count;
    write(sv[1], "x", 1);
    CHECK(wait_for(&sigio_count, before), "SIGIO when input arrives on a socket");
    read(sv[0], &c, 1);

    /* Another process's write, with the owner set by FIOASYNC's other half. */
    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) & ~O_ASYNC);
    int on = 1;
    CHECK_OK(ioctl(sv[0], FIOASYNC, &on), "ioctl FIOASYNC on a socket");
    CHECK_EQ(fcntl(sv[0], F_GETFL) & O_ASYNC, O_ASYNC, "FIOASYNC sets O_ASYNC");
    before = sigio_count;
    pid_t child = fork();
    if (child == 0) {
        write(sv[1], "y", 1);
        _exit(0);
    }
    CHECK(wait_for(&sigio_count, before), "SIGIO when another process writes");
    waitpid(child, NULL, 0);
    read(sv[0], &c, 1);
    on = 0;
    ioctl(sv[0], FIOASYNC, &on);
    CHECK_EQ(fcntl(sv[0], F_GETFL) & O_ASYNC, 0, "FIOASYNC 0 clears O_ASYNC");
    before = sigio_count;
    write(sv[1], "z", 1);
    CHECK(!wait_for(&sigio_count, before), "no SIGIO once O_ASYNC is off");
    read(sv[0], &c, 1);

    /* Owned by the process group: each member gets it. */
    fcntl(sv[0], F_SETOWN, -getpgrp());
    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_ASYNC);
    before = sigio_count;
    write(sv[1], "g", 1);
    CHECK(wait_for(&sigio_count, before), "SIGIO to the owning process group");
    read(sv[0], &c, 1);
    close(sv[0]);
    close(sv[1]);

    /* A pipe's read end. */
    int p[2];
    pipe(p);
    fcntl(p[0], F_SETOWN, getpid());
    fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK);
    before = sigio_count;
    write(p[1], "p", 1);
    CHECK(wait_for(&sigio_count, before), "SIGIO when a pipe gets data");
    close(p[0]);
    close(p[1]);
    signal(SIGIO, SIG_DFL);
}

/* SIGIO's default action ends the process: the owner dies of it, holding the only
 * reference to the description that sent it. */
static void fatal_sigio_checks(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int ready[2];
    pipe(ready);
    pid_t child = fork();
    if (child == 0) {
        close(sv[1]);
        close(ready[0]);
        fcntl(sv[0], F_SETOWN, getpid());
        fcntl(sv[0], F_SETFL, O_ASYNC);
        write(ready[1], "r", 1);
        for (;;)
            pause();
    }
    close(sv[0]);
    close(ready[1]);
    char c;
    read(ready[0], &c, 1);
    write(sv[1], "x", 1);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGIO, "an owner without a handler dies of SIGIO");
    close(sv[1]);
    close(ready[0]);
}

static void setsig_checks(void)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGRTMIN + 2, &sa, NULL);
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    fcntl(sv[0], F_SETOWN, getpid());
    fcntl(sv[0], F_SETSIG, SIGRTMIN + 2);
    fcntl(sv[0], F_SETFL, O_ASYNC | O_NONBLOCK | O_RDWR);
    int before = rt_count;
    write(sv[1], "r", 1);
    CHECK(wait_for(&rt_count, before), "F_SETSIG: the chosen signal for input");
    CHECK_EQ(rt_code, POLL_IN, "its si_code is POLL_IN");
    CHECK_EQ(rt_fd, sv[0], "its si_fd is the descriptor");
    CHECK_EQ(rt_band & (POLLIN | POLLRDNORM), POLLIN | POLLRDNORM, "its si_band has POLLIN|POLLRDNORM");
    char c;
    read(sv[0], &c, 1);

    /* Room to write: the writer's end owned, filled, then drained by the reader. */
    fcntl(sv[1], F_SETOWN, getpid());
    fcntl(sv[1], F_SETSIG, SIGRTMIN + 2);
    fcntl(sv[1], F_SETFL, O_ASYNC | O_NONBLOCK | O_RDWR);
    char buf[4096];
    memset(buf, 'w', sizeof buf);
    while (write(sv[1], buf, sizeof buf) > 0) {
    }
    before = rt_count;
    while (read(sv[0], buf, sizeof buf) > 0) {
    }
    CHECK(wait_for(&rt_count, before), "F_SETSIG: the signal when a full socket drains");
    CHECK_EQ(rt_code, POLL_OUT, "its si_code is POLL_OUT");
    CHECK_EQ(rt_fd, sv[1], "its si_fd is the writer's descriptor");
    CHECK_EQ(rt_band & (POLLOUT | POLLWRNORM), POLLOUT | POLLWRNORM, "its si_band has POLLOUT|POLLWRNORM");
    close(sv[0]);
    close(sv[1]);
}

static void file_checks(void)
{
    char path[] = "/tmp/sigio-XXXXXX";
    int fd = CHECK_OK(mkstemp(path), "a regular file");
    unlink(path);
    int on = 1;
    CHECK_ERRNO(ioctl(fd, FIOASYNC, &on), ENOTTY, "FIOASYNC on a regular file: ENOTTY");
    CHECK_OK(fcntl(fd, F_SETFL, O_ASYNC), "F_SETFL O_ASYNC on a regular file is accepted");
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ASYNC, 0, "but not recorded: the file sends no SIGIO");
    CHECK_OK(ioctl(fd, FIOCLEX), "FIOCLEX");
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC, "FIOCLEX sets close-on-exec");
    CHECK_OK(ioctl(fd, FIONCLEX), "FIONCLEX");
    CHECK_EQ(fcntl(fd, F_GETFD), 0, "FIONCLEX clears it");
    close(fd);
}

int main(void)
{
    /* A group of our own: the group's SIGIO must not reach the runner (or a pipe's reader). */
    setpgid(0, 0);
    owner_checks();
    sigio_checks();
    fatal_sigio_checks();
    setsig_checks();
    file_checks();
    return check_failures ? 1 : 0;
}
