/* Data moved by the kernel: sendfile (with and without an offset), splice between a pipe
 * and a file, tee between pipes, copy_file_range, preadv/pwritev, and their errors.
 * References: sendfile(2), splice(2), tee(2), copy_file_range(2), preadv(2). */
#define _GNU_SOURCE
#include "check.h"
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

int main(void)
{
    check_enter_tmpdir("splice");
    check_write_file("src", "0123456789abcdefghij");
    int in = open("src", O_RDONLY);
    int out = open("dst", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK_EQ(sendfile(out, in, NULL, 8), 8, "sendfile from the file's offset");
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 8, "which moves");
    off_t at = 15;
    CHECK_EQ(sendfile(out, in, &at, 100), 5, "sendfile at an offset, to the end of the file");
    CHECK(at == 20 && lseek(in, 0, SEEK_CUR) == 8, "the offset given moves, the file's does not");
    close(out);
    char buf[64] = {0};
    check_read_file("dst", buf, sizeof buf);
    CHECK_STR(buf, "01234567fghij", "the bytes arrived in order");

    /* To standard output (a pipe or terminal of the host under wasmux): the line it
     * carries is this check's own "ok" line. */
    check_write_file("line", "ok: sendfile to standard output\n");
    int line = open("line", O_RDONLY);
    fflush(stdout);
    if (sendfile(1, line, NULL, 64) != 32)
        CHECK(0, "sendfile to standard output");
    close(line);

    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    at = 0;
    CHECK_EQ(sendfile(sv[0], in, &at, 20), 20, "sendfile to a socket");
    CHECK_EQ(read(sv[1], buf, sizeof buf), 20, "read from the other end");
    CHECK_ERRNO(sendfile(sv[0], sv[1], NULL, 4), EINVAL, "from a socket: EINVAL");
    close(sv[0]);
    close(sv[1]);

    int p[2];
    pipe(p);
    loff_t off = 10;
    CHECK_EQ(splice(in, &off, p[1], NULL, 6, 0), 6, "splice from a file into a pipe");
    CHECK_EQ(off, 16, "the file offset given moves");
    int q[2];
    pipe(q);
    CHECK_EQ(tee(p[0], q[1], 100, 0), 6, "tee copies what the pipe holds");
    memset(buf, 0, sizeof buf);
    CHECK_EQ(read(q[0], buf, sizeof buf), 6, "into the other pipe");
    CHECK_STR(buf, "abcdef", "the same bytes");
    int f = open("spliced", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK_EQ(splice(p[0], NULL, f, NULL, 100, 0), 6, "and they are still in the first: splice them to a file");
    close(f);
    memset(buf, 0, sizeof buf);
    check_read_file("spliced", buf, sizeof buf);
    CHECK_STR(buf, "abcdef", "written");
    CHECK_ERRNO(splice(in, NULL, f, NULL, 4, 0), EBADF, "splice to a closed descriptor: EBADF");
    int g = open("spliced", O_RDWR);
    CHECK_ERRNO(splice(in, NULL, g, NULL, 4, 0), EINVAL, "splice with no pipe: EINVAL");
    CHECK_ERRNO(splice(p[0], &off, g, NULL, 4, 0), ESPIPE, "an offset for the pipe's side: ESPIPE");
    CHECK_ERRNO(tee(p[0], g, 4, 0), EINVAL, "tee to a file: EINVAL");
    CHECK_ERRNO(tee(p[0], q[1], 4, SPLICE_F_NONBLOCK), EAGAIN, "tee of an empty pipe, non-blocking: EAGAIN");

    loff_t from = 2, to = 0;
    int h = open("copy", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK_EQ(copy_file_range(in, &from, h, &to, 5, 0), 5, "copy_file_range");
    CHECK(from == 7 && to == 5, "both offsets given move");
    CHECK_EQ(copy_file_range(in, NULL, h, NULL, 3, 0), 3, "from the files' own offsets");
    memset(buf, 0, sizeof buf);
    pread(h, buf, sizeof buf - 1, 0);
    CHECK_STR(buf, "89a56", "the second copy over the first: the output's own offset was 0");
    CHECK_EQ(lseek(h, 0, SEEK_CUR), 3, "the second at the output's offset, which moved");
    CHECK_ERRNO(copy_file_range(in, NULL, h, NULL, 3, 1), EINVAL, "flags: EINVAL");
    CHECK_ERRNO(copy_file_range(in, NULL, p[1], NULL, 3, 0), EINVAL, "to a pipe: EINVAL");
    loff_t s1 = 0, s2 = 2;
    CHECK_ERRNO(copy_file_range(h, &s1, h, &s2, 4, 0), EINVAL, "overlapping ranges of one file: EINVAL");

    struct iovec iov[2] = {{"xy", 2}, {"z", 1}};
    CHECK_EQ(pwritev(h, iov, 2, 10), 3, "pwritev");
    char a[2], b[2];
    struct iovec rd[2] = {{a, 2}, {b, 1}};
    CHECK_EQ(preadv(h, rd, 2, 10), 3, "preadv");
    CHECK(a[0] == 'x' && a[1] == 'y' && b[0] == 'z', "the bytes in their buffers");
    CHECK_EQ(lseek(h, 0, SEEK_CUR), 3, "neither moves the offset");
    CHECK_ERRNO(preadv(p[0], rd, 2, 0), ESPIPE, "preadv on a pipe: ESPIPE");
    CHECK_ERRNO(preadv(h, rd, 2, -1), EINVAL, "a negative offset: EINVAL");
    return check_finish();
}
