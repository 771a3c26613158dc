/* posix_spawn / posix_spawnp, waitpid / waitid, process groups and sessions, orphans.
 * The program spawns itself (argv[0]) with a role argument to play each child. */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

extern char **environ;
static const char *self;

/* ---- child roles ---- */

static int child_main(int argc, char **argv)
{
    const char *role = argv[1];
    if (strcmp(role, "exit") == 0) return atoi(argv[2]);
    if (strcmp(role, "say") == 0) {
        /* stdout was redirected by a dup2 file action */
        printf("%s\n", argv[2]);
        return 0;
    }
    if (strcmp(role, "write-fd") == 0) {
        /* the O_EXCL file opened by the file action is fd 5 */
        const char *msg = "written by the child\n";
        return write(5, msg, strlen(msg)) == (ssize_t)strlen(msg) ? 0 : 3;
    }
    if (strcmp(role, "wait-eof") == 0) {
        char c;
        while (read(0, &c, 1) > 0) {}
        return 4;
    }
    if (strcmp(role, "ids") == 0) {
        pid_t me = getpid();
        printf("%d %d\n", getsid(0) == me, getpgid(0) == me);
        return 0;
    }
    if (strcmp(role, "cwd") == 0) {
        char buf[4096];
        if (!getcwd(buf, sizeof buf)) return 5;
        const char *base = strrchr(buf, '/');
        printf("%s\n", base ? base + 1 : buf);
        return 0;
    }
    if (strcmp(role, "parent-of-orphan") == 0) {
        /* Spawn a grandchild that reports whether it was re-parented once we are gone. */
        char me[32];
        snprintf(me, sizeof me, "%d", (int)getpid());
        char *args[] = {(char *)self, "orphan", me, NULL};
        pid_t pid;
        if (posix_spawn(&pid, self, NULL, NULL, args, environ) != 0) return 6;
        return 0; /* exit at once: the grandchild becomes an orphan */
    }
    if (strcmp(role, "orphan") == 0) {
        pid_t original = (pid_t)atoi(argv[2]); /* getppid() may already have changed */
        struct timespec pause = {0, 2000000};
        for (int i = 0; i < 2500 && getppid() == original; i++) nanosleep(&pause, NULL);
        printf("%s\n", getppid() != original ? "reparented" : "still attached");
        return 0;
    }
    (void)argc;
    return 99;
}

/* ---- helpers ---- */

static int spawn_wait(char *const args[], const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr)
{
    pid_t pid;
    int err = posix_spawn(&pid, self, fa, attr, args, environ);
    if (err) return -err;
    int status;
    if (waitpid(pid, &status, 0) != pid) return -1000;
    return status;
}

/* Spawns self with args, stdout into a pipe, and returns what it printed (one line). */
static void run_capture(char *const args[], posix_spawnattr_t *attr, char *out, size_t size)
{
    int p[2];
    out[0] = 0;
    if (pipe(p)) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    pid_t pid;
    if (posix_spawn(&pid, self, &fa, attr, args, environ) == 0) {
        close(p[1]);
        size_t got = 0;
        ssize_t n;
        while (got < size - 1 && (n = read(p[0], out + got, size - 1 - got)) > 0) got += (size_t)n;
        out[got] = 0;
        if (got && out[got - 1] == '\n') out[got - 1] = 0;
        waitpid(pid, NULL, 0);
    } else {
        close(p[1]);
    }
    close(p[0]);
    posix_spawn_file_actions_destroy(&fa);
}

int main(int argc, char **argv)
{
    self = argv[0];
    if (argc > 1) return child_main(argc, argv);

    char dir[] = "/tmp/wasmux-spawn-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    if (chdir(dir)) { perror("chdir"); return 1; }
    char buf[256];

    /* posix_spawn(3) and waitpid(2): the exit status comes back intact. */
    {
        char *args[] = {(char *)self, "exit", "7", NULL};
        int st = spawn_wait(args, NULL, NULL);
        CHECK(st >= 0 && WIFEXITED(st), "spawned child exits normally");
        CHECK_EQ(WEXITSTATUS(st), 7, "exit status 7 reaches waitpid");
    }

    /* dup2 file action: the child's stdout is the pipe. */
    {
        char *args[] = {(char *)self, "say", "hello through a pipe", NULL};
        run_capture(args, NULL, buf, sizeof buf);
        CHECK_STR(buf, "hello through a pipe", "child output through a dup2'd pipe");
    }

    /* posix_spawnp with two dead PATH entries first, and an O_EXCL create among the file
     * actions: the actions run exactly once, for the candidate that is run. */
    {
        char path_env[4096];
        const char *slash = strrchr(self, '/');
        snprintf(path_env, sizeof path_env, "/nonexistent-a:/nonexistent-b:%.*s", (int)(slash - self), self);
        char *old_path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
        setenv("PATH", path_env, 1);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 5, "excl-file", O_WRONLY | O_CREAT | O_EXCL, 0644);
        char *args[] = {(char *)(slash + 1), "write-fd", NULL};
        pid_t pid;
        int err = posix_spawnp(&pid, slash + 1, &fa, NULL, args, environ);
        CHECK_EQ(err, 0, "posix_spawnp finds the program after two dead PATH entries");
        int st = 0;
        if (!err) waitpid(pid, &st, 0);
        CHECK(!err && WIFEXITED(st) && WEXITSTATUS(st) == 0, "the O_EXCL open action ran once (no EEXIST)");
        int fd = open("excl-file", O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        if (fd >= 0) close(fd);
        buf[n > 0 ? n : 0] = 0;
        CHECK_STR(buf, "written by the child\n", "the child wrote through the opened descriptor");
        if (old_path) { setenv("PATH", old_path, 1); free(old_path); } else unsetenv("PATH");
        posix_spawn_file_actions_destroy(&fa);
        unlink("excl-file");
    }

    /* Errors come back from posix_spawn itself (posix_spawn(3) RETURN VALUE). */
    {
        char *args[] = {"x", NULL};
        pid_t pid;
        CHECK_EQ(posix_spawn(&pid, "/nonexistent/program", NULL, NULL, args, environ), ENOENT, "missing program -> ENOENT");
        int fd = open("plain", O_WRONLY | O_CREAT, 0644);
        if (fd >= 0) { write(fd, "not a program\n", 14); close(fd); }
        CHECK_EQ(posix_spawn(&pid, "./plain", NULL, NULL, args, environ), EACCES, "non-executable file -> EACCES");
        chmod("plain", 0755);
        CHECK_EQ(posix_spawn(&pid, "./plain", NULL, NULL, args, environ), ENOEXEC, "executable text without #! -> ENOEXEC");
        unlink("plain");
        fd = open("module", O_WRONLY | O_CREAT, 0755);
        if (fd >= 0) { write(fd, "\0asm\1\0\0\0", 8); close(fd); }
        CHECK_EQ(posix_spawn(&pid, "./module", NULL, NULL, args, environ), ENOEXEC, "a foreign wasm module -> ENOEXEC, no child");
        errno = 0;
        CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD, "no child after the foreign module");
        unlink("module");
        CHECK_EQ(posix_spawnp(&pid, "no-such-program-anywhere", NULL, NULL, args, environ), ENOENT, "posix_spawnp of an unknown name -> ENOENT");
    }

    /* A failing file action fails the spawn and no child is left behind. */
    {
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 3, "/nonexistent/dir/file", O_RDONLY, 0);
        char *args[] = {(char *)self, "exit", "0", NULL};
        pid_t pid;
        int err = posix_spawn(&pid, self, &fa, NULL, args, environ);
        if (err == 0) waitpid(pid, NULL, 0); /* (a child that ran despite the failure) */
        /* posix_spawn(3): the error of a failed file action is posix_spawn's result (glibc
         * since 2.24 and musl report it so, not through a child exiting 127). */
        CHECK_EQ(err, ENOENT, "a failing open action is reported as posix_spawn's ENOENT");
        errno = 0;
        CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD, "no child is left after the failed spawn");
        posix_spawn_file_actions_destroy(&fa);
    }

    /* chdir file action (posix_spawn_file_actions_addchdir_np in glibc, addchdir in musl). */
    {
        mkdir("sub", 0755);
        int p[2];
        pipe(p);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, p[1], 1);
        posix_spawn_file_actions_addchdir_np(&fa, "sub");
        char *args[] = {(char *)self, "cwd", NULL};
        pid_t pid;
        buf[0] = 0;
        if (posix_spawn(&pid, self, &fa, NULL, args, environ) == 0) {
            close(p[1]);
            ssize_t n = read(p[0], buf, sizeof buf - 1);
            buf[n > 0 ? n - 1 : 0] = 0;
            waitpid(pid, NULL, 0);
        }
        close(p[0]);
        CHECK_STR(buf, "sub", "chdir action moves only the child");
        char here[4096];
        CHECK(getcwd(here, sizeof here) && strcmp(strrchr(here, '/') + 1, "sub") != 0, "the parent stays where it was");
        rmdir("sub");
        posix_spawn_file_actions_destroy(&fa);
    }

    /* Attributes: POSIX_SPAWN_SETSID makes a session leader; SETPGROUP 0 a group leader. */
    {
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
        char *args[] = {(char *)self, "ids", NULL};
        run_capture(args, &attr, buf, sizeof buf);
        CHECK_STR(buf, "1 1", "SETSID: the child leads a new session and group");
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, 0);
        run_capture(args, &attr, buf, sizeof buf);
        CHECK_STR(buf, "0 1", "SETPGROUP 0: the child leads a new group in our session");
        posix_spawnattr_destroy(&attr);
    }

    /* waitpid WNOHANG while the child runs; waitid WNOWAIT leaves the zombie. */
    {
        int p[2];
        pipe(p);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, p[0], 0);
        posix_spawn_file_actions_addclose(&fa, p[1]);
        char *args[] = {(char *)self, "wait-eof", NULL};
        pid_t pid;
        int err = posix_spawn(&pid, self, &fa, NULL, args, environ);
        close(p[0]);
        CHECK_EQ(err, 0, "spawn a child that waits for EOF");
        CHECK_EQ(waitpid(pid, NULL, WNOHANG), 0, "WNOHANG while the child runs returns 0");
        siginfo_t si;
        memset(&si, 0xff, sizeof si);
        CHECK_EQ(waitid(P_PID, pid, &si, WEXITED | WNOHANG), 0, "waitid WNOHANG while it runs");
        CHECK_EQ(si.si_pid, 0, "and si_pid reads 0");
        close(p[1]);
        memset(&si, 0, sizeof si);
        CHECK_EQ(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0, "waitid WNOWAIT after EOF");
        CHECK(si.si_pid == pid && si.si_signo == SIGCHLD && si.si_code == CLD_EXITED && si.si_status == 4,
              "siginfo: SIGCHLD, CLD_EXITED, status 4, the child's pid");
        int st = 0;
        CHECK_EQ(waitpid(pid, &st, 0), pid, "the zombie is still there for waitpid");
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4, "with the same status");
        CHECK_ERRNO(waitpid(pid, NULL, 0), ECHILD, "and then it is gone");
        posix_spawn_file_actions_destroy(&fa);
    }

    /* waitpid(-1) reaps any child; with none left, ECHILD. */
    {
        char *a3[] = {(char *)self, "exit", "3", NULL};
        char *a5[] = {(char *)self, "exit", "5", NULL};
        pid_t p1, p2;
        posix_spawn(&p1, self, NULL, NULL, a3, environ);
        posix_spawn(&p2, self, NULL, NULL, a5, environ);
        int sum = 0, st;
        for (int i = 0; i < 2; i++)
            if (waitpid(-1, &st, 0) > 0 && WIFEXITED(st)) sum += WEXITSTATUS(st);
        CHECK_EQ(sum, 8, "waitpid(-1) reaps both children");
        CHECK_ERRNO(waitpid(-1, NULL, 0), ECHILD, "no children left -> ECHILD");
        CHECK_ERRNO(waitpid(-1, NULL, 0x40000000 | 0x12345), EINVAL, "unknown waitpid option -> EINVAL");
    }

    /* An orphan is re-parented when its parent exits (to init or a subreaper). */
    {
        char *args[] = {(char *)self, "parent-of-orphan", NULL};
        int p[2];
        pipe(p);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, p[1], 1);
        posix_spawn_file_actions_addclose(&fa, p[0]);
        pid_t pid;
        buf[0] = 0;
        if (posix_spawn(&pid, self, &fa, NULL, args, environ) == 0) {
            close(p[1]);
            waitpid(pid, NULL, 0);
            ssize_t n = read(p[0], buf, sizeof buf - 1); /* the grandchild holds the pipe */
            buf[n > 0 ? n - 1 : 0] = 0;
        }
        close(p[0]);
        CHECK_STR(buf, "reparented", "the orphan sees its parent change");
        posix_spawn_file_actions_destroy(&fa);
    }

    /* Process groups and sessions of the caller. */
    CHECK_EQ(getpgid(0), getpgrp(), "getpgid(0) is our group");
    CHECK_ERRNO(getpgid(999999), ESRCH, "getpgid of no process -> ESRCH");
    CHECK_ERRNO(setpgid(999999, 0), ESRCH, "setpgid of a non-child -> ESRCH");

    chdir("/");
    CHECK_OK(rmdir(dir), "scratch directory removed");
    return check_failures != 0;
}
