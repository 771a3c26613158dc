/* File permissions (path_resolution(7), open(2), unlink(2), rename(2)): an ordinary user
 * is held to the mode bits, root is not (but needs an execute bit to execute), a sticky
 * directory keeps others' files, a mount point does not move. Runs as root and checks
 * the ordinary user in a child that drops its ids. */
#define _GNU_SOURCE
#include <sys/wait.h>

#include "check.h"

static const uid_t user = 65534;

static void as_user(void)
{
    /* Files made here by root, then the user's view of them. */
    CHECK_ERRNO(open("secret", O_RDONLY), EACCES, "user: a 0600 file of root's cannot be read");
    CHECK_ERRNO(open("readonly", O_WRONLY), EACCES, "user: a 0644 file of root's cannot be written");
    CHECK_ERRNO(open("readonly", O_RDONLY | O_TRUNC), EACCES, "user: O_TRUNC needs write permission");
    int fd = CHECK_OK(open("readonly", O_RDONLY), "user: a 0644 file of root's can be read");
    if (fd >= 0) close(fd);
    CHECK_ERRNO(open("closed/inside", O_RDONLY), EACCES, "user: a path through a 0700 directory of root's is EACCES");
    CHECK_ERRNO(chdir("closed"), EACCES, "user: chdir into a 0700 directory of root's is EACCES");
    CHECK_ERRNO(mkdir("rootdir/new", 0755), EACCES, "user: mkdir in a 0755 directory of root's is EACCES");
    CHECK_ERRNO(open("rootdir/new", O_CREAT | O_WRONLY, 0644), EACCES, "user: creating a file there is EACCES");
    CHECK_ERRNO(unlink("rootdir/file"), EACCES, "user: unlink there is EACCES");
    CHECK_ERRNO(rename("rootdir/file", "shared/file"), EACCES, "user: moving a file out of it is EACCES");
    CHECK_ERRNO(truncate("readonly", 0), EACCES, "user: truncate of a file it cannot write is EACCES");
    CHECK_ERRNO(access("secret", R_OK), EACCES, "user: access R_OK of a 0600 file of root's is EACCES");
    /* A sticky, world-writable directory (as /tmp): anyone may create, only owners remove. */
    fd = CHECK_OK(open("shared/mine", O_CREAT | O_WRONLY, 0444), "user: a new file in a sticky 1777 directory");
    if (fd >= 0) {
        CHECK_EQ(write(fd, "x", 1), 1, "user: a file it just made 0444 is open for writing all the same");
        close(fd);
    }
    CHECK_ERRNO(unlink("shared/roots"), EPERM, "user: another's file in a sticky directory cannot be removed");
    CHECK_ERRNO(rename("shared/roots", "shared/taken"), EPERM, "user: nor renamed");
    CHECK_OK(rename("shared/mine", "shared/renamed"), "user: its own file there can be renamed");
    CHECK_OK(unlink("shared/renamed"), "user: and removed");
}

int main(void)
{
    char dir[] = "/tmp/wasmux-perm-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) || chmod(dir, 0755)) { perror("scratch"); return 1; }
    umask(0);
    int fd = open("secret", O_CREAT | O_WRONLY, 0600);
    close(fd);
    fd = open("readonly", O_CREAT | O_WRONLY, 0644);
    write(fd, "data", 4);
    close(fd);
    mkdir("closed", 0700);
    close(open("closed/inside", O_CREAT | O_WRONLY, 0644));
    mkdir("rootdir", 0755);
    close(open("rootdir/file", O_CREAT | O_WRONLY, 0644));
    mkdir("shared", 01777);
    close(open("shared/roots", O_CREAT | O_WRONLY, 0666));

    /* Root: the mode bits do not hold it back, except that executing needs an x bit. */
    fd = CHECK_OK(open("secret", O_RDWR), "root: a 0600 file opens for reading and writing");
    if (fd >= 0) close(fd);
    chmod("secret", 0);
    fd = CHECK_OK(open("secret", O_RDONLY), "root: so does a 0000 file");
    if (fd >= 0) close(fd);
    CHECK_ERRNO(access("secret", X_OK), EACCES, "root: access X_OK of a file with no execute bit is EACCES");
    chmod("secret", 0600);
    CHECK_ERRNO(rename("/proc", "moved"), EBUSY, "root: a mount point cannot be renamed (EBUSY)");

    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(user) || setuid(user)) _exit(100);
        as_user();
        _exit(check_failures != 0);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    /* The child printed its own lines; its status says whether any check failed. */
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the user's checks ran and passed");

    unlink("shared/roots");
    rmdir("shared");
    unlink("rootdir/file");
    rmdir("rootdir");
    unlink("closed/inside");
    rmdir("closed");
    unlink("readonly");
    unlink("secret");
    chdir("/");
    CHECK_OK(rmdir(dir), "scratch directory removed");
    return check_failures != 0;
}
