/* Error returns: EFAULT for bad user pointers, EBADF, ENOENT, ENOTDIR, EINVAL, ERANGE,
 * and EMFILE once RLIMIT_NOFILE is reached. None of these calls may give ENOSYS.
 * References are to the section 2 man pages ("EFAULT: buf is outside your accessible
 * address space" and so on). */
#define _GNU_SOURCE
#include "check.h"
#include <poll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

/* An address that is mapped neither natively (4 GiB - 4 KiB, below any x86-64 mapping) nor
 * in a wasm32 guest (its memory is at most 1 GiB). volatile keeps the compiler from
 * reasoning about the deliberately bad pointers. */
static void *volatile bad_ptr = (void *)(uintptr_t)0xfffff000u;
static void *volatile null_ptr = NULL;

static void efault(void)
{
    char *bad = bad_ptr;
    int p[2];
    check_write_file("data", "0123456789abcdefghijklmnopqrstuvwxyz");
    int fd = open("data", O_RDWR);

    CHECK_ERRNO(read(fd, bad, 16), EFAULT, "read into a bad buffer -> EFAULT");
    CHECK_ERRNO(read(fd, null_ptr, 16), EFAULT, "read into NULL -> EFAULT");
    CHECK_ERRNO(write(fd, bad, 16), EFAULT, "write from a bad buffer -> EFAULT");
    CHECK_ERRNO(write(fd, null_ptr, 16), EFAULT, "write from NULL -> EFAULT");
    CHECK_ERRNO(pread(fd, bad, 16, 0), EFAULT, "pread into a bad buffer -> EFAULT");
    CHECK_ERRNO(pwrite(fd, bad, 16, 0), EFAULT, "pwrite from a bad buffer -> EFAULT");
    struct iovec iov = {bad, 16};
    CHECK_ERRNO(readv(fd, bad_ptr, 1), EFAULT, "readv with a bad iovec array -> EFAULT");
    CHECK_ERRNO(readv(fd, &iov, 1), EFAULT, "readv into a bad buffer -> EFAULT");
    CHECK_ERRNO(writev(fd, bad_ptr, 1), EFAULT, "writev with a bad iovec array -> EFAULT");
    char back[8] = {0};
    CHECK_EQ(pread(fd, back, 4, 0), 4, "the file is intact after the failed writes");
    CHECK_MEM(back, "0123", 4, "its contents unchanged");

    CHECK_ERRNO(open(bad, O_RDONLY), EFAULT, "open with a bad path pointer -> EFAULT");
    CHECK_ERRNO(open(null_ptr, O_RDONLY), EFAULT, "open with a NULL path -> EFAULT");
    CHECK_ERRNO(mkdir(bad, 0755), EFAULT, "mkdir with a bad path pointer -> EFAULT");
    CHECK_ERRNO(unlink(bad), EFAULT, "unlink with a bad path pointer -> EFAULT");
    CHECK_ERRNO(chdir(bad), EFAULT, "chdir with a bad path pointer -> EFAULT");
    CHECK_ERRNO(access(bad, F_OK), EFAULT, "access with a bad path pointer -> EFAULT");
    CHECK_ERRNO(rename("data", bad), EFAULT, "rename to a bad path pointer -> EFAULT");

    /* The stat family is called as raw system calls: musl's stat()/fstat() fill the user
     * struct from a kernel struct on their own stack, so a bad buffer would crash the
     * program in the C library instead of reaching the kernel. */
    CHECK_ERRNO(syscall(SYS_fstat, fd, bad), EFAULT, "fstat into a bad buffer -> EFAULT");
    CHECK_ERRNO(syscall(SYS_statx, AT_FDCWD, "data", 0, 0x7ffu, bad), EFAULT, "statx into a bad buffer -> EFAULT");
    char sxbuf[256];
    CHECK_ERRNO(syscall(SYS_statx, AT_FDCWD, bad, 0, 0x7ffu, sxbuf), EFAULT, "statx with a bad path pointer -> EFAULT");
    close(fd);

    /* getcwd: size 256 so that the path fits and the kernel really tries to copy. */
    CHECK_NULL_ERRNO(getcwd(bad, 256), EFAULT, "getcwd into a bad buffer -> EFAULT");

    /* pipe2(2) into a bad array fails and leaves no descriptors behind. */
    int before = open("/dev/null", O_RDONLY);
    close(before);
    CHECK_ERRNO(pipe2(bad_ptr, 0), EFAULT, "pipe2 into a bad array -> EFAULT");
    CHECK_ERRNO(pipe2(bad_ptr, O_CLOEXEC), EFAULT, "pipe2 O_CLOEXEC into a bad array -> EFAULT");
    int after = open("/dev/null", O_RDONLY);
    CHECK_EQ(after, before, "the failed pipe2 left no descriptors open");
    close(after);

    /* A pipe with data: read into a bad buffer fails. */
    pipe2(p, 0);
    write(p[1], "pipe data", 9);
    CHECK_ERRNO(read(p[0], bad, 16), EFAULT, "read from a pipe into a bad buffer -> EFAULT");
    CHECK_ERRNO(write(p[1], bad, 16), EFAULT, "write to a pipe from a bad buffer -> EFAULT");
    close(p[0]);
    close(p[1]);

    symlink("data", "link");
    CHECK_ERRNO(readlink("link", bad, 16), EFAULT, "readlink into a bad buffer -> EFAULT");
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_ERRNO(syscall(SYS_getdents64, dfd, bad, 4096), EFAULT, "getdents64 into a bad buffer -> EFAULT");
    close(dfd);
    CHECK_ERRNO(poll(bad_ptr, 1, 0), EFAULT, "poll with a bad array -> EFAULT");
    CHECK_ERRNO(uname(bad_ptr), EFAULT, "uname into a bad buffer -> EFAULT");
    CHECK_ERRNO(getrandom(bad, 16, 0), EFAULT, "getrandom into a bad buffer -> EFAULT");
    CHECK_ERRNO(getrlimit(RLIMIT_NOFILE, bad_ptr), EFAULT, "getrlimit into a bad buffer -> EFAULT");
}

static void ebadf(void)
{
    char buf[16];
    struct stat st;
    int fds[] = {1000, -1};
    for (int i = 0; i < 2; i++) {
        char desc[64];
        int fd = fds[i];
        snprintf(desc, sizeof desc, "read fd %d -> EBADF", fd);
        CHECK_ERRNO(read(fd, buf, 1), EBADF, desc);
        snprintf(desc, sizeof desc, "write fd %d -> EBADF", fd);
        CHECK_ERRNO(write(fd, "x", 1), EBADF, desc);
        snprintf(desc, sizeof desc, "fstat fd %d -> EBADF", fd);
        CHECK_ERRNO(fstat(fd, &st), EBADF, desc);
        snprintf(desc, sizeof desc, "close fd %d -> EBADF", fd);
        CHECK_ERRNO(close(fd), EBADF, desc);
        snprintf(desc, sizeof desc, "lseek fd %d -> EBADF", fd);
        CHECK_ERRNO(lseek(fd, 0, SEEK_SET), EBADF, desc);
        snprintf(desc, sizeof desc, "dup fd %d -> EBADF", fd);
        CHECK_ERRNO(dup(fd), EBADF, desc);
        snprintf(desc, sizeof desc, "fcntl F_GETFL fd %d -> EBADF", fd);
        CHECK_ERRNO(fcntl(fd, F_GETFL), EBADF, desc);
        snprintf(desc, sizeof desc, "fsync fd %d -> EBADF", fd);
        CHECK_ERRNO(fsync(fd), EBADF, desc);
        snprintf(desc, sizeof desc, "ftruncate fd %d -> EBADF", fd);
        CHECK_ERRNO(ftruncate(fd, 0), EBADF, desc);
    }
    CHECK_ERRNO(fstatat(1000, "x", &st, 0), EBADF, "fstatat with a bad dirfd and relative path -> EBADF");
    CHECK_ERRNO(syscall(SYS_getdents64, 1000, buf, sizeof buf), EBADF, "getdents64 fd 1000 -> EBADF");
    /* getdents64 on a regular file: ENOTDIR. */
    int fd = open("data", O_RDONLY);
    static char dents[4096];
    CHECK_ERRNO(syscall(SYS_getdents64, fd, dents, sizeof dents), ENOTDIR, "getdents64 on a file -> ENOTDIR");
    close(fd);
}

static void lookups(void)
{
    struct stat st;
    char buf[16];
    CHECK_ERRNO(open("missing", O_RDONLY), ENOENT, "open missing -> ENOENT");
    CHECK_ERRNO(stat("missing", &st), ENOENT, "stat missing -> ENOENT");
    CHECK_ERRNO(lstat("missing", &st), ENOENT, "lstat missing -> ENOENT");
    CHECK_ERRNO(unlink("missing"), ENOENT, "unlink missing -> ENOENT");
    CHECK_ERRNO(rmdir("missing"), ENOENT, "rmdir missing -> ENOENT");
    CHECK_ERRNO(rename("missing", "x"), ENOENT, "rename missing -> ENOENT");
    CHECK_ERRNO(chdir("missing"), ENOENT, "chdir missing -> ENOENT");
    CHECK_ERRNO(readlink("missing", buf, sizeof buf), ENOENT, "readlink missing -> ENOENT");
    CHECK_ERRNO(truncate("missing", 0), ENOENT, "truncate missing -> ENOENT");
    CHECK_ERRNO(open("missing/x", O_RDONLY | O_CREAT, 0644), ENOENT, "create under a missing directory -> ENOENT");
    CHECK_ERRNO(stat("", &st), ENOENT, "stat empty path -> ENOENT");

    CHECK_ERRNO(open("data/x", O_RDONLY), ENOTDIR, "open through a file -> ENOTDIR");
    CHECK_ERRNO(open("data/x", O_RDONLY | O_CREAT, 0644), ENOTDIR, "create through a file -> ENOTDIR");
    CHECK_ERRNO(stat("data/x", &st), ENOTDIR, "stat through a file -> ENOTDIR");
    CHECK_ERRNO(mkdir("data/x", 0755), ENOTDIR, "mkdir through a file -> ENOTDIR");
    CHECK_ERRNO(unlink("data/x"), ENOTDIR, "unlink through a file -> ENOTDIR");
    CHECK_ERRNO(chdir("data"), ENOTDIR, "chdir to a file -> ENOTDIR");
    CHECK_NULL_ERRNO(opendir("data"), ENOTDIR, "opendir a file -> ENOTDIR");
}

static void einval(void)
{
    int fd = open("data", O_RDONLY);
    int p[2];
    struct timespec ts;
    CHECK_ERRNO(lseek(fd, 0, 99), EINVAL, "lseek whence 99 -> EINVAL");
    CHECK_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL, "lseek to a negative offset -> EINVAL");
    /* (Raw syscall: musl's dup3() may drop unknown flags before the kernel sees them.) */
    CHECK_ERRNO(syscall(SYS_dup3, fd, 50, 0x1), EINVAL, "dup3 unknown flag -> EINVAL");
    CHECK_ERRNO(pipe2(p, 0x1), EINVAL, "pipe2 unknown flag -> EINVAL");
    CHECK_ERRNO(fcntl(fd, 0x7fff), EINVAL, "fcntl unknown command -> EINVAL");
    CHECK_ERRNO(access("data", 0x40), EINVAL, "access invalid mode -> EINVAL");
    CHECK_ERRNO(unlinkat(AT_FDCWD, "data", 0x1), EINVAL, "unlinkat unknown flag -> EINVAL");
    CHECK_ERRNO(getrandom(&ts, sizeof ts, 0x100), EINVAL, "getrandom unknown flag -> EINVAL");
    CHECK_ERRNO(clock_gettime((clockid_t)12345, &ts), EINVAL, "clock_gettime unknown clock -> EINVAL");
    CHECK_ERRNO(clock_getres((clockid_t)12345, &ts), EINVAL, "clock_getres unknown clock -> EINVAL");
    /* nanosleep(2): EINVAL "tv_nsec was not in the range [0, 999999999] or tv_sec was
     * negative". */
    struct timespec bad = {0, 1000000000};
    CHECK_ERRNO(nanosleep(&bad, NULL), EINVAL, "nanosleep tv_nsec out of range -> EINVAL");
    struct timespec neg = {-1, 0};
    CHECK_ERRNO(nanosleep(&neg, NULL), EINVAL, "nanosleep negative tv_sec -> EINVAL");
    /* ftruncate on a descriptor not open for writing: Linux gives EINVAL. */
    CHECK_ERRNO(ftruncate(fd, 0), EINVAL, "ftruncate a read-only descriptor -> EINVAL");
    /* getcwd(3): size 0 with a buffer is EINVAL; too small is ERANGE. */
    char small[2];
    CHECK_NULL_ERRNO(getcwd(small, 0), EINVAL, "getcwd size 0 -> EINVAL");
    CHECK_NULL_ERRNO(getcwd(small, sizeof small), ERANGE, "getcwd too small -> ERANGE");
    close(fd);
}

static void emfile(void)
{
    struct rlimit old, cur, via_prlimit;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &old), "getrlimit RLIMIT_NOFILE");
    CHECK(old.rlim_cur > 32 && old.rlim_cur <= old.rlim_max, "soft limit above 32 and at most the hard limit");
    CHECK_OK(prlimit(0, RLIMIT_NOFILE, NULL, &via_prlimit), "prlimit reads RLIMIT_NOFILE");
    CHECK(via_prlimit.rlim_cur == old.rlim_cur && via_prlimit.rlim_max == old.rlim_max, "prlimit agrees with getrlimit");
    /* setrlimit(2): EINVAL when "rlim->rlim_cur was greater than rlim->rlim_max". */
    struct rlimit inverted = {64, 32};
    CHECK_ERRNO(setrlimit(RLIMIT_NOFILE, &inverted), EINVAL, "setrlimit soft > hard -> EINVAL");

    struct rlimit lim = {32, old.rlim_max};
    CHECK_OK(prlimit(0, RLIMIT_NOFILE, &lim, NULL), "prlimit lowers the soft limit to 32");
    getrlimit(RLIMIT_NOFILE, &cur);
    CHECK_EQ(cur.rlim_cur, 32, "getrlimit reads back 32");

    /* open(2): EMFILE "The per-process limit on the number of open file descriptors has
     * been reached". Descriptors 0..31 are usable, so the last one handed out is 31. */
    int opened[40], n = 0, last = -1, fd;
    while (n < 40 && (fd = open("/dev/null", O_RDONLY)) >= 0) {
        opened[n++] = fd;
        last = fd;
    }
    int e = errno;
    CHECK_EQ(e, EMFILE, "open beyond RLIMIT_NOFILE -> EMFILE");
    CHECK_EQ(last, 31, "the highest descriptor is limit - 1");
    CHECK_ERRNO(dup(last), EMFILE, "dup at the limit -> EMFILE");
    int p[2];
    CHECK_ERRNO(pipe2(p, 0), EMFILE, "pipe2 at the limit -> EMFILE");
    /* fcntl(2) F_DUPFD: EINVAL when arg "is greater than the maximum allowable value";
     * dup2(2): EBADF when "newfd is out of the allowed range". */
    CHECK_ERRNO(fcntl(last, F_DUPFD, 32), EINVAL, "F_DUPFD at or above the limit -> EINVAL");
    CHECK_ERRNO(dup2(last, 32), EBADF, "dup2 to a descriptor above the limit -> EBADF");
    CHECK_EQ(dup2(last, 31), 31, "dup2 onto the highest allowed descriptor works");
    close(last);
    CHECK_EQ(open("/dev/null", O_RDONLY), 31, "closing one makes room for one");
    for (int i = 0; i < n; i++)
        close(opened[i]);
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &old), "setrlimit restores the limit");
    fd = open("/dev/null", O_RDONLY);
    CHECK(fd >= 0 && fd < 32, "descriptors are reused after closing");
    close(fd);
}

int main(void)
{
    check_enter_tmpdir("errors");
    efault();
    ebadf();
    lookups();
    einval();
    emfile();
    return check_finish();
}
