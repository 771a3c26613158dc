/* fork and vfork: copied memory, shared open file descriptions, fork inside setjmp frames,
 * fork+exec, pipelines between forked processes, orphans, and a fork bomb stopped by
 * RLIMIT_NPROC; memory a child wrote never shows in a later child's fresh pages. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

extern char **environ;

static int wait_status(pid_t pid)
{
    int st = -1;
    if (waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int deep_fork(int depth)
{
    /* A few frames of real stack between main and fork. */
    volatile char pad[512];
    pad[0] = (char)depth;
    if (depth > 0) return deep_fork(depth - 1) + pad[0] - (char)depth;
    pid_t p = fork();
    if (p == 0) _exit(depth + 40);
    return wait_status(p);
}

/* An applet table, as in busybox: fork reached through a function pointer. */
static int applet_echo(int n) { return n; }
static int applet_fork(int n)
{
    pid_t p = fork();
    if (p == 0) _exit(n);
    return wait_status(p);
}
static int (*const applets[])(int) = {applet_echo, applet_fork};

static volatile int handler_status = -1;
static void fork_in_handler(int sig)
{
    (void)sig;
    pid_t p = fork();
    if (p == 0) _exit(21);
    handler_status = wait_status(p);
}

/* A child's fresh memory: mmap(2) gives zero-filled pages. Returns 0 when what it got
 * read as zeros, and leaves its own marks in them (and in a thread's, when asked). */
static const size_t scratch_size = 3 << 20;

static void *mark_thread(void *p)
{
    memset(p, 0xa5, scratch_size);
    return NULL;
}

static int child_fresh_memory(int how)
{
    unsigned char *m = mmap(NULL, scratch_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *small = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || small == MAP_FAILED) return 2;
    int dirty = 0;
    for (size_t i = 0; i < scratch_size; i += 512) dirty |= m[i] | m[scratch_size - 1 - i];
    for (size_t i = 0; i < 4096; i++) dirty |= small[i];
    memset(m, 0x5a, scratch_size);
    memset(small, 0x5a, 4096);
    if (how == 1) {
        pthread_t t;
        if (pthread_create(&t, NULL, mark_thread, m) || pthread_join(t, NULL)) return 3;
    }
    if (how == 2) raise(SIGKILL);
    return dirty ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "exit") == 0) return atoi(argv[2]);
    /* Our own path, for exec after the chdir below. */
    static char self[4096];
    if (!realpath(argv[0], self)) { perror("realpath"); return 1; }
    char dir[] = "/tmp/wasmux-fork-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir)) { perror("scratch"); return 1; }

    /* fork(2): "The child process and the parent process run in separate memory spaces." */
    {
        static int global = 10;
        int local = 20;
        char *heap = malloc(64);
        strcpy(heap, "parent");
        pid_t p = fork();
        if (p == 0) {
            global++;
            local++;
            strcpy(heap, "child");
            _exit(global == 11 && local == 21 && strcmp(heap, "child") == 0 ? 0 : 1);
        }
        CHECK(p > 0, "fork returns the child's pid to the parent");
        CHECK_EQ(wait_status(p), 0, "the child sees and changes its own copy");
        CHECK(global == 10 && local == 20 && strcmp(heap, "parent") == 0, "the parent's memory is untouched");
        free(heap);
    }

    /* The child's getppid is the parent; pids differ. */
    {
        pid_t me = getpid();
        pid_t p = fork();
        if (p == 0) _exit(getppid() == me && getpid() != me ? 0 : 1);
        CHECK_EQ(wait_status(p), 0, "the child's parent is the forking process");
    }

    /* Open file descriptions are shared: one offset for both (fork(2)). */
    {
        int fd = open("shared", O_RDWR | O_CREAT | O_TRUNC, 0644);
        pid_t p = fork();
        if (p == 0) _exit(write(fd, "12345", 5) == 5 ? 0 : 1);
        wait_status(p);
        CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5, "the child's write moved the shared offset");
        close(fd);
        unlink("shared");
    }

    /* A pipe between parent and child. */
    {
        int pfd[2];
        pipe(pfd);
        pid_t p = fork();
        if (p == 0) {
            close(pfd[0]);
            const char *msg = "through the pipe";
            write(pfd[1], msg, strlen(msg));
            _exit(0);
        }
        close(pfd[1]);
        char buf[64] = {0};
        ssize_t n = 0, r;
        while ((r = read(pfd[0], buf + n, sizeof buf - 1 - n)) > 0) n += r;
        close(pfd[0]);
        wait_status(p);
        CHECK_STR(buf, "through the pipe", "data from the child, then EOF when it exits");
    }

    /* fork inside a setjmp frame: the child longjmps out of the frame that forked... */
    {
        jmp_buf jb;
        volatile pid_t p = -1;
        if (setjmp(jb) == 0) {
            p = fork();
            if (p == 0) longjmp(jb, 1);
        } else {
            _exit(33); /* only the child lands here */
        }
        CHECK_EQ(wait_status(p), 33, "the child longjmps out of the frame that forked");
    }
    /* ...and so may the parent, once the child is gone. */
    {
        jmp_buf jb;
        volatile pid_t p = -1;
        volatile int landed = 0;
        if (setjmp(jb) == 0) {
            p = fork();
            if (p == 0) _exit(34);
            longjmp(jb, 1);
        } else {
            landed = 1;
        }
        CHECK(landed == 1 && wait_status(p) == 34, "the parent longjmps out of the frame that forked");
    }

    /* Deeper stacks unwind and rewind intact. */
    CHECK_EQ(deep_fork(12), 40, "fork twelve frames deep");

    /* Through a function pointer, and from a signal handler (fork is async-signal-safe). */
    {
        volatile int which = 1;
        CHECK_EQ(applets[which](17), 17, "fork from a function called through a pointer");
        signal(SIGUSR1, fork_in_handler);
        raise(SIGUSR1);
        CHECK_EQ(handler_status, 21, "fork from a signal handler");
        signal(SIGUSR1, SIG_DFL);
    }

    /* Many children, reaped in any order. */
    {
        int sum = 0;
        pid_t kids[20];
        for (int i = 0; i < 20; i++) {
            kids[i] = fork();
            if (kids[i] == 0) _exit(i);
        }
        for (int i = 0; i < 20; i++) {
            int st;
            pid_t got = waitpid(-1, &st, 0);
            if (got > 0 && WIFEXITED(st)) sum += WEXITSTATUS(st);
        }
        CHECK_EQ(sum, 190, "twenty children reaped with waitpid(-1)");
    }

    /* fork then exec. */
    {
        pid_t p = fork();
        if (p == 0) {
            char *args[] = {self, "exit", "9", NULL};
            execve(self, args, environ);
            _exit(100);
        }
        CHECK_EQ(wait_status(p), 9, "fork then execve: the new image's status");
    }

    /* vfork then _exit and vfork then exec. */
    {
        pid_t p = vfork();
        if (p == 0) _exit(5);
        CHECK_EQ(wait_status(p), 5, "vfork then _exit");
        p = vfork();
        if (p == 0) {
            char *args[] = {self, "exit", "6", NULL};
            execve(self, args, environ);
            _exit(100);
        }
        CHECK_EQ(wait_status(p), 6, "vfork then execve");
    }

    /* An orphan is re-parented when its parent exits. */
    {
        int pfd[2];
        pipe(pfd);
        pid_t p = fork();
        if (p == 0) {
            pid_t parent = getpid();
            if (fork() == 0) {
                struct timespec pause = {0, 2000000};
                for (int i = 0; i < 2500 && getppid() == parent; i++) nanosleep(&pause, NULL);
                const char *r = getppid() != parent ? "reparented" : "still attached";
                write(pfd[1], r, strlen(r));
                _exit(0);
            }
            _exit(0);
        }
        close(pfd[1]);
        wait_status(p);
        char buf[32] = {0};
        read(pfd[0], buf, sizeof buf - 1);
        close(pfd[0]);
        CHECK_STR(buf, "reparented", "a grandchild outlives its parent and is re-parented");
    }

    /* A fork bomb under RLIMIT_NPROC (an unprivileged user: root is exempt). */
    {
        int pfd[2];
        pipe(pfd);
        pid_t p = fork();
        if (p == 0) {
            if (setgid(65534) || setuid(65534)) _exit(10);
            struct rlimit rl = {16, 16};
            if (setrlimit(RLIMIT_NPROC, &rl)) _exit(11);
            int made = 0, err = 0;
            for (int i = 0; i < 1000; i++) {
                pid_t c = fork();
                if (c == 0) { char b; close(pfd[1]); read(pfd[0], &b, 1); _exit(0); } /* wait for the end */
                if (c < 0) { err = errno; break; }
                made++;
            }
            close(pfd[1]); /* release the children */
            while (wait(NULL) > 0) {}
            _exit(err == EAGAIN && made < 16 ? 0 : 12);
        }
        close(pfd[0]);
        close(pfd[1]);
        CHECK_EQ(wait_status(p), 0, "RLIMIT_NPROC stops a fork bomb with EAGAIN");
    }

    /* CPU time: a child spins until getrusage(RUSAGE_SELF) says it used 30 ms (or gives up
     * after 5 s of wall time); wait4 and RUSAGE_CHILDREN then report at least that. */
    {
        pid_t p = fork();
        if (p == 0) {
            struct timespec start, now;
            clock_gettime(CLOCK_MONOTONIC, &start);
            for (volatile unsigned long spin = 0;; spin++) {
                if (spin % 100000) continue;
                struct rusage self;
                getrusage(RUSAGE_SELF, &self);
                if (self.ru_utime.tv_sec * 1000000L + self.ru_utime.tv_usec + self.ru_stime.tv_sec * 1000000L +
                        self.ru_stime.tv_usec >= 30000)
                    _exit(0);
                clock_gettime(CLOCK_MONOTONIC, &now);
                if (now.tv_sec - start.tv_sec > 5) _exit(1);
            }
        }
        int st;
        struct rusage ru, children;
        CHECK_EQ(wait4(p, &st, 0, &ru), p, "wait4 with a rusage");
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "getrusage(RUSAGE_SELF) counts a spinning process's CPU time");
        long used = ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec;
        CHECK(used >= 30000, "wait4 reports the child's CPU time");
        getrusage(RUSAGE_CHILDREN, &children);
        long all = children.ru_utime.tv_sec * 1000000L + children.ru_utime.tv_usec + children.ru_stime.tv_sec * 1000000L +
                   children.ru_stime.tv_usec;
        CHECK(all >= used, "RUSAGE_CHILDREN includes it");
    }

    /* prctl: the command name, a child subreaper, the parent-death signal. */
    {
        char name[16] = {0};
        CHECK_OK(prctl(PR_SET_NAME, "renamed-process-name"), "PR_SET_NAME");
        prctl(PR_GET_NAME, name);
        CHECK_STR(name, "renamed-process", "PR_GET_NAME: the name, cut to 15 bytes");
        char comm[32] = "";
        int fd = open("/proc/self/comm", O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, comm, sizeof comm - 1) : -1;
        if (fd >= 0) close(fd);
        comm[n > 0 ? n : 0] = 0;
        CHECK_STR(comm, "renamed-process\n", "/proc/self/comm shows it");
        prctl(PR_SET_NAME, "fork");

        int on = -1;
        CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1), "PR_SET_CHILD_SUBREAPER");
        prctl(PR_GET_CHILD_SUBREAPER, &on);
        CHECK_EQ(on, 1, "PR_GET_CHILD_SUBREAPER");
        /* middle forks last, which asks for SIGTERM when its parent dies, then middle exits:
         * last is adopted by this process (the subreaper) and killed by its death signal. */
        int ready[2];
        pipe(ready);
        pid_t middle = fork();
        if (middle == 0) {
            pid_t last = fork();
            if (last == 0) {
                prctl(PR_SET_PDEATHSIG, SIGTERM);
                write(ready[1], "r", 1);
                for (;;) pause();
            }
            char c;
            read(ready[0], &c, 1);
            _exit(last > 0 ? 0 : 1);
        }
        close(ready[1]);
        CHECK_EQ(wait_status(middle), 0, "the middle process exits");
        int st = 0;
        pid_t got = wait(&st);
        CHECK(got > 0 && got != middle, "the orphan was adopted by the subreaper and reaped by it");
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "PR_SET_PDEATHSIG: the orphan got SIGTERM when its parent died");
        close(ready[0]);
        int sig = -1;
        prctl(PR_GET_PDEATHSIG, &sig);
        CHECK_EQ(sig, 0, "no parent-death signal unless asked for");
        prctl(PR_SET_CHILD_SUBREAPER, 0);
        CHECK_ERRNO(prctl(PR_SET_PDEATHSIG, 65), EINVAL, "PR_SET_PDEATHSIG with signal 65 is EINVAL");
        CHECK_ERRNO(prctl(-1, 0), EINVAL, "an unknown prctl option is EINVAL");
    }

    /* Children one after another, each writing all over the memory it got (one of them
     * with a thread, one killed before it exits): each later one still gets zeros. */
    {
        /* Room that the children's mmap takes again, and a small mapping kept above it: a
         * child's next small one goes where nothing was mapped yet (wasmux: the rest of a
         * 64 KiB wasm page). */
        void *room = mmap(NULL, scratch_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        void *tail = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        munmap(room, scratch_size);
        int bad = 0;
        for (int i = 0; i < 8; i++) {
            pid_t p = fork();
            if (p == 0) _exit(child_fresh_memory(i % 4 == 1 ? 1 : i % 4 == 3 ? 2 : 0));
            int st = wait_status(p);
            if (st != (i % 4 == 3 ? 128 + SIGKILL : 0)) bad++;
        }
        CHECK_EQ(bad, 0, "each child's new mmap pages read as zeros, whatever earlier children wrote");
        munmap(tail, 4096);
    }

    chdir("/");
    CHECK_OK(rmdir(dir), "scratch directory removed");
    return check_failures != 0;
}
