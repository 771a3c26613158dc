/* Shared helpers for the wasmux conformance programs.
 *
 * Every program is built twice, natively (gcc + glibc) and for wasm (bin/wasmux-cc + musl),
 * and must print the same lines in both. Native Linux is the ground truth, so:
 *   - each check prints exactly one line, "ok: <desc>" or "FAIL: <desc>: <detail>";
 *     the NAME.expected files hold only "ok:" lines, so a failure shows up as a diff;
 *   - descriptions never contain pids, times, inode numbers, addresses or temp-dir names;
 *   - errno values are printed by symbolic name from the table below, never with strerror()
 *     (glibc and musl word their messages differently).
 *
 * The macros use GNU statement expressions (supported by gcc and clang) so that the ones
 * wrapping a call also yield the call's result, e.g. `int fd = CHECK_OK(open(...), "...");`.
 * Programs must define _GNU_SOURCE before including this header.
 */
#ifndef WASMUX_CONFORMANCE_CHECK_H
#define WASMUX_CONFORMANCE_CHECK_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_failures;

/* Symbolic errno names. Only names whose values are distinct on Linux are listed (EAGAIN
 * and EWOULDBLOCK, EDEADLK and EDEADLOCK, EOPNOTSUPP and ENOTSUP share a value there). */
static const struct { int value; const char *name; } check_errno_names[] = {
    {0, "0"},
    {EPERM, "EPERM"}, {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"}, {EINTR, "EINTR"},
    {EIO, "EIO"}, {ENXIO, "ENXIO"}, {E2BIG, "E2BIG"}, {ENOEXEC, "ENOEXEC"},
    {EBADF, "EBADF"}, {ECHILD, "ECHILD"}, {EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"},
    {EACCES, "EACCES"}, {EFAULT, "EFAULT"}, {EBUSY, "EBUSY"}, {EEXIST, "EEXIST"},
    {EXDEV, "EXDEV"}, {ENODEV, "ENODEV"}, {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"},
    {EINVAL, "EINVAL"}, {ENFILE, "ENFILE"}, {EMFILE, "EMFILE"}, {ENOTTY, "ENOTTY"},
    {ETXTBSY, "ETXTBSY"}, {EFBIG, "EFBIG"}, {ENOSPC, "ENOSPC"}, {ESPIPE, "ESPIPE"},
    {EROFS, "EROFS"}, {EMLINK, "EMLINK"}, {EPIPE, "EPIPE"}, {EDOM, "EDOM"},
    {ERANGE, "ERANGE"}, {EDEADLK, "EDEADLK"}, {ENAMETOOLONG, "ENAMETOOLONG"},
    {ENOLCK, "ENOLCK"}, {ENOSYS, "ENOSYS"}, {ENOTEMPTY, "ENOTEMPTY"}, {ELOOP, "ELOOP"},
    {EOVERFLOW, "EOVERFLOW"}, {EOPNOTSUPP, "EOPNOTSUPP"}, {ENOTSOCK, "ENOTSOCK"},
    {ETIMEDOUT, "ETIMEDOUT"}, {EALREADY, "EALREADY"}, {EINPROGRESS, "EINPROGRESS"},
    {ECANCELED, "ECANCELED"}, {EILSEQ, "EILSEQ"},
    {EADDRINUSE, "EADDRINUSE"}, {EADDRNOTAVAIL, "EADDRNOTAVAIL"}, {ECONNREFUSED, "ECONNREFUSED"},
    {ECONNRESET, "ECONNRESET"}, {ECONNABORTED, "ECONNABORTED"}, {ENOTCONN, "ENOTCONN"},
    {EISCONN, "EISCONN"}, {EPROTONOSUPPORT, "EPROTONOSUPPORT"}, {ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT"},
    {EAFNOSUPPORT, "EAFNOSUPPORT"}, {ENOPROTOOPT, "ENOPROTOOPT"}, {EPROTOTYPE, "EPROTOTYPE"},
    {EMSGSIZE, "EMSGSIZE"}, {EDESTADDRREQ, "EDESTADDRREQ"}, {ENETUNREACH, "ENETUNREACH"},
    {EHOSTUNREACH, "EHOSTUNREACH"},
};

static inline const char *errname(int e)
{
    static char other[32];
    for (size_t i = 0; i < sizeof check_errno_names / sizeof check_errno_names[0]; i++)
        if (check_errno_names[i].value == e)
            return check_errno_names[i].name;
    snprintf(other, sizeof other, "errno %d", e);
    return other;
}

/* Output is flushed line by line so that a crash or a hang still shows how far we got. */
static inline void check_pass(const char *desc)
{
    printf("ok: %s\n", desc);
    fflush(stdout);
}

static inline void check_fail(const char *desc, const char *fmt, ...)
{
    va_list ap;
    check_failures++;
    printf("FAIL: %s: ", desc);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* CHECK(cond, desc): cond must be true. */
#define CHECK(cond, desc) do {                                                  \
        int c_ok_ = !!(cond);                                                  \
        int c_err_ = errno;                                                    \
        if (c_ok_) check_pass(desc);                                           \
        else check_fail(desc, "false: %s (errno %s)", #cond, errname(c_err_)); \
    } while (0)

/* CHECK_OK(call, desc): call must return a value >= 0; yields that value. */
#define CHECK_OK(call, desc) ({                                                 \
        errno = 0;                                                             \
        long long c_r_ = (long long)(call);                                    \
        int c_err_ = errno;                                                    \
        if (c_r_ >= 0) check_pass(desc);                                       \
        else check_fail(desc, "%s returned %lld, errno %s", #call, c_r_,       \
                        errname(c_err_));                                      \
        c_r_;                                                                  \
    })

/* CHECK_ERRNO(call, E, desc): call must return -1 with errno == E; yields the result. */
#define CHECK_ERRNO(call, E, desc) ({                                           \
        errno = 0;                                                             \
        long long c_r_ = (long long)(call);                                    \
        int c_err_ = errno;                                                    \
        if (c_r_ == -1 && c_err_ == (E)) check_pass(desc);                     \
        else check_fail(desc, "expected -1 with %s, got %lld with errno %s",   \
                        errname(E), c_r_, errname(c_err_));                    \
        c_r_;                                                                  \
    })

/* CHECK_NULL_ERRNO(call, E, desc): a pointer-returning call must return NULL, errno == E. */
#define CHECK_NULL_ERRNO(call, E, desc) do {                                    \
        errno = 0;                                                             \
        const void *c_p_ = (call);                                             \
        int c_err_ = errno;                                                    \
        if (c_p_ == NULL && c_err_ == (E)) check_pass(desc);                   \
        else check_fail(desc, "expected NULL with %s, got %s with errno %s",   \
                        errname(E), c_p_ ? "non-NULL" : "NULL", errname(c_err_)); \
    } while (0)

/* CHECK_EQ(actual, expected, desc): integer equality; both values shown on failure. */
#define CHECK_EQ(actual, expected, desc) do {                                   \
        long long c_a_ = (long long)(actual), c_e_ = (long long)(expected);    \
        int c_err_ = errno;                                                    \
        if (c_a_ == c_e_) check_pass(desc);                                    \
        else check_fail(desc, "%s is %lld (0x%llx), expected %lld (0x%llx), errno %s", \
                        #actual, c_a_, (unsigned long long)c_a_, c_e_,         \
                        (unsigned long long)c_e_, errname(c_err_));            \
    } while (0)

/* CHECK_STR(actual, expected, desc): string equality (actual may be NULL). */
#define CHECK_STR(actual, expected, desc) do {                                  \
        const char *c_a_ = (actual), *c_e_ = (expected);                       \
        if (c_a_ && strcmp(c_a_, c_e_) == 0) check_pass(desc);                 \
        else check_fail(desc, "got \"%s\", expected \"%s\"",                   \
                        c_a_ ? c_a_ : "(null)", c_e_);                         \
    } while (0)

/* CHECK_MEM(actual, expected, len, desc): byte equality of len bytes. */
#define CHECK_MEM(actual, expected, len, desc) do {                             \
        if (memcmp((actual), (expected), (len)) == 0) check_pass(desc);        \
        else check_fail(desc, "bytes differ from \"%.*s\"", (int)(len),        \
                        (const char *)(expected));                             \
    } while (0)

/* Returns 1 when all n bytes at p equal c. */
static inline int check_all_bytes(const void *p, size_t n, unsigned char c)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != c)
            return 0;
    return 1;
}

/* Writes a small file with the given contents; returns 0 or -1. */
static inline int check_write_file(const char *path, const char *contents)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    size_t n = strlen(contents);
    ssize_t w = write(fd, contents, n);
    close(fd);
    return w == (ssize_t)n ? 0 : -1;
}

/* Reads up to size-1 bytes of a file into buf (NUL-terminated); returns the length or -1. */
static inline ssize_t check_read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t r = read(fd, buf, size - 1);
    close(fd);
    buf[r < 0 ? 0 : r] = '\0';
    return r;
}

/* Recursively removes path (does not follow symlinks). Used only for clean-up. */
static inline void check_rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                size_t len = strlen(path) + strlen(e->d_name) + 2;
                char *child = malloc(len);
                if (!child)
                    break;
                snprintf(child, len, "%s/%s", path, e->d_name);
                check_rm_rf(child);
                free(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* The scratch directory each program works in (created under /tmp by mkdtemp). */
static char check_tmpdir[64];

/* Creates a fresh scratch directory and makes it the working directory. Exits on failure,
 * since no check can mean anything without it. */
static inline void check_enter_tmpdir(const char *prog)
{
    snprintf(check_tmpdir, sizeof check_tmpdir, "/tmp/wasmux-%s-XXXXXX", prog);
    if (mkdtemp(check_tmpdir) == NULL || chdir(check_tmpdir) != 0) {
        printf("FAIL: set-up: cannot create and enter a scratch directory under /tmp: %s\n",
               errname(errno));
        exit(2);
    }
}

/* Leaves and removes the scratch directory; returns the exit status for main(). */
static inline int check_finish(void)
{
    if (check_tmpdir[0]) {
        if (chdir("/") != 0)
            check_fail("clean-up", "chdir(\"/\") failed with %s", errname(errno));
        check_rm_rf(check_tmpdir);
        struct stat st;
        if (lstat(check_tmpdir, &st) == 0)
            check_fail("scratch directory removed", "it still exists");
        else
            check_pass("scratch directory removed");
    }
    fflush(stdout);
    return check_failures ? 1 : 0;
}

#endif
