/* Process identity, umask, clocks and sleeping, getrandom, memory (malloc, brk, anonymous
 * mmap), uname/sysinfo, and the character devices /dev/null, /dev/zero, /dev/full and
 * /dev/urandom. References are to the section 2 and 4 man pages. */
#define _GNU_SOURCE
#include "check.h"
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>

static long long ns_of(const struct timespec *ts)
{
    return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ns_of(&ts);
}

static void identity(void)
{
    /* umask(2): "returns the previous value of the mask". */
    umask(022);
    CHECK_EQ(umask(027), 022, "umask returns the previous mask");
    CHECK_EQ(umask(0777 | 07000), 027, "umask round-trip");
    CHECK_EQ(umask(022), 0777, "umask keeps only the permission bits");

    pid_t pid = getpid();
    CHECK(pid > 0, "getpid is positive");
    CHECK(getpid() == pid, "getpid is stable");
    /* gettid(2): in a single-threaded process the thread ID equals the process ID. */
    CHECK(syscall(SYS_gettid) == pid, "gettid == getpid in the main thread");
    CHECK(getppid() >= 0, "getppid does not fail");
    CHECK(getppid() != pid, "getppid differs from getpid");
    CHECK(getuid() == geteuid() && getgid() == getegid(), "real and effective ids agree");
}

static void clocks(void)
{
    struct timespec ts, prev, res;
    CHECK_OK(clock_gettime(CLOCK_REALTIME, &ts), "clock_gettime CLOCK_REALTIME");
    CHECK(ts.tv_sec > 1577836800, "the real-time clock is after 2020");
    CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000, "tv_nsec in range");
    CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &prev), "clock_gettime CLOCK_MONOTONIC");
    int backwards = 0;
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        backwards += ns_of(&ts) < ns_of(&prev);
        prev = ts;
    }
    CHECK_EQ(backwards, 0, "CLOCK_MONOTONIC never goes backwards in 10000 reads");
    CHECK_OK(clock_getres(CLOCK_MONOTONIC, &res), "clock_getres CLOCK_MONOTONIC");
    CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000, "monotonic resolution in (0, 1 ms]");
    CHECK_OK(clock_getres(CLOCK_REALTIME, &res), "clock_getres CLOCK_REALTIME");
    CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000, "realtime resolution in (0, 1 ms]");
    struct timeval tv;
    CHECK_OK(gettimeofday(&tv, NULL), "gettimeofday");
    CHECK(tv.tv_sec > 1577836800 && tv.tv_usec >= 0 && tv.tv_usec < 1000000, "gettimeofday is sane");

    /* nanosleep(2): "suspends the execution of the calling thread until either at least
     * the time specified in *req has elapsed, or ..." a signal (none here). */
    struct timespec req = {0, 30000000};
    long long t0 = mono_ns();
    CHECK_OK(nanosleep(&req, NULL), "nanosleep 30 ms");
    CHECK(mono_ns() - t0 >= 30000000LL, "nanosleep slept at least 30 ms");
    struct timespec zero = {0, 0};
    CHECK_OK(nanosleep(&zero, NULL), "nanosleep 0");
    /* clock_nanosleep(2) returns the error number instead of setting errno. */
    t0 = mono_ns();
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL), 0, "clock_nanosleep relative 30 ms");
    CHECK(mono_ns() - t0 >= 30000000LL, "clock_nanosleep slept at least 30 ms");
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    long long target = ns_of(&until) + 20000000LL;
    until.tv_sec = target / 1000000000LL;
    until.tv_nsec = target % 1000000000LL;
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL), 0, "clock_nanosleep TIMER_ABSTIME");
    CHECK(mono_ns() >= target, "woke up no earlier than the absolute deadline");
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &zero, NULL), 0, "an absolute time in the past returns at once");
    CHECK_OK(sched_yield(), "sched_yield");
}

static void randomness(void)
{
    unsigned char a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    CHECK_EQ(getrandom(a, sizeof a, 0), 64, "getrandom 64 bytes");
    CHECK_EQ(getrandom(b, sizeof b, GRND_NONBLOCK), 64, "getrandom GRND_NONBLOCK");
    CHECK(!check_all_bytes(a, sizeof a, 0), "random bytes are not all zero");
    CHECK(memcmp(a, b, sizeof a) != 0, "two calls give different bytes");
    CHECK_EQ(getrandom(a, 0, 0), 0, "getrandom of 0 bytes returns 0");
}

static void memory(void)
{
    /* malloc of big blocks (served by mmap or brk depending on the C library). */
    size_t big = 10u << 20;
    unsigned char *m = malloc(big);
    CHECK(m != NULL, "malloc 10 MiB");
    if (m) {
        for (size_t i = 0; i < big; i += 4096)
            m[i] = (unsigned char)(i >> 12);
        int bad = 0;
        for (size_t i = 0; i < big; i += 4096)
            bad += m[i] != (unsigned char)(i >> 12);
        CHECK_EQ(bad, 0, "every page of it is writable and keeps its value");
        m = realloc(m, big * 2);
        CHECK(m != NULL && m[4096] == 1 && m[big - 4096] == (unsigned char)((big - 4096) >> 12),
              "realloc to 20 MiB keeps the contents");
        free(m);
    }
    unsigned char *z = calloc(8u << 20, 1);
    CHECK(z != NULL && check_all_bytes(z, 8u << 20, 0), "calloc 8 MiB is zeroed");
    free(z);

    /* brk(2) as the raw system call: it returns the new break (the old one on failure),
     * and brk(0) reports the current break. The C library wrappers differ (musl's brk and
     * sbrk with an increment always fail), so syscall(2) is used. Nothing allocates
     * between moving the break and restoring it. */
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    uintptr_t want = cur + (1u << 20) + 65536;
    uintptr_t got = (uintptr_t)syscall(SYS_brk, want);
    /* Only whole 64 KiB units above the old break are compared: the partial page at the
     * old break may hold older data. */
    uintptr_t from = (cur + 65535) & ~(uintptr_t)65535;
    int zero1 = got == want && check_all_bytes((void *)from, 1u << 20, 0);
    if (got == want)
        memset((void *)from, 0x5a, 1u << 20);
    uintptr_t shrunk = (uintptr_t)syscall(SYS_brk, cur);
    uintptr_t again = (uintptr_t)syscall(SYS_brk, want);
    int zero2 = again == want && check_all_bytes((void *)from, 1u << 20, 0);
    uintptr_t restored = (uintptr_t)syscall(SYS_brk, cur);
    CHECK(cur != 0, "brk(0) reports the current break");
    CHECK(got == want, "brk grows the heap by 1 MiB");
    CHECK(zero1, "new heap memory is zeroed");
    CHECK(shrunk == cur, "brk shrinks back");
    CHECK(zero2, "memory released by shrinking comes back zeroed");
    CHECK(restored == cur, "break restored");

    /* mmap(2) MAP_ANONYMOUS: "its contents are initialized to zero". */
    size_t len = 1u << 20;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap 1 MiB anonymous");
    if (p != MAP_FAILED) {
        CHECK(check_all_bytes(p, len, 0), "anonymous memory is zeroed");
        memset(p, 0xa5, len);
        CHECK(check_all_bytes(p, len, 0xa5), "anonymous memory is writable");
        CHECK_OK(munmap(p, len), "munmap");
        unsigned char *q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(q != MAP_FAILED && check_all_bytes(q, len, 0), "a new mapping after munmap is zeroed");
        if (q != MAP_FAILED) {
            /* munmap of part of a mapping leaves the rest usable. */
            CHECK_OK(munmap(q, len / 2), "munmap the first half");
            q[len - 1] = 7;
            CHECK(q[len - 1] == 7 && q[len / 2] == 0, "the second half is still mapped");
            CHECK_OK(munmap(q + len / 2, len / 2), "munmap the second half");
        }
    }
    /* mmap(2): EINVAL for length 0; munmap(2): EINVAL for an unaligned address. */
    CHECK(mmap(NULL, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
          "mmap of length 0 -> EINVAL");
    unsigned char *r = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_ERRNO(munmap(r + 1, 4096), EINVAL, "munmap of an unaligned address -> EINVAL");
    munmap(r, 65536);
    long pagesize = sysconf(_SC_PAGESIZE);
    CHECK(pagesize >= 4096 && (pagesize & (pagesize - 1)) == 0, "page size is a power of two >= 4096");
}

static void system_info(void)
{
    struct utsname u;
    CHECK_OK(uname(&u), "uname");
    CHECK(u.sysname[0] != '\0' && u.release[0] != '\0' && u.machine[0] != '\0', "uname fields are filled");
    struct sysinfo si;
    CHECK_OK(sysinfo(&si), "sysinfo");
    CHECK(si.totalram > 0 && si.mem_unit >= 1, "sysinfo reports memory");
}

static void devices(void)
{
    char buf[4096];
    struct stat st;

    int fd = CHECK_OK(open("/dev/null", O_RDWR), "open /dev/null");
    /* isatty(3): returns 0 and sets errno to ENOTTY for a non-terminal. */
    errno = 0;
    CHECK(isatty(fd) == 0 && errno == ENOTTY, "isatty(/dev/null) is 0 with ENOTTY");
    CHECK_ERRNO(ioctl(fd, TIOCGWINSZ, buf), ENOTTY, "TIOCGWINSZ on /dev/null -> ENOTTY");
    /* null(4): "Reads from /dev/null always return end of file"; writes succeed. */
    CHECK_EQ(read(fd, buf, sizeof buf), 0, "/dev/null reads end of file");
    CHECK_EQ(write(fd, buf, sizeof buf), 4096, "/dev/null swallows writes");
    CHECK_EQ(lseek(fd, 100, SEEK_SET), 0, "lseek on /dev/null always gives 0");
    CHECK_OK(fstat(fd, &st), "fstat /dev/null");
    CHECK(S_ISCHR(st.st_mode), "/dev/null is a character device");
    CHECK(major(st.st_rdev) == 1 && minor(st.st_rdev) == 3, "/dev/null is device 1,3");
    close(fd);

    fd = CHECK_OK(open("/dev/zero", O_RDONLY), "open /dev/zero");
    memset(buf, 0xff, sizeof buf);
    CHECK_EQ(read(fd, buf, sizeof buf), 4096, "read 4096 bytes from /dev/zero");
    CHECK(check_all_bytes(buf, sizeof buf, 0), "/dev/zero reads zeros");
    close(fd);

    /* full(4): "Writes to the /dev/full device fail with an ENOSPC error"; reads give
     * zeros like /dev/zero. */
    fd = CHECK_OK(open("/dev/full", O_RDWR), "open /dev/full");
    CHECK_ERRNO(write(fd, "x", 1), ENOSPC, "write to /dev/full -> ENOSPC");
    memset(buf, 0xff, 16);
    CHECK_EQ(read(fd, buf, 16), 16, "read from /dev/full");
    CHECK(check_all_bytes(buf, 16, 0), "/dev/full reads zeros");
    close(fd);

    fd = CHECK_OK(open("/dev/urandom", O_RDONLY), "open /dev/urandom");
    memset(buf, 0, 64);
    CHECK_EQ(read(fd, buf, 64), 64, "read 64 bytes from /dev/urandom");
    CHECK(!check_all_bytes(buf, 64, 0), "/dev/urandom bytes are not all zero");
    close(fd);
    CHECK_OK(stat("/dev/zero", &st), "stat /dev/zero");
    CHECK(S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 5, "/dev/zero is device 1,5");
}

int main(void)
{
    /* No scratch directory: nothing here touches files. */
    identity();
    clocks();
    randomness();
    memory();
    system_info();
    devices();
    return check_finish();
}
