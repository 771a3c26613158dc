/* Regular files: open/read/write/pread/pwrite/lseek, O_APPEND/O_TRUNC/O_EXCL, ftruncate,
 * fstat, dup/dup3/fcntl, readv/writev, utimensat/fchmod/fchown/faccessat, statx, and the
 * errors the usual misuses give. References are to the Linux man-pages (section 2). */
#define _GNU_SOURCE
#include "check.h"
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

/* statx(2) is called through syscall(2) with a local copy of the (architecture-independent)
 * struct statx layout, so the program does not depend on the C library having a wrapper. */
struct conf_statx_ts { int64_t tv_sec; uint32_t tv_nsec; int32_t reserved; };
struct conf_statx {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, pad1;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct conf_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t spare[14];
};
#define CONF_STATX_TYPE 0x1u
#define CONF_STATX_MODE 0x2u
#define CONF_STATX_SIZE 0x200u
#define CONF_STATX_BASIC_STATS 0x7ffu

static off_t size_of(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? st.st_size : -1;
}

static void basic_io(void)
{
    char buf[128];
    struct stat st;

    /* open(2): the mode of a created file is (mode & ~umask). */
    umask(022);
    int fd = CHECK_OK(open("f", O_RDWR | O_CREAT | O_EXCL, 0666), "open O_CREAT|O_EXCL new file");
    CHECK_OK(fstat(fd, &st), "fstat new file");
    CHECK(S_ISREG(st.st_mode), "new file is S_IFREG");
    CHECK_EQ(st.st_mode & 07777, 0644, "mode 0666 & ~umask 022 == 0644");
    CHECK_EQ(st.st_size, 0, "new file is empty");
    CHECK_EQ(st.st_nlink, 1, "new file has one link");

    CHECK_EQ(write(fd, "hello world", 11), 11, "write 11 bytes");
    CHECK_EQ(size_of(fd), 11, "fstat size 11 after write");
    CHECK_EQ(read(fd, buf, sizeof buf), 0, "read at end of file returns 0");
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0, "lseek SEEK_SET 0");
    CHECK_EQ(read(fd, buf, 5), 5, "read 5 bytes");
    CHECK_MEM(buf, "hello", 5, "read returns the written bytes");
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5, "lseek SEEK_CUR reports offset 5");
    CHECK_EQ(lseek(fd, 1, SEEK_CUR), 6, "lseek SEEK_CUR +1");
    CHECK_EQ(read(fd, buf, sizeof buf), 5, "short read of the remaining 5 bytes");
    CHECK_MEM(buf, "world", 5, "remaining bytes are 'world'");
    CHECK_EQ(lseek(fd, 0, SEEK_END), 11, "lseek SEEK_END 0 is the size");
    CHECK_EQ(lseek(fd, -5, SEEK_END), 6, "lseek SEEK_END -5");
    CHECK_EQ(read(fd, buf, 0), 0, "read of 0 bytes returns 0");

    /* pread(2)/pwrite(2): "the file offset is not changed". */
    CHECK_EQ(lseek(fd, 2, SEEK_SET), 2, "lseek to 2");
    CHECK_EQ(pread(fd, buf, 5, 6), 5, "pread 5 bytes at offset 6");
    CHECK_MEM(buf, "world", 5, "pread data");
    CHECK_EQ(pwrite(fd, "HELLO", 5, 0), 5, "pwrite 5 bytes at offset 0");
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2, "pread/pwrite leave the offset alone");
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 11, "pread whole file");
    CHECK_MEM(buf, "HELLO world", 11, "pwrite changed the file");
    CHECK_EQ(pread(fd, buf, sizeof buf, 100), 0, "pread past end returns 0");
    CHECK_ERRNO(pread(fd, buf, 1, -1), EINVAL, "pread negative offset -> EINVAL");

    /* lseek(2): seeking past the end does not change the size; a later write leaves a hole
     * that "reads as null bytes". */
    CHECK_EQ(lseek(fd, 100, SEEK_SET), 100, "lseek beyond end");
    CHECK_EQ(size_of(fd), 11, "seeking beyond end does not change the size");
    CHECK_EQ(write(fd, "X", 1), 1, "write after seeking beyond end");
    CHECK_EQ(size_of(fd), 101, "size now 101");
    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(pread(fd, buf, 89, 11), 89, "read the hole");
    CHECK(check_all_bytes(buf, 89, 0), "hole reads as zeros");
    CHECK_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL, "lseek to negative offset -> EINVAL");
    CHECK_ERRNO(lseek(fd, -1000, SEEK_CUR), EINVAL, "lseek SEEK_CUR before start -> EINVAL");
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 101, "failed lseek leaves offset alone");
    CHECK_ERRNO(lseek(fd, 0, 42), EINVAL, "lseek bad whence -> EINVAL");

    /* Linux answers FIONREAD on a regular file with size - offset
     * (fs/ioctl.c, do_vfs_ioctl). */
    int avail = -1;
    CHECK_EQ(lseek(fd, 90, SEEK_SET), 90, "lseek to 90");
    CHECK_OK(ioctl(fd, FIONREAD, &avail), "FIONREAD on a regular file");
    CHECK_EQ(avail, 11, "FIONREAD on a regular file is size - offset");
    CHECK_ERRNO(ioctl(fd, TIOCGWINSZ, buf), ENOTTY, "TIOCGWINSZ on a regular file -> ENOTTY");

    CHECK_OK(fsync(fd), "fsync regular file");
    CHECK_OK(fdatasync(fd), "fdatasync regular file");
    CHECK_OK(close(fd), "close");
    CHECK_ERRNO(close(fd), EBADF, "close twice -> EBADF");

    /* open(2): O_EXCL with O_CREAT on an existing file fails with EEXIST. */
    CHECK_ERRNO(open("f", O_RDWR | O_CREAT | O_EXCL, 0666), EEXIST, "O_CREAT|O_EXCL on existing -> EEXIST");
    CHECK_ERRNO(open("missing", O_RDONLY), ENOENT, "open missing without O_CREAT -> ENOENT");
    CHECK_ERRNO(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file -> ENOTDIR");

    /* O_RDONLY fd: write gives EBADF ("fd is not open for writing"). */
    fd = CHECK_OK(open("f", O_RDONLY), "open O_RDONLY");
    CHECK_ERRNO(write(fd, "x", 1), EBADF, "write on O_RDONLY fd -> EBADF");
    CHECK_ERRNO(pwrite(fd, "x", 1, 0), EBADF, "pwrite on O_RDONLY fd -> EBADF");
    /* ftruncate(2): "EBADF or EINVAL: fd is not open for writing"; Linux returns EINVAL. */
    CHECK_ERRNO(ftruncate(fd, 0), EINVAL, "ftruncate on O_RDONLY fd -> EINVAL");
    close(fd);
    fd = CHECK_OK(open("f", O_WRONLY), "open O_WRONLY");
    CHECK_ERRNO(read(fd, buf, 1), EBADF, "read on O_WRONLY fd -> EBADF");
    close(fd);

    /* O_TRUNC truncates an existing regular file to length 0. */
    fd = CHECK_OK(open("f", O_RDWR | O_TRUNC), "open O_TRUNC");
    CHECK_EQ(size_of(fd), 0, "O_TRUNC empties the file");

    /* ftruncate(2): extending fills with null bytes; the offset is not changed. */
    CHECK_EQ(write(fd, "abcdef", 6), 6, "write 6 bytes");
    CHECK_OK(ftruncate(fd, 4096), "ftruncate grow to 4096");
    CHECK_EQ(size_of(fd), 4096, "size 4096 after grow");
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6, "ftruncate leaves the offset alone");
    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(pread(fd, buf, 100, 3996), 100, "read the grown tail");
    CHECK(check_all_bytes(buf, 100, 0), "grown part reads as zeros");
    CHECK_OK(ftruncate(fd, 3), "ftruncate shrink to 3");
    CHECK_EQ(size_of(fd), 3, "size 3 after shrink");
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 3, "only 3 bytes remain");
    CHECK_MEM(buf, "abc", 3, "kept bytes intact");
    CHECK_OK(ftruncate(fd, 6), "ftruncate grow again to 6");
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 6, "6 bytes after regrow");
    CHECK_MEM(buf, "abc\0\0\0", 6, "bytes cut off by the shrink come back as zeros");
    CHECK_ERRNO(ftruncate(fd, -1), EINVAL, "ftruncate negative length -> EINVAL");
    CHECK_OK(truncate("f", 2), "truncate by path");
    CHECK_EQ(size_of(fd), 2, "truncate by path changed the size");
    close(fd);

    /* open(2) O_APPEND: "the file offset is positioned at the end of the file" before each
     * write. pwrite(2) BUGS: on Linux, with O_APPEND pwrite appends regardless of offset. */
    fd = CHECK_OK(open("f", O_RDWR | O_APPEND), "open O_APPEND");
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0, "lseek to 0 on O_APPEND fd");
    CHECK_EQ(write(fd, "12", 2), 2, "write on O_APPEND fd");
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4, "offset after append is the new end");
    CHECK_EQ(pwrite(fd, "34", 2, 0), 2, "pwrite at 0 on O_APPEND fd");
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 6, "file is 6 bytes");
    CHECK_MEM(buf, "ab1234", 6, "pwrite on O_APPEND fd appended");
    close(fd);
}

static void dup_and_fcntl(void)
{
    /* The checks below pick descriptor numbers 20, 21 and 40; make sure nothing inherited
     * from the parent sits there. */
    close(20);
    close(21);
    close(40);
    int fd = CHECK_OK(open("g", O_RDWR | O_CREAT | O_TRUNC, 0644), "open g");
    CHECK_EQ(write(fd, "0123456789", 10), 10, "write 10 bytes to g");

    /* dup(2): the two descriptors "share file offset and file status flags". */
    int d = CHECK_OK(dup(fd), "dup");
    CHECK(d != fd, "dup returns a new descriptor");
    CHECK_EQ(lseek(fd, 3, SEEK_SET), 3, "lseek original to 3");
    CHECK_EQ(lseek(d, 0, SEEK_CUR), 3, "duplicate sees offset 3");
    char c = 0;
    CHECK_EQ(read(d, &c, 1), 1, "read through duplicate");
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4, "original offset advanced by the duplicate");
    CHECK_EQ(fcntl(d, F_GETFD), 0, "dup clears FD_CLOEXEC");
    /* dup(2): "uses the lowest-numbered unused file descriptor". */
    int saved = d;
    close(d);
    CHECK_EQ(dup(fd), saved, "dup reuses the lowest free descriptor");
    close(saved);

    /* dup3(2): O_CLOEXEC sets the close-on-exec flag; oldfd == newfd gives EINVAL. */
    int target = 40;
    CHECK_EQ(dup3(fd, target, O_CLOEXEC), target, "dup3 to a chosen descriptor");
    CHECK_EQ(fcntl(target, F_GETFD), FD_CLOEXEC, "dup3 O_CLOEXEC sets FD_CLOEXEC");
    CHECK_EQ(dup3(fd, target, 0), target, "dup3 over an open descriptor closes it silently");
    CHECK_EQ(fcntl(target, F_GETFD), 0, "dup3 without O_CLOEXEC clears FD_CLOEXEC");
    CHECK_ERRNO(dup3(fd, fd, 0), EINVAL, "dup3 with oldfd == newfd -> EINVAL");
    /* (Raw syscall: musl's dup3() on architectures that have dup2 ignores flags other than
     * O_CLOEXEC instead of passing them to the kernel.) */
    CHECK_ERRNO(syscall(SYS_dup3, fd, target, O_NONBLOCK), EINVAL, "dup3 with flags other than O_CLOEXEC -> EINVAL");
    CHECK_EQ(dup2(fd, fd), fd, "dup2 with oldfd == newfd returns newfd");
    CHECK_ERRNO(dup2(999, target), EBADF, "dup2 from a closed descriptor -> EBADF");
    close(target);

    /* fcntl(2) F_DUPFD: "lowest-numbered available file descriptor >= arg". */
    int f = CHECK_OK(fcntl(fd, F_DUPFD, 20), "F_DUPFD");
    CHECK_EQ(f, 20, "F_DUPFD 20 gives 20");
    CHECK_EQ(fcntl(fd, F_DUPFD, 20), 21, "F_DUPFD 20 again gives 21");
    CHECK_EQ(fcntl(f, F_GETFD), 0, "F_DUPFD result has no FD_CLOEXEC");
    close(21);
    int g = CHECK_OK(fcntl(fd, F_DUPFD_CLOEXEC, 20), "F_DUPFD_CLOEXEC");
    CHECK_EQ(g, 21, "F_DUPFD_CLOEXEC skips the busy 20");
    CHECK_EQ(fcntl(g, F_GETFD), FD_CLOEXEC, "F_DUPFD_CLOEXEC sets FD_CLOEXEC");
    CHECK_ERRNO(fcntl(fd, F_DUPFD, -1), EINVAL, "F_DUPFD negative arg -> EINVAL");
    close(f);
    close(g);

    CHECK_EQ(fcntl(fd, F_GETFD), 0, "fresh descriptor has no FD_CLOEXEC");
    CHECK_OK(fcntl(fd, F_SETFD, FD_CLOEXEC), "F_SETFD FD_CLOEXEC");
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC, "F_GETFD reads FD_CLOEXEC back");
    CHECK_OK(fcntl(fd, F_SETFD, 0), "F_SETFD 0");
    CHECK_EQ(fcntl(fd, F_GETFD), 0, "FD_CLOEXEC cleared");

    /* F_GETFL returns access mode and status flags; only some bits are compared because
     * Linux also reports O_LARGEFILE, whose value differs between C libraries. */
    int fl = CHECK_OK(fcntl(fd, F_GETFL), "F_GETFL");
    CHECK_EQ(fl & O_ACCMODE, O_RDWR, "F_GETFL access mode is O_RDWR");
    CHECK_EQ(fl & (O_APPEND | O_NONBLOCK), 0, "no O_APPEND or O_NONBLOCK initially");
    /* F_SETFL: "file access mode and creation flags are ignored"; only O_APPEND, O_ASYNC,
     * O_DIRECT, O_NOATIME and O_NONBLOCK can change. */
    CHECK_OK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY), "F_SETFL O_APPEND|O_NONBLOCK");
    fl = fcntl(fd, F_GETFL);
    CHECK_EQ(fl & (O_APPEND | O_NONBLOCK), O_APPEND | O_NONBLOCK, "F_GETFL shows O_APPEND|O_NONBLOCK");
    CHECK_EQ(fl & O_ACCMODE, O_RDWR, "F_SETFL cannot change the access mode");
    d = dup(fd);
    CHECK_EQ(fcntl(d, F_GETFL) & O_APPEND, O_APPEND, "status flags are shared with a dup");
    close(d);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0, "lseek to 0");
    CHECK_EQ(write(fd, "A", 1), 1, "write with O_APPEND set by F_SETFL");
    CHECK_EQ(size_of(fd), 11, "the write went to the end");
    CHECK_OK(fcntl(fd, F_SETFL, 0), "F_SETFL 0");
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK), 0, "flags cleared");
    CHECK_ERRNO(fcntl(fd, 123456), EINVAL, "fcntl unknown command -> EINVAL");
    CHECK_ERRNO(fcntl(999, F_GETFD), EBADF, "fcntl on a closed descriptor -> EBADF");
    close(fd);
}

static void vectors(void)
{
    int fd = CHECK_OK(open("v", O_RDWR | O_CREAT | O_TRUNC, 0644), "open v");
    struct iovec w[3] = {
        {(void *)"one,", 4}, {(void *)"", 0}, {(void *)"two,three", 9},
    };
    /* writev(2): buffers are written in array order; returns the total written. */
    CHECK_EQ(writev(fd, w, 3), 13, "writev of 3 buffers (one empty)");
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 13, "writev advanced the offset");
    char a[5] = {0}, b[32] = {0};
    struct iovec r[2] = {{a, 5}, {b, sizeof b}};
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0, "rewind");
    /* readv(2): "fills iov[0] completely before proceeding to iov[1]". */
    CHECK_EQ(readv(fd, r, 2), 13, "readv into 2 buffers");
    CHECK_MEM(a, "one,t", 5, "first buffer filled completely");
    CHECK_MEM(b, "wo,three", 8, "second buffer gets the rest");
    CHECK_EQ(readv(fd, r, 0), 0, "readv with iovcnt 0 returns 0");
    /* readv(2): EINVAL when iovcnt is negative or greater than IOV_MAX (1024). */
    /* (volatile keeps the compiler from flagging the deliberately bad counts) */
    volatile int negative = -1, too_many = 1025;
    CHECK_ERRNO(readv(fd, r, negative), EINVAL, "readv negative iovcnt -> EINVAL");
    CHECK_ERRNO(writev(fd, w, too_many), EINVAL, "writev iovcnt > IOV_MAX -> EINVAL");
    close(fd);
}

static void metadata(void)
{
    struct stat st;
    CHECK_OK(check_write_file("m", "metadata"), "create m");

    /* chmod(2): the permission bits are set exactly (no umask applied). */
    CHECK_OK(chmod("m", 0600), "chmod 0600");
    CHECK_OK(stat("m", &st), "stat m");
    CHECK_EQ(st.st_mode & 07777, 0600, "mode is 0600");
    int fd = CHECK_OK(open("m", O_RDONLY), "open m");
    CHECK_OK(fchmod(fd, 0751), "fchmod 0751 on a read-only descriptor");
    CHECK_OK(fstat(fd, &st), "fstat m");
    CHECK_EQ(st.st_mode & 07777, 0751, "mode is 0751");
    CHECK_OK(fchmodat(AT_FDCWD, "m", 0644, 0), "fchmodat 0644");
    CHECK_OK(stat("m", &st), "stat m again");
    CHECK_EQ(st.st_mode & 07777, 0644, "mode is 0644");

    /* chown(2): the owner may always "change" to its own uid and one of its groups, and -1
     * leaves an id unchanged. */
    CHECK_OK(fchownat(AT_FDCWD, "m", getuid(), getgid(), 0), "fchownat to own uid/gid");
    CHECK_OK(fchown(fd, (uid_t)-1, (gid_t)-1), "fchown -1/-1 changes nothing");
    CHECK_OK(fstat(fd, &st), "fstat after chown");
    CHECK(st.st_uid == getuid() && st.st_gid == getgid(), "owner is our uid/gid");

    /* access(2): X_OK fails when no execute bit is set, even for a privileged process. */
    CHECK_OK(access("m", F_OK), "access F_OK");
    CHECK_OK(access("m", R_OK), "access R_OK");
    CHECK_ERRNO(access("m", X_OK), EACCES, "access X_OK on a 0644 file -> EACCES");
    CHECK_ERRNO(access("nope", F_OK), ENOENT, "access on a missing file -> ENOENT");
    CHECK_ERRNO(access("m", 0100), EINVAL, "access with an invalid mode -> EINVAL");
    CHECK_OK(faccessat(AT_FDCWD, "m", R_OK, AT_EACCESS), "faccessat AT_EACCESS");
    CHECK_ERRNO(faccessat(AT_FDCWD, "m", R_OK, 0x8000000), EINVAL, "faccessat unknown flag -> EINVAL");

    /* utimensat(2): explicit times are stored with nanoseconds; UTIME_OMIT leaves one alone. */
    struct timespec ts[2] = {{1000000000, 123456789}, {1200000000, 5}};
    CHECK_OK(utimensat(AT_FDCWD, "m", ts, 0), "utimensat explicit times");
    CHECK_OK(stat("m", &st), "stat after utimensat");
    CHECK(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123456789, "atime set");
    CHECK(st.st_mtim.tv_sec == 1200000000 && st.st_mtim.tv_nsec == 5, "mtime set");
    struct timespec omit[2] = {{0, UTIME_OMIT}, {1300000000, 0}};
    CHECK_OK(futimens(fd, omit), "futimens with UTIME_OMIT for atime");
    CHECK_OK(fstat(fd, &st), "fstat after futimens");
    CHECK(st.st_atim.tv_sec == 1000000000 && st.st_mtim.tv_sec == 1300000000, "UTIME_OMIT kept atime");
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    CHECK_ERRNO(utimensat(AT_FDCWD, "m", bad, 0), EINVAL, "utimensat tv_nsec out of range -> EINVAL");
    CHECK_OK(utimensat(AT_FDCWD, "m", NULL, 0), "utimensat NULL sets both to now");
    CHECK_OK(stat("m", &st), "stat after utimensat NULL");
    CHECK(st.st_mtim.tv_sec > 1600000000, "mtime is now");

    /* fstatat(2) with AT_EMPTY_PATH and an fd works like fstat. */
    CHECK_OK(fstatat(fd, "", &st, AT_EMPTY_PATH), "fstatat AT_EMPTY_PATH");
    CHECK_EQ(st.st_size, 8, "fstatat AT_EMPTY_PATH size");
    CHECK_ERRNO(fstatat(fd, "", &st, 0), ENOENT, "fstatat empty path without AT_EMPTY_PATH -> ENOENT");
    close(fd);

    /* statx(2). */
    struct conf_statx sx;
    memset(&sx, 0, sizeof sx);
    CHECK_OK(syscall(SYS_statx, AT_FDCWD, "m", 0, CONF_STATX_BASIC_STATS, &sx), "statx");
    CHECK_EQ(sx.stx_mask & (CONF_STATX_TYPE | CONF_STATX_MODE | CONF_STATX_SIZE),
             CONF_STATX_TYPE | CONF_STATX_MODE | CONF_STATX_SIZE, "statx mask has type, mode, size");
    CHECK_EQ(sx.stx_size, 8, "statx size");
    CHECK(S_ISREG(sx.stx_mode) && (sx.stx_mode & 07777) == 0644, "statx mode");
    CHECK_EQ(sx.stx_nlink, 1, "statx nlink");
    CHECK_ERRNO(syscall(SYS_statx, AT_FDCWD, "nope", 0, CONF_STATX_BASIC_STATS, &sx), ENOENT, "statx missing -> ENOENT");
}

static void directories_as_files(void)
{
    char buf[16];
    mkdir("d", 0755);
    /* read(2): EISDIR "fd refers to a directory". */
    int fd = CHECK_OK(open("d", O_RDONLY), "open a directory read-only");
    CHECK_ERRNO(read(fd, buf, sizeof buf), EISDIR, "read on a directory -> EISDIR");
    CHECK_ERRNO(write(fd, buf, 1), EBADF, "write on a read-only directory fd -> EBADF");
    close(fd);
    /* open(2): EISDIR when "pathname refers to a directory and the access requested
     * involved writing". */
    CHECK_ERRNO(open("d", O_WRONLY), EISDIR, "open a directory O_WRONLY -> EISDIR");
    CHECK_ERRNO(open("d", O_RDWR), EISDIR, "open a directory O_RDWR -> EISDIR");
    CHECK_ERRNO(open("d", O_RDONLY | O_CREAT, 0644), EISDIR, "open a directory with O_CREAT -> EISDIR");
    rmdir("d");
}

int main(void)
{
    check_enter_tmpdir("files");
    basic_io();
    dup_and_fcntl();
    vectors();
    metadata();
    directories_as_files();
    return check_finish();
}
