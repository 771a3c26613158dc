/* Job control and the ends of processes: SIGSTOP/SIGTSTP/SIGCONT seen through waitpid
 * (WUNTRACED, WCONTINUED) and waitid (WSTOPPED, WCONTINUED, WNOWAIT), SIGCHLD with and
 * without SA_NOCLDSTOP, a stopped reader that resumes, signals to process groups, SIGKILL
 * and SIGTERM of processes busy in a loop, and the SIGHUP+SIGCONT an orphaned process
 * group with a stopped member receives. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

static volatile sig_atomic_t chld_hits, chld_code;

static void on_chld(int sig, siginfo_t *info, void *uc)
{
    (void)sig;
    (void)uc;
    chld_hits++;
    chld_code = info->si_code;
}

static void set_chld(int flags)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
}

/* A child that sleeps in pause() until killed; it says when it is ready on a pipe. */
static pid_t pausing_child(int own_group)
{
    int pfd[2];
    pipe(pfd);
    pid_t p = fork();
    if (p == 0) {
        if (own_group) setpgid(0, 0);
        close(pfd[0]);
        write(pfd[1], "r", 1);
        close(pfd[1]);
        for (;;) pause();
    }
    close(pfd[1]);
    char c;
    read(pfd[0], &c, 1);
    close(pfd[0]);
    return p;
}

/* A child spinning in user code, with no system call in its loop. */
static pid_t busy_child(void)
{
    int pfd[2];
    pipe(pfd);
    pid_t p = fork();
    if (p == 0) {
        close(pfd[0]);
        write(pfd[1], "r", 1);
        close(pfd[1]);
        volatile unsigned long n = 0;
        for (;;) n++;
    }
    close(pfd[1]);
    char c;
    read(pfd[0], &c, 1);
    close(pfd[0]);
    return p;
}

static int reap(pid_t p)
{
    int st = -1;
    while (waitpid(p, &st, 0) < 0 && errno == EINTR) {}
    return st;
}

static volatile sig_atomic_t usr1_seen;
static void on_usr1(int sig)
{
    (void)sig;
    usr1_seen = 1;
}

static int hup_pipe;
static void on_hup(int sig)
{
    (void)sig;
    write(hup_pipe, "hup", 3);
    _exit(0);
}

int main(void)
{
    check_enter_tmpdir("jobcontrol");

    /* ---- stop and continue through waitpid ---- */
    {
        pid_t p = pausing_child(0);
        int st;
        kill(p, SIGSTOP);
        CHECK(waitpid(p, &st, WUNTRACED) == p && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
              "waitpid(WUNTRACED) reports the stop and its signal");
        CHECK_EQ(waitpid(p, &st, WUNTRACED | WNOHANG), 0, "a stop is reported once");
        kill(p, SIGCONT);
        CHECK(waitpid(p, &st, WCONTINUED) == p && WIFCONTINUED(st), "waitpid(WCONTINUED) reports the continue");
        kill(p, SIGCONT);
        CHECK_EQ(waitpid(p, &st, WCONTINUED | WNOHANG), 0, "SIGCONT to a running process reports nothing");
        kill(p, SIGKILL);
        st = reap(p);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "SIGKILL ends it");
    }

    /* ---- the same through waitid ---- */
    {
        pid_t p = pausing_child(0);
        siginfo_t info;
        kill(p, SIGSTOP);
        memset(&info, 0, sizeof info);
        waitid(P_PID, p, &info, WSTOPPED | WNOWAIT);
        CHECK(info.si_pid == p && info.si_code == CLD_STOPPED && info.si_status == SIGSTOP,
              "waitid(WSTOPPED|WNOWAIT): CLD_STOPPED with the signal");
        memset(&info, 0, sizeof info);
        waitid(P_PID, p, &info, WSTOPPED | WNOHANG);
        CHECK(info.si_pid == p && info.si_code == CLD_STOPPED, "WNOWAIT left the report for the next waitid");
        memset(&info, 0, sizeof info);
        waitid(P_PID, p, &info, WSTOPPED | WNOHANG);
        CHECK_EQ(info.si_pid, 0, "which took it");
        kill(p, SIGCONT);
        memset(&info, 0, sizeof info);
        waitid(P_PID, p, &info, WCONTINUED);
        CHECK(info.si_code == CLD_CONTINUED && info.si_status == SIGCONT, "waitid(WCONTINUED): CLD_CONTINUED");
        memset(&info, 0, sizeof info);
        waitid(P_ALL, 0, &info, WEXITED | WNOHANG);
        CHECK_EQ(info.si_pid, 0, "waitid(WEXITED|WNOHANG) with nothing to report leaves si_pid 0");
        kill(p, SIGTERM);
        memset(&info, 0, sizeof info);
        waitid(P_PID, p, &info, WEXITED);
        CHECK(info.si_code == CLD_KILLED && info.si_status == SIGTERM, "waitid(WEXITED): CLD_KILLED by SIGTERM");
    }

    /* ---- SIGCHLD for stops, and SA_NOCLDSTOP ---- */
    {
        set_chld(0);
        chld_hits = 0;
        pid_t p = pausing_child(0);
        int st;
        kill(p, SIGSTOP);
        waitpid(p, &st, WUNTRACED);
        CHECK(chld_hits == 1 && chld_code == CLD_STOPPED, "SIGCHLD tells the parent of a stop");
        set_chld(SA_NOCLDSTOP);
        chld_hits = 0;
        kill(p, SIGCONT);
        waitpid(p, &st, WCONTINUED);
        CHECK_EQ(chld_hits, 0, "SA_NOCLDSTOP: no SIGCHLD for stops and continues");
        kill(p, SIGKILL);
        reap(p);
        CHECK(chld_hits == 1 && chld_code == CLD_KILLED, "but one for the end");
        signal(SIGCHLD, SIG_DFL);
    }

    /* ---- SIGTSTP stops (the child leads its own group, which is not orphaned) ---- */
    {
        pid_t p = pausing_child(1);
        int st;
        kill(p, SIGTSTP);
        CHECK(waitpid(p, &st, WUNTRACED) == p && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP,
              "SIGTSTP stops by default");
        kill(p, SIGKILL);
        st = reap(p);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "SIGKILL ends a stopped process");
    }

    /* ---- a reader stopped in read() resumes and reads ---- */
    {
        int pfd[2];
        pipe(pfd);
        pid_t p = fork();
        if (p == 0) {
            close(pfd[1]);
            char c = 0;
            ssize_t n = read(pfd[0], &c, 1);
            _exit(n == 1 && c == 'z' ? 0 : 1);
        }
        close(pfd[0]);
        struct timespec brief = {0, 20000000};
        nanosleep(&brief, NULL); /* let it block in read */
        int st;
        kill(p, SIGSTOP);
        waitpid(p, &st, WUNTRACED);
        write(pfd[1], "z", 1);
        kill(p, SIGCONT);
        st = reap(p);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a read interrupted by a stop goes on after SIGCONT");
        close(pfd[1]);
    }

    /* ---- process groups ---- */
    {
        pid_t a = pausing_child(1);
        pid_t b = fork();
        if (b == 0) {
            setpgid(0, a);
            for (;;) pause();
        }
        setpgid(b, a); /* from both sides, so it is done whoever runs first */
        CHECK_OK(kill(-a, SIGTERM), "kill(-pgrp) signals the group");
        int sa = reap(a), sb = reap(b);
        CHECK(WIFSIGNALED(sa) && WTERMSIG(sa) == SIGTERM && WIFSIGNALED(sb) && WTERMSIG(sb) == SIGTERM,
              "every member gets it");
        pid_t c = fork();
        if (c == 0) {
            setpgid(0, 0);
            signal(SIGUSR1, SIG_IGN);
            _exit(kill(0, SIGUSR1) == 0 ? 0 : 1);
        }
        CHECK_EQ(WEXITSTATUS(reap(c)), 0, "kill(0) signals the caller's own group");
    }

    /* ---- processes busy in user code ---- */
    {
        pid_t p = busy_child();
        kill(p, SIGKILL);
        int st = reap(p);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "SIGKILL ends a process spinning in a loop");
        p = busy_child();
        kill(p, SIGTERM);
        st = reap(p);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "so does a default SIGTERM");
    }

    /* ---- a process spinning in user code still takes handlers and stops ---- */
    {
        int pfd[2];
        pipe(pfd);
        pid_t p = fork();
        if (p == 0) {
            signal(SIGUSR1, on_usr1);
            close(pfd[0]);
            write(pfd[1], "r", 1);
            close(pfd[1]);
            while (!usr1_seen) {}
            _exit(0);
        }
        close(pfd[1]);
        char c;
        read(pfd[0], &c, 1);
        close(pfd[0]);
        kill(p, SIGUSR1);
        int st = reap(p);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a handler runs in a process spinning on its flag");
        p = fork();
        if (p == 0) {
            signal(SIGALRM, on_usr1);
            alarm(1);
            while (!usr1_seen) {}
            _exit(0);
        }
        st = reap(p);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "so does a SIGALRM handler (alarm, then a spin)");
        p = busy_child();
        kill(p, SIGSTOP);
        CHECK(waitpid(p, &st, WUNTRACED) == p && WIFSTOPPED(st), "SIGSTOP stops a spinning process");
        kill(p, SIGCONT);
        CHECK(waitpid(p, &st, WCONTINUED) == p && WIFCONTINUED(st), "and SIGCONT lets it spin again");
        kill(p, SIGKILL);
        reap(p);
    }

    /* ---- kill(-1): every process the caller may signal but itself. An unprivileged
     * caller, and SIGCONT, so no other process on the machine can be hurt. ---- */
    {
        int pfd[2];
        pipe(pfd);
        pid_t p = fork();
        if (p == 0) {
            close(pfd[0]);
            if (setgid(65534) || setuid(65534)) _exit(10);
            pid_t kids[2];
            for (int i = 0; i < 2; i++) {
                kids[i] = fork();
                if (kids[i] == 0) {
                    raise(SIGSTOP);
                    _exit(20 + i);
                }
            }
            int st, stopped = 0;
            for (int i = 0; i < 2; i++) stopped += waitpid(kids[i], &st, WUNTRACED) == kids[i] && WIFSTOPPED(st);
            if (stopped != 2) _exit(11);
            if (kill(-1, SIGCONT) != 0) _exit(12);
            int sum = 0;
            for (int i = 0; i < 2; i++) {
                waitpid(kids[i], &st, 0);
                sum += WIFEXITED(st) ? WEXITSTATUS(st) : 0;
            }
            _exit(sum == 41 ? 0 : 13);
        }
        close(pfd[1]);
        close(pfd[0]);
        CHECK_EQ(WEXITSTATUS(reap(p)), 0, "kill(-1) reaches every process the caller may signal");
    }

    /* ---- traps end a process with the signal Linux sends for the fault ---- */
    {
        pid_t p = fork();
        if (p == 0) {
            volatile int zero = 0, one = 1;
            _exit(one / zero);
        }
        int st = reap(p);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGFPE, "integer division by zero: SIGFPE");
        p = fork();
        if (p == 0) __builtin_trap();
        st = reap(p);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL, "a trap instruction: SIGILL");
        p = fork();
        if (p == 0) {
            volatile int *wild = (int *)(uintptr_t)0xfffffff0u;
            _exit(*wild);
        }
        st = reap(p);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a load from an unmapped address: SIGSEGV");
    }

    /* ---- an orphaned process group with a stopped member gets SIGHUP and SIGCONT ---- */
    {
        int pfd[2];
        pipe(pfd);
        pid_t p = fork();
        if (p == 0) {
            setpgid(0, 0);
            pid_t g = fork();
            if (g == 0) {
                close(pfd[0]);
                hup_pipe = pfd[1];
                signal(SIGHUP, on_hup);
                raise(SIGSTOP);
                _exit(1); /* continued without SIGHUP */
            }
            int st;
            waitpid(g, &st, WUNTRACED);
            _exit(0); /* the group loses its last link to the session: orphaned */
        }
        close(pfd[1]);
        reap(p);
        char buf[8] = {0};
        read(pfd[0], buf, sizeof buf - 1);
        close(pfd[0]);
        CHECK_STR(buf, "hup", "the stopped member of a newly orphaned group gets SIGHUP, then SIGCONT");
    }

    return check_finish();
}
