/* File locks between processes: POSIX record locks (conflicts, F_GETLK's answer, shared
 * read locks, F_SETLKW waiting for a release, EDEADLK, release on any close and on exit,
 * no inheritance across fork), open-file-description locks, flock, and their errors.
 * References: fcntl(2) "Advisory record locking" and "Open file description locks",
 * flock(2), fs/locks.c. */
#define _GNU_SOURCE
#include "check.h"
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>

static int lock(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &fl);
}

/* Runs f(fd) in a child that opens the file itself; returns its exit status. */
static int in_child(int (*f)(int))
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("data", O_RDWR);
        _exit(f(fd));
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

static int getlk_sees_parent(int fd)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
    if (fcntl(fd, F_GETLK, &fl) != 0) return 1;
    if (fl.l_type != F_WRLCK || fl.l_start != 0 || fl.l_len != 10 || fl.l_pid != getppid()) return 2;
    if (lock(fd, F_SETLK, F_WRLCK, 5, 1) == 0 || errno != EAGAIN) return 3;
    if (lock(fd, F_SETLK, F_WRLCK, 10, 10) != 0) return 4; /* next to it: free */
    return 0;
}

static int read_shared(int fd)
{
    if (lock(fd, F_SETLK, F_RDLCK, 0, 100) != 0) return 1;
    if (lock(fd, F_SETLK, F_WRLCK, 0, 100) == 0 || errno != EAGAIN) return 2;
    return 0;
}

static int can_lock(int fd) { return lock(fd, F_SETLK, F_WRLCK, 0, 0) == 0 ? 0 : 1; }

static int wait_for_release(int fd)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (lock(fd, F_SETLKW, F_WRLCK, 0, 10) != 0) return 1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    return ms >= 50 ? 0 : 2;
}

static void posix_locks(void)
{
    int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0600);
    write(fd, "0123456789abcdefghij", 20);
    CHECK_OK(lock(fd, F_SETLK, F_WRLCK, 0, 10), "F_SETLK a write lock on [0, 10)");
    CHECK_EQ(in_child(getlk_sees_parent), 0, "another process: F_GETLK names it, F_SETLK gets EAGAIN, the rest is free");
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    fcntl(fd, F_GETLK, &fl);
    CHECK_EQ(fl.l_type, F_UNLCK, "F_GETLK of one's own lock: F_UNLCK");
    CHECK_OK(lock(fd, F_SETLK, F_RDLCK, 0, 10), "one's own lock converts");
    CHECK_OK(lock(fd, F_SETLK, F_UNLCK, 0, 0), "unlock all");
    CHECK_OK(lock(fd, F_SETLK, F_RDLCK, 0, 100), "a read lock");
    CHECK_EQ(in_child(read_shared), 0, "another read lock shares it, a write lock does not");
    lock(fd, F_SETLK, F_UNLCK, 0, 0);

    /* F_SETLKW waits for the holder's release. */
    lock(fd, F_SETLK, F_WRLCK, 0, 10);
    pid_t pid = fork();
    if (pid == 0) {
        int cfd = open("data", O_RDWR);
        _exit(wait_for_release(cfd));
    }
    usleep(100000);
    lock(fd, F_SETLK, F_UNLCK, 0, 10);
    int status;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "F_SETLKW waits until the lock is released");

    /* A cycle: EDEADLK for the wait that would close it. */
    int go[2], ready[2];
    pipe(go);
    pipe(ready);
    lock(fd, F_SETLK, F_WRLCK, 0, 1);
    pid = fork();
    if (pid == 0) {
        int cfd = open("data", O_RDWR);
        lock(cfd, F_SETLK, F_WRLCK, 1, 1);
        write(ready[1], "r", 1);
        /* waits for the parent's [0, 1) */
        _exit(lock(cfd, F_SETLKW, F_WRLCK, 0, 1) == 0 ? 0 : 1);
    }
    char c;
    read(ready[0], &c, 1);
    usleep(100000); /* the child is asleep in F_SETLKW */
    CHECK_ERRNO(lock(fd, F_SETLKW, F_WRLCK, 1, 1), EDEADLK, "a wait that closes a cycle: EDEADLK");
    lock(fd, F_SETLK, F_UNLCK, 0, 1);
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the other then gets its lock");

    /* Closing any descriptor of the file releases the process's locks. */
    lock(fd, F_SETLK, F_WRLCK, 0, 0);
    CHECK_EQ(in_child(can_lock), 1, "held: another process cannot lock");
    int other = open("data", O_RDONLY);
    close(other);
    CHECK_EQ(in_child(can_lock), 0, "closing another descriptor of the file released it");

    /* A lock goes with its process, and fork does not share it. */
    pid = fork();
    if (pid == 0) {
        int cfd = open("data", O_RDWR);
        lock(cfd, F_SETLK, F_WRLCK, 0, 0);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    CHECK_OK(lock(fd, F_SETLK, F_WRLCK, 0, 0), "a process's locks go when it ends");
    pid = fork();
    if (pid == 0)
        _exit(lock(fd, F_SETLK, F_WRLCK, 0, 0) == -1 && errno == EAGAIN ? 0 : 1);
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a child of fork does not inherit them");
    lock(fd, F_SETLK, F_UNLCK, 0, 0);

    /* Errors */
    CHECK_ERRNO(lock(fd, F_SETLK, 7, 0, 1), EINVAL, "an unknown lock type: EINVAL");
    struct flock bad = {.l_type = F_RDLCK, .l_whence = 9};
    CHECK_ERRNO(fcntl(fd, F_SETLK, &bad), EINVAL, "an unknown whence: EINVAL");
    CHECK_ERRNO(lock(fd, F_SETLK, F_RDLCK, -5, 1), EINVAL, "a negative start: EINVAL");
    int wo = open("data", O_WRONLY);
    CHECK_ERRNO(lock(wo, F_SETLK, F_RDLCK, 0, 1), EBADF, "a read lock on a write-only descriptor: EBADF");
    close(wo);
    close(fd);
}

static void ofd_and_flock(void)
{
    int a = open("data", O_RDWR), b = open("data", O_RDWR);
    CHECK_OK(lock(a, F_OFD_SETLK, F_WRLCK, 0, 10), "F_OFD_SETLK");
    CHECK_ERRNO(lock(b, F_OFD_SETLK, F_WRLCK, 5, 1), EAGAIN, "another description of the same process conflicts");
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
    fcntl(b, F_OFD_GETLK, &fl);
    CHECK(fl.l_type == F_WRLCK && fl.l_pid == -1, "F_OFD_GETLK: the holder's pid is -1");
    CHECK_ERRNO(lock(b, F_SETLK, F_WRLCK, 0, 1), EAGAIN, "OFD and POSIX locks conflict");
    struct flock withpid = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_pid = 1};
    CHECK_ERRNO(fcntl(a, F_OFD_SETLK, &withpid), EINVAL, "F_OFD_SETLK with l_pid set: EINVAL");
    close(a);
    CHECK_OK(lock(b, F_OFD_SETLK, F_WRLCK, 0, 10), "the description's close released it");
    close(b);

    a = open("data", O_RDWR);
    b = open("data", O_RDWR);
    CHECK_OK(flock(a, LOCK_EX), "flock LOCK_EX");
    CHECK_ERRNO(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK, "another description: EWOULDBLOCK");
    int d = dup(a);
    CHECK_OK(flock(d, LOCK_EX | LOCK_NB), "a dup shares the lock");
    CHECK_OK(lock(b, F_SETLK, F_WRLCK, 0, 0), "flock and fcntl locks do not see each other");
    lock(b, F_SETLK, F_UNLCK, 0, 0);
    pid_t pid = fork();
    if (pid == 0) {
        int c = open("data", O_RDWR);
        _exit(flock(c, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "another process cannot share an exclusive flock");
    CHECK_OK(flock(a, LOCK_SH), "convert to shared");
    CHECK_OK(flock(b, LOCK_SH | LOCK_NB), "then another may share it");
    CHECK_ERRNO(flock(a, 0), EINVAL, "flock with no operation: EINVAL");
    close(a);
    close(d);
    close(b);
}

int main(void)
{
    check_enter_tmpdir("locks");
    posix_locks();
    ofd_and_flock();
    return check_finish();
}
