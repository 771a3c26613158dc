/* execve / fexecve: exec chains keep the pid, close-on-exec, "#!" interpreters with their
 * argument, errors returned to the caller. The program execs itself (argv[0]) in roles. */
#define _GNU_SOURCE
#include <spawn.h>
#include <sys/wait.h>

#include "check.h"

extern char **environ;
static const char *self;

static int role_main(int argc, char **argv)
{
    const char *role = argv[1];
    if (strcmp(role, "chain") == 0) {
        /* chain N ORIGINAL-PID: exec ourselves N more times, then report */
        int n = atoi(argv[2]);
        if (n == 0) {
            printf("end of chain, %s pid\n", atoi(argv[3]) == getpid() ? "same" : "another");
            fflush(stdout);
            return 42;
        }
        char next[16];
        snprintf(next, sizeof next, "%d", n - 1);
        char *args[] = {(char *)self, "chain", next, argv[3], NULL};
        execve(self, args, environ);
        return 90; /* not reached */
    }
    if (strcmp(role, "start-chain") == 0) {
        char pid[16];
        snprintf(pid, sizeof pid, "%d", getpid());
        char *args[] = {(char *)self, "chain", "3", pid, NULL};
        execve(self, args, environ);
        return 91;
    }
    if (strcmp(role, "cloexec") == 0) {
        int keep = open("/dev/null", O_RDONLY);
        int drop = open("/dev/null", O_RDONLY | O_CLOEXEC);
        char k[16], d[16];
        snprintf(k, sizeof k, "%d", keep);
        snprintf(d, sizeof d, "%d", drop);
        char *args[] = {(char *)self, "check-fds", k, d, NULL};
        execve(self, args, environ);
        return 92;
    }
    if (strcmp(role, "check-fds") == 0) {
        int keep_open = fcntl(atoi(argv[2]), F_GETFD) >= 0;
        int drop_open = fcntl(atoi(argv[3]), F_GETFD) >= 0;
        printf("kept=%d dropped=%d\n", keep_open, !drop_open);
        return 0;
    }
    if (strcmp(role, "script-arg") == 0) {
        /* run as a "#!" interpreter: argv = self, "script-arg", script path, extra args */
        const char *base = strrchr(argv[2], '/');
        /* The command name is the script's, not the interpreter's (fs/exec.c). */
        char comm[32] = "?";
        FILE *f = fopen("/proc/self/comm", "r");
        if (f && fgets(comm, sizeof comm, f)) comm[strcspn(comm, "\n")] = 0;
        if (f) fclose(f);
        printf("argc=%d script=%s extra=%s comm=%s\n", argc, base ? base + 1 : argv[2], argc > 3 ? argv[3] : "-", comm);
        return 0;
    }
    if (strcmp(role, "fexecve") == 0) {
        int fd = open(self, O_RDONLY);
        char *args[] = {(char *)self, "exit", "17", NULL};
        fexecve(fd, args, environ);
        return 93;
    }
    if (strcmp(role, "fexecve-comm") == 0) {
        int fd = open(self, O_RDONLY);
        char *args[] = {(char *)self, "own-comm", NULL};
        fexecve(fd, args, environ);
        return 93;
    }
    if (strcmp(role, "own-comm") == 0) {
        /* 0 when /proc/self/comm is this program's file name (at most 15 bytes) */
        char comm[32] = "", want[16];
        const char *base = strrchr(self, '/');
        snprintf(want, sizeof want, "%s", base ? base + 1 : self);
        FILE *f = fopen("/proc/self/comm", "r");
        if (f && fgets(comm, sizeof comm, f)) comm[strcspn(comm, "\n")] = 0;
        if (f) fclose(f);
        return strcmp(comm, want) == 0 ? 0 : 18;
    }
    if (strcmp(role, "exe") == 0) {
        /* /proc/self/exe names this program's file, and runs it again */
        char link[4096] = "", real[4096] = "";
        ssize_t n = readlink("/proc/self/exe", link, sizeof link - 1);
        if (n > 0) link[n] = 0;
        if (!realpath(self, real)) return 95;
        printf("exe=%s\n", strcmp(link, real) == 0 ? "self" : link);
        fflush(stdout);
        char *args[] = {(char *)self, "exit", "23", NULL};
        execv("/proc/self/exe", args);
        return 94;
    }
    if (strcmp(role, "exit") == 0) return atoi(argv[2]);
    return 99;
}

/* Runs self with args as a child, stdout to a pipe; returns the exit status. */
static int run(char *const args[], char *out, size_t size)
{
    int p[2];
    out[0] = 0;
    if (pipe(p)) return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    pid_t pid;
    int st = -1;
    if (posix_spawn(&pid, args[0], &fa, NULL, args, environ) == 0) {
        close(p[1]);
        size_t got = 0;
        ssize_t n;
        while (got < size - 1 && (n = read(p[0], out + got, size - 1 - got)) > 0) got += (size_t)n;
        out[got] = 0;
        if (got && out[got - 1] == '\n') out[got - 1] = 0;
        waitpid(pid, &st, 0);
    } else {
        close(p[1]);
    }
    close(p[0]);
    posix_spawn_file_actions_destroy(&fa);
    return st;
}

int main(int argc, char **argv)
{
    self = argv[0];
    if (argc > 1) return role_main(argc, argv);
    char dir[] = "/tmp/wasmux-exec-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir)) { perror("scratch"); return 1; }
    char buf[512];

    {
        char *args[] = {(char *)self, "start-chain", NULL};
        int st = run(args, buf, sizeof buf);
        CHECK_STR(buf, "end of chain, same pid", "four execs in a row keep the pid");
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "the last image's exit status reaches the parent");
    }
    {
        char *args[] = {(char *)self, "cloexec", NULL};
        run(args, buf, sizeof buf);
        CHECK_STR(buf, "kept=1 dropped=1", "execve keeps plain descriptors and closes O_CLOEXEC ones");
    }
    {
        /* A "#!" script whose interpreter is this program, with one argument. */
        char line[4200];
        int fd = open("script.sh", O_WRONLY | O_CREAT | O_TRUNC, 0755);
        int len = snprintf(line, sizeof line, "#!%s script-arg\necho not run\n", self);
        write(fd, line, len);
        close(fd);
        char path[4200];
        snprintf(path, sizeof path, "%s/script.sh", dir);
        char *args[] = {path, "extra", NULL};
        int st = run(args, buf, sizeof buf);
        CHECK_STR(buf, "argc=4 script=script.sh extra=extra comm=script.sh",
                  "#! runs the interpreter with its argument, the script and the rest; comm is the script's name");
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the script's interpreter exits 0");
        /* An interpreter line naming nothing runnable fails the exec. */
        fd = open("bad.sh", O_WRONLY | O_CREAT | O_TRUNC, 0755);
        write(fd, "#!/nonexistent/interpreter\n", 27);
        close(fd);
        char *bad[] = {"bad.sh", NULL};
        CHECK_ERRNO(execve("./bad.sh", bad, environ), ENOENT, "#! with a missing interpreter -> ENOENT");
        unlink("script.sh");
        unlink("bad.sh");
    }
    {
        char *args[] = {(char *)self, "fexecve", NULL};
        int st = run(args, buf, sizeof buf);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 17, "fexecve runs the program open on a descriptor");
        args[1] = "fexecve-comm";
        st = run(args, buf, sizeof buf);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "after fexecve the command name is the file's name");
    }
    {
        char *args[] = {(char *)self, "exe", NULL};
        int st = run(args, buf, sizeof buf);
        CHECK_STR(buf, "exe=self", "/proc/self/exe is a link to the program's file");
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 23, "execv of /proc/self/exe runs the program again");
    }
    {
        char *args[] = {"x", NULL};
        CHECK_ERRNO(execve("/nonexistent/program", args, environ), ENOENT, "execve of a missing file -> ENOENT");
        int fd = open("plain", O_WRONLY | O_CREAT, 0644);
        write(fd, "text\n", 5);
        close(fd);
        CHECK_ERRNO(execve("./plain", args, environ), EACCES, "execve of a non-executable file -> EACCES");
        chmod("plain", 0755);
        CHECK_ERRNO(execve("./plain", args, environ), ENOEXEC, "execve of text without #! -> ENOEXEC");
        unlink("plain");
        /* A WebAssembly module that is no program of this system (no wasmux.abi section,
         * no memory): no binary format takes it, and the caller gets ENOEXEC. */
        fd = open("module", O_WRONLY | O_CREAT, 0755);
        write(fd, "\0asm\1\0\0\0", 8);
        close(fd);
        CHECK_ERRNO(execve("./module", args, environ), ENOEXEC, "execve of a foreign wasm module -> ENOEXEC in the caller");
        unlink("module");
        CHECK_ERRNO(execve(".", args, environ), EACCES, "execve of a directory -> EACCES");
        size_t big = 3u << 20;
        char *huge = malloc(big + 1);
        memset(huge, 'a', big);
        huge[big] = 0;
        char *hargs[] = {(char *)self, huge, NULL};
        CHECK_ERRNO(execve(self, hargs, environ), E2BIG, "a 3 MiB argument -> E2BIG");
        free(huge);
    }
    chdir("/");
    CHECK_OK(rmdir(dir), "scratch directory removed");
    return check_failures != 0;
}
