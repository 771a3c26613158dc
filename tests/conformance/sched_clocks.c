/* CPU-time clocks of processes and threads, clock_settime's rules, statfs/fstatfs of the
 * kernel's own file systems, the scheduling policy calls (kept per thread with Linux's
 * ranges and permissions), mlock/msync argument checks, and that timer_create links. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

#define PROC_SUPER_MAGIC 0x9fa0
#define PIPEFS_MAGIC 0x50495045

/* Runs f in a child and returns its exit status (the child's changes stay in the child). */
static int in_child(int (*f)(void))
{
    pid_t p = fork();
    if (p == 0) _exit(f());
    int st;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static int settime_unprivileged(void)
{
    if (setuid(65534) < 0) return 10;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    errno = 0;
    if (clock_settime(CLOCK_REALTIME, &now) == 0) return 1;
    return errno == EPERM ? 0 : 2;
}

/* The scheduling calls go through syscall(2): musl's sched_setscheduler and friends answer
 * ENOSYS themselves (they act on threads on Linux, not on processes). */
static int fifo_as_root(void)
{
    struct sched_param p = {.sched_priority = 10};
    if (syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &p) != 0) return 1;
    if (syscall(SYS_sched_getscheduler, 0) != SCHED_FIFO) return 2;
    struct sched_param q = {0};
    if (syscall(SYS_sched_getparam, 0, &q) != 0 || q.sched_priority != 10) return 3;
    p.sched_priority = 20;
    if (syscall(SYS_sched_setparam, 0, &p) != 0) return 4;
    syscall(SYS_sched_getparam, 0, &q);
    if (q.sched_priority != 20) return 5;
    struct timespec ts = {1, 1};
    if (syscall(SYS_sched_rr_get_interval, 0, &ts) != 0 || ts.tv_sec != 0 || ts.tv_nsec != 0) return 6;
    p.sched_priority = 0;
    if (syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &p) != 0) return 7;
    return syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER ? 0 : 8;
}

static int fifo_unprivileged(void)
{
    if (setuid(65534) < 0) return 10;
    struct sched_param p = {.sched_priority = 10};
    errno = 0;
    if (syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &p) == 0) return 1;
    if (errno != EPERM) return 2;
    p.sched_priority = 0;
    return syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &p) == 0 ? 0 : 3;
}

static int reset_on_fork(void)
{
    struct sched_param p = {.sched_priority = 5};
    if (syscall(SYS_sched_setscheduler, 0, SCHED_RR | SCHED_RESET_ON_FORK, &p) != 0) return 1;
    if (syscall(SYS_sched_getscheduler, 0) != (SCHED_RR | SCHED_RESET_ON_FORK)) return 2;
    pid_t c = fork();
    if (c == 0) _exit(syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER ? 0 : 1);
    int st;
    waitpid(c, &st, 0);
    return WEXITSTATUS(st) == 0 ? 0 : 3;
}

int main(void)
{
    check_enter_tmpdir("sched_clocks");

    /* ---- CPU-time clocks ---- */
    clockid_t c;
    CHECK_EQ(clock_getcpuclockid(0, &c), 0, "clock_getcpuclockid of the caller");
    struct timespec t1, t2;
    CHECK_OK(clock_gettime(c, &t1), "clock_gettime on the process CPU clock");
    volatile unsigned long x = 0;
    for (long i = 0; i < 20000000; i++) x += i;
    clock_gettime(c, &t2);
    CHECK(t2.tv_sec > t1.tv_sec || (t2.tv_sec == t1.tv_sec && t2.tv_nsec > t1.tv_nsec), "the process CPU clock advances while computing");
    CHECK_EQ(clock_getcpuclockid(getpid(), &c), 0, "clock_getcpuclockid of its own pid");
    pid_t child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    CHECK_EQ(clock_getcpuclockid(child, &c), 0, "clock_getcpuclockid of a child");
    CHECK_OK(clock_gettime(c, &t1), "clock_gettime on a child's CPU clock");
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    CHECK_EQ(clock_getcpuclockid(child, &c), ESRCH, "clock_getcpuclockid of a reaped child -> ESRCH");
    CHECK_ERRNO(clock_gettime(c, &t1), EINVAL, "clock_gettime on a gone process's clock -> EINVAL");
    CHECK_EQ(pthread_getcpuclockid(pthread_self(), &c), 0, "pthread_getcpuclockid of the calling thread");
    CHECK_OK(clock_gettime(c, &t1), "clock_gettime on the thread's CPU clock");
    CHECK_OK(clock_getres(CLOCK_PROCESS_CPUTIME_ID, &t1), "clock_getres(CLOCK_PROCESS_CPUTIME_ID)");
    CHECK_ERRNO(clock_gettime((clockid_t)-5, &t1), EINVAL, "clock_gettime of a malformed CPU clock id -> EINVAL");

    /* ---- clock_settime ---- */
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    CHECK_ERRNO(clock_settime(CLOCK_MONOTONIC, &now), EINVAL, "clock_settime(CLOCK_MONOTONIC) -> EINVAL");
    struct timespec bad = {0, 1000000000};
    CHECK_ERRNO(clock_settime(CLOCK_REALTIME, &bad), EINVAL, "clock_settime with tv_nsec of a second -> EINVAL");
    CHECK_ERRNO(clock_settime(CLOCK_PROCESS_CPUTIME_ID, &now), EINVAL, "clock_settime(CLOCK_PROCESS_CPUTIME_ID) -> EINVAL");
    clock_getcpuclockid(0, &c);
    CHECK_ERRNO(clock_settime(c, &now), EPERM, "clock_settime of a process CPU clock id -> EPERM");
    CHECK_EQ(in_child(settime_unprivileged), 0, "clock_settime(CLOCK_REALTIME) unprivileged -> EPERM");

    /* ---- statfs, fstatfs, statvfs ---- */
    struct statfs sf;
    CHECK_OK(statfs("/proc", &sf), "statfs(/proc)");
    CHECK(sf.f_type == PROC_SUPER_MAGIC, "statfs(/proc): PROC_SUPER_MAGIC");
    CHECK_EQ((long)sf.f_namelen, 255L, "statfs(/proc): names up to 255 bytes");
    struct statvfs sv;
    CHECK_OK(statvfs("/proc", &sv), "statvfs(/proc)");
    CHECK_OK(statfs(".", &sf), "statfs of the working directory");
    CHECK(sf.f_bsize > 0 && sf.f_blocks >= sf.f_bfree && sf.f_bfree >= sf.f_bavail, "statfs: block size and counts are consistent");
    int pfd[2];
    pipe(pfd);
    CHECK_OK(fstatfs(pfd[0], &sf), "fstatfs of a pipe");
    CHECK(sf.f_type == PIPEFS_MAGIC, "fstatfs of a pipe: PIPEFS_MAGIC");
    close(pfd[0]);
    close(pfd[1]);
    CHECK_ERRNO(statfs("no-such-file", &sf), ENOENT, "statfs of a missing path -> ENOENT");
    CHECK_ERRNO(fstatfs(-1, &sf), EBADF, "fstatfs(-1) -> EBADF");

    /* ---- scheduling ---- */
    CHECK_EQ(sched_get_priority_max(SCHED_FIFO), 99, "sched_get_priority_max(SCHED_FIFO) = 99");
    CHECK_EQ(sched_get_priority_min(SCHED_RR), 1, "sched_get_priority_min(SCHED_RR) = 1");
    CHECK_EQ(sched_get_priority_max(SCHED_OTHER), 0, "sched_get_priority_max(SCHED_OTHER) = 0");
    CHECK_ERRNO(sched_get_priority_max(12345), EINVAL, "sched_get_priority_max of an unknown policy -> EINVAL");
    CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER, "a process starts with SCHED_OTHER");
    struct sched_param sp = {.sched_priority = 0};
    CHECK_OK(syscall(SYS_sched_getparam, 0, &sp), "sched_getparam");
    CHECK_EQ(sp.sched_priority, 0, "sched_getparam: priority 0 under SCHED_OTHER");
    sp.sched_priority = 5;
    CHECK_ERRNO(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp), EINVAL, "SCHED_OTHER with priority 5 -> EINVAL");
    sp.sched_priority = 100;
    CHECK_ERRNO(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp), EINVAL, "SCHED_FIFO with priority 100 -> EINVAL");
    CHECK_ERRNO(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, NULL), EINVAL, "sched_setscheduler without a param -> EINVAL");
    CHECK_ERRNO(syscall(SYS_sched_getscheduler, -1), EINVAL, "sched_getscheduler(-1) -> EINVAL");
    CHECK_ERRNO(syscall(SYS_sched_getscheduler, 999999), ESRCH, "sched_getscheduler of no thread -> ESRCH");
    CHECK_EQ(in_child(fifo_as_root), 0, "SCHED_FIFO as root: set, read back, priority changed, no RR slice, back to SCHED_OTHER");
    CHECK_EQ(in_child(fifo_unprivileged), 0, "SCHED_FIFO unprivileged -> EPERM; SCHED_BATCH allowed");
    CHECK_EQ(in_child(reset_on_fork), 0, "SCHED_RESET_ON_FORK: the child of fork starts with SCHED_OTHER");
    CHECK_OK(sched_yield(), "sched_yield");

    /* ---- mlock, msync ---- */
    char *buf = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(buf != MAP_FAILED, "mmap 64 KiB");
    CHECK_OK(mlock(buf, 8192), "mlock of a mapping");
    CHECK_OK(munlock(buf, 8192), "munlock of a mapping");
    CHECK_ERRNO(mlockall(0), EINVAL, "mlockall(0) -> EINVAL");
    CHECK_ERRNO(mlockall(MCL_ONFAULT), EINVAL, "mlockall(MCL_ONFAULT) alone -> EINVAL");
    CHECK_OK(mlockall(MCL_CURRENT), "mlockall(MCL_CURRENT)");
    CHECK_OK(munlockall(), "munlockall");
    CHECK_OK(msync(buf, 65536, MS_SYNC), "msync of a mapping");
    CHECK_ERRNO(msync(buf + 1, 4096, MS_SYNC), EINVAL, "msync of an unaligned address -> EINVAL");
    CHECK_ERRNO(msync(buf, 4096, MS_SYNC | MS_ASYNC), EINVAL, "msync with MS_SYNC and MS_ASYNC -> EINVAL");
    munmap(buf, 65536);
    CHECK_ERRNO(msync(buf, 4096, MS_SYNC), ENOMEM, "msync of an unmapped range -> ENOMEM");
    CHECK_ERRNO(mlock(buf, 4096), ENOMEM, "mlock of an unmapped range -> ENOMEM");

    /* ---- POSIX timers: a program using them links and creates one ---- */
    timer_t tid;
    struct sigevent ev = {.sigev_notify = SIGEV_NONE};
    CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &tid), "timer_create(SIGEV_NONE)");

    /* ---- nice values (setpriority(2)), from wherever this run started ---- */
    errno = 0;
    int base = getpriority(PRIO_PROCESS, 0);
    CHECK(errno == 0 && base >= -20 && base <= 19, "getpriority of this process");
    int up = base < 15 ? base + 4 : base;
    CHECK_OK(setpriority(PRIO_PROCESS, 0, up), "setpriority: a higher nice value");
    CHECK_EQ(getpriority(PRIO_PROCESS, getpid()), up, "reads back by pid");
    pid_t nicer = fork();
    if (nicer == 0) {
        int inherited = getpriority(PRIO_PROCESS, 0) == up;
        setpriority(PRIO_PROCESS, 0, 100);                   /* clamped to 19 */
        int clamped = getpriority(PRIO_PROCESS, 0) == 19;
        if (setuid(65534) != 0) _exit(9);
        int refused = setpriority(PRIO_PROCESS, 0, 10) == -1 && errno == EACCES; /* lower: root's */
        int other = setpriority(PRIO_PROCESS, getppid(), 19) == -1 && errno == EPERM;
        _exit(inherited + 2 * clamped + 4 * refused + 8 * other);
    }
    int nstatus = 0;
    waitpid(nicer, &nstatus, 0);
    CHECK(WIFEXITED(nstatus) && WEXITSTATUS(nstatus) == 15,
          "a child inherits it, 100 is clamped to 19, a user may not lower it (EACCES) or touch another's (EPERM)");
    CHECK_OK(setpriority(PRIO_PROCESS, 0, base), "root lowers it back");
    CHECK_ERRNO(getpriority(3, 0), EINVAL, "getpriority with an unknown which -> EINVAL");
    CHECK_ERRNO(getpriority(PRIO_PROCESS, 999999), ESRCH, "getpriority of no such process -> ESRCH");

    return check_finish();
}
