/* FIFOs: mkfifo and mknod, open's waits for the other side, O_NONBLOCK opens (ENXIO for a
 * writer without a reader), O_RDWR, data through the file system name, POLLHUP only after
 * a writer has come, data gone when nobody has the FIFO open, and mknod's errors.
 * References: fifo(7), mkfifo(3), mknod(2), pipe(7), fs/pipe.c fifo_open, fs/namei.c. */
#define _GNU_SOURCE
#include "check.h"
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

static short revents(int fd, short events)
{
    struct pollfd p = {fd, events, 0};
    poll(&p, 1, 0);
    return p.revents;
}

int main(void)
{
    check_enter_tmpdir("fifos");
    umask(022);
    CHECK_OK(mkfifo("f", 0666), "mkfifo");
    struct stat st;
    stat("f", &st);
    CHECK(S_ISFIFO(st.st_mode), "stat: a FIFO");
    CHECK_EQ(st.st_mode & 0777, 0644, "its mode less the umask");
    CHECK_ERRNO(mkfifo("f", 0600), EEXIST, "mkfifo over an existing name: EEXIST");

    /* Non-blocking opens: a reader alone is fine, a writer alone is ENXIO. */
    CHECK_ERRNO(open("f", O_WRONLY | O_NONBLOCK), ENXIO, "O_WRONLY|O_NONBLOCK without a reader: ENXIO");
    int r = CHECK_OK(open("f", O_RDONLY | O_NONBLOCK), "O_RDONLY|O_NONBLOCK without a writer opens");
    char buf[16];
    CHECK_EQ(read(r, buf, sizeof buf), 0, "a read with no writer: end of file");
    CHECK_EQ(revents(r, POLLIN), 0, "no POLLHUP before any writer came");
    int w = CHECK_OK(open("f", O_WRONLY | O_NONBLOCK), "with a reader, O_WRONLY|O_NONBLOCK opens");
    struct stat fst;
    fstat(w, &fst);
    CHECK(S_ISFIFO(fst.st_mode) && fst.st_ino == st.st_ino, "fstat describes the FIFO's inode");
    CHECK_ERRNO(read(r, buf, sizeof buf), EAGAIN, "empty with a writer: EAGAIN");
    CHECK_EQ(write(w, "abc", 3), 3, "a write");
    CHECK_EQ(revents(r, POLLIN), POLLIN, "readable");
    CHECK_EQ(read(r, buf, sizeof buf), 3, "the bytes come out of the other descriptor");
    close(w);
    CHECK_EQ(revents(r, POLLIN), POLLHUP, "the writer gone: POLLHUP");
    close(r);

    /* A blocking reader waits for a writer (here a child that writes and goes). */
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        int cw = open("f", O_WRONLY);
        write(cw, "hello", 5);
        _exit(0);
    }
    r = CHECK_OK(open("f", O_RDONLY), "a blocking O_RDONLY open waits for a writer");
    ssize_t n = read(r, buf, sizeof buf);
    CHECK_EQ(n, 5, "and reads what it wrote");
    CHECK_EQ(read(r, buf, sizeof buf), 0, "then end of file");
    close(r);
    waitpid(child, NULL, 0);

    /* A blocking writer waits for a reader. */
    child = fork();
    if (child == 0) {
        usleep(50000);
        int cr = open("f", O_RDONLY);
        char c[8];
        ssize_t got = read(cr, c, sizeof c);
        _exit(got == 2 && c[0] == 'o' ? 0 : 1);
    }
    w = CHECK_OK(open("f", O_WRONLY), "a blocking O_WRONLY open waits for a reader");
    write(w, "ok", 2);
    close(w);
    int status = -1;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the reader got the bytes");

    /* O_RDWR never waits; the data goes when the last descriptor does. */
    int rw = CHECK_OK(open("f", O_RDWR), "O_RDWR opens at once");
    CHECK_EQ(revents(rw, POLLIN | POLLOUT), POLLOUT, "O_RDWR: writable, not readable");
    write(rw, "x", 1);
    CHECK_EQ(revents(rw, POLLIN | POLLOUT), POLLIN | POLLOUT, "readable after a write");
    close(rw);
    rw = open("f", O_RDWR | O_NONBLOCK);
    CHECK_ERRNO(read(rw, buf, 1), EAGAIN, "data left when nobody had it open is gone");
    close(rw);

    /* mknod */
    CHECK_OK(mknod("m", S_IFIFO | 0600, 0), "mknod S_IFIFO");
    stat("m", &st);
    CHECK(S_ISFIFO(st.st_mode), "a FIFO too");
    CHECK_OK(mknod("reg", 0600, 0), "mknod with no type: a regular file");
    stat("reg", &st);
    CHECK(S_ISREG(st.st_mode) && st.st_size == 0, "an empty regular file");
    CHECK_OK(mknod("sock", S_IFSOCK | 0600, 0), "mknod S_IFSOCK");
    stat("sock", &st);
    CHECK(S_ISSOCK(st.st_mode), "a socket node");
    CHECK_ERRNO(open("sock", O_RDONLY), ENXIO, "opening a socket node: ENXIO");
    CHECK_ERRNO(mknod("d", S_IFDIR | 0700, 0), EPERM, "mknod S_IFDIR: EPERM");
    CHECK_ERRNO(mknod("bad", 0170000 | 0600, 0), EINVAL, "mknod of an unknown type: EINVAL");
    CHECK_ERRNO(mknod("m", S_IFIFO | 0600, 0), EEXIST, "mknod over an existing name: EEXIST");
    CHECK_ERRNO(mknod("slash/", S_IFIFO | 0600, 0), ENOENT, "mknod with a trailing slash: ENOENT");
    CHECK_ERRNO(mknod("none/m", S_IFIFO | 0600, 0), ENOENT, "mknod in a missing directory: ENOENT");
    CHECK_OK(unlink("f"), "unlink a FIFO");
    return check_finish();
}
