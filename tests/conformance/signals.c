/* Signals within a process and between parent and child: handlers and their flags
 * (SA_SIGINFO, SA_RESTART, SA_NODEFER, SA_RESETHAND, SA_ONSTACK), masks and pending sets,
 * sigsuspend, sigtimedwait, queued real-time signals, kill/tkill/sigqueue and their errors,
 * SIGPIPE, SIGCHLD, alarm and setitimer, and what fork, execve and posix_spawn pass on. */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

extern char **environ;

static volatile sig_atomic_t hits, depth, max_depth, last_sig, last_code, last_pid, last_value, last_status;
static volatile sig_atomic_t order[8], order_n;

static void count(int sig) { hits++; last_sig = sig; }

static void record(int sig, siginfo_t *info, void *uc)
{
    (void)uc;
    hits++;
    last_sig = sig;
    last_code = info->si_code;
    last_pid = info->si_pid;
    last_value = info->si_value.sival_int;
    last_status = info->si_status;
    if (order_n < 8) order[order_n++] = sig;
}

static volatile sig_atomic_t raises;

/* Raises its own signal twice more in all: nested with SA_NODEFER, one after another
 * without. */
static void nested(int sig)
{
    depth++;
    hits++;
    if (depth > max_depth) max_depth = depth;
    if (raises++ < 2) raise(sig);
    depth--;
}

static int wait_status(pid_t pid)
{
    int st = -1;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return st;
}

static void on(int sig, void (*h)(int), int flags)
{
    struct sigaction sa = {0};
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void on_info(int sig, int flags)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = record;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void block(int sig, int how)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(how, &s, NULL);
}

static int is_blocked(int sig)
{
    sigset_t s;
    sigprocmask(SIG_SETMASK, NULL, &s);
    return sigismember(&s, sig);
}

static void reset(void) { hits = depth = max_depth = raises = last_sig = last_code = last_pid = last_value = order_n = 0; }

/* The new image of the execve and posix_spawn checks reports what it inherited. */
static int report_inherited(void)
{
    struct sigaction sa;
    int bad = 0;
    sigaction(SIGUSR1, NULL, &sa);
    if (sa.sa_handler != SIG_DFL) bad |= 1;  /* caught: back to default */
    sigaction(SIGUSR2, NULL, &sa);
    if (sa.sa_handler != SIG_IGN) bad |= 2;  /* ignored: stays ignored */
    if (!is_blocked(SIGINT)) bad |= 4;       /* the mask is kept */
    sigset_t pending;
    sigpending(&pending);
    if (!sigismember(&pending, SIGINT)) bad |= 8; /* pending signals are kept (execve) */
    return bad;
}

static int report_spawned(void)
{
    struct sigaction sa;
    int bad = 0;
    sigaction(SIGUSR2, NULL, &sa);
    if (sa.sa_handler != SIG_DFL) bad |= 1;  /* POSIX_SPAWN_SETSIGDEF */
    if (!is_blocked(SIGQUIT) || is_blocked(SIGINT)) bad |= 2; /* POSIX_SPAWN_SETSIGMASK */
    return bad;
}

static void alarm_in(long usec)
{
    struct itimerval it = {{0, 0}, {usec / 1000000, usec % 1000000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static volatile int alt_local_ok, alt_query_flags, alt_change_errno;

static void handler_on_alt(int sig)
{
    (void)sig;
    char here;
    stack_t cur;
    sigaltstack(NULL, &cur);
    alt_local_ok = (char *)&here >= (char *)cur.ss_sp && (char *)&here < (char *)cur.ss_sp + cur.ss_size;
    alt_query_flags = cur.ss_flags;
    stack_t other = {.ss_sp = cur.ss_sp, .ss_size = cur.ss_size, .ss_flags = 0};
    errno = 0;
    alt_change_errno = sigaltstack(&other, NULL) == 0 ? 0 : errno;
}

static int pipe_writer;
static void write_on_alarm(int sig) { (void)sig; hits++; write(pipe_writer, "x", 1); }

/* A handler with a large frame of its own, run while leaf() below is in its loop. */
static void scribble(int sig)
{
    (void)sig;
    volatile char scratch[1024];
    for (int i = 0; i < 1024; i++) scratch[i] = 0x55;
    hits++;
}

/* Calls nothing and keeps its array in memory: a compiler may put such a frame below the
 * stack pointer without moving it (a red zone). A handler run in the middle of the loop must
 * not overwrite it. Returns nonzero when the array changed. */
__attribute__((noinline)) static int leaf(int seed)
{
    volatile char a[64];
    for (int i = 0; i < 64; i++) a[i] = (char)(i ^ seed);
    int bad = 0;
    for (long k = 0; k < 3000000; k++)
        if (a[k & 63] != (char)((k & 63) ^ seed)) bad = 1;
    return bad;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "inherited") == 0) return report_inherited();
    if (argc > 1 && strcmp(argv[1], "spawned") == 0) return report_spawned();
    static char self[4096];
    if (!realpath(argv[0], self)) { perror("realpath"); return 1; }
    check_enter_tmpdir("signals");
    pid_t me = getpid();

    /* ---- handlers ---- */
    on(SIGUSR1, count, 0);
    reset();
    CHECK_OK(raise(SIGUSR1), "raise");
    CHECK(hits == 1 && last_sig == SIGUSR1, "a handler runs once for raise");
    reset();
    CHECK_OK(kill(me, SIGUSR1), "kill to self");
    CHECK(hits == 1, "the handler ran before kill returned");

    on_info(SIGUSR2, 0);
    reset();
    kill(me, SIGUSR2);
    CHECK(last_code == SI_USER && last_pid == me, "SA_SIGINFO: kill gives SI_USER and the sender's pid");
    reset();
    syscall(SYS_tgkill, me, (pid_t)syscall(SYS_gettid), SIGUSR2);
    CHECK_EQ(last_code, SI_TKILL, "tgkill gives SI_TKILL");
    reset();
    union sigval v = {.sival_int = 4242};
    CHECK_OK(sigqueue(me, SIGUSR2, v), "sigqueue to self");
    CHECK(last_code == SI_QUEUE && last_value == 4242, "sigqueue: SI_QUEUE and the value");

    /* The signal is blocked in its own handler unless SA_NODEFER. */
    on(SIGUSR1, nested, 0);
    reset();
    raise(SIGUSR1);
    CHECK(max_depth == 1 && hits == 3, "without SA_NODEFER the handler is not re-entered");
    on(SIGUSR1, nested, SA_NODEFER);
    reset();
    raise(SIGUSR1);
    CHECK(max_depth == 3 && hits == 3, "SA_NODEFER: the handler nests");
    CHECK(!is_blocked(SIGUSR1), "the mask is restored after the handlers return");

    /* SA_RESETHAND: the disposition is default again after one delivery. */
    {
        pid_t p = fork();
        if (p == 0) {
            hits = 0;
            on(SIGUSR1, count, SA_RESETHAND);
            raise(SIGUSR1);
            if (hits != 1) _exit(1);
            raise(SIGUSR1); /* now default: terminates */
            _exit(2);
        }
        int st = wait_status(p);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1, "SA_RESETHAND: the second one kills");
    }

    /* ---- masks and pending signals ---- */
    on(SIGUSR1, count, 0);
    reset();
    block(SIGUSR1, SIG_BLOCK);
    raise(SIGUSR1);
    raise(SIGUSR1);
    sigset_t pending;
    sigpending(&pending);
    CHECK(hits == 0 && sigismember(&pending, SIGUSR1), "a blocked signal stays pending");
    block(SIGUSR1, SIG_UNBLOCK);
    CHECK_EQ(hits, 1, "unblocking delivers it, once (standard signals do not queue)");
    sigpending(&pending);
    CHECK(!sigismember(&pending, SIGUSR1), "and it is no longer pending");

    /* Real-time signals queue, each with its value, lowest number first. */
    on_info(SIGRTMIN, 0);
    on_info(SIGRTMIN + 1, 0);
    reset();
    block(SIGRTMIN, SIG_BLOCK);
    block(SIGRTMIN + 1, SIG_BLOCK);
    for (int i = 0; i < 3; i++) {
        v.sival_int = i;
        sigqueue(me, SIGRTMIN + 1, v);
        sigqueue(me, SIGRTMIN, v);
    }
    sigset_t both;
    sigemptyset(&both);
    sigaddset(&both, SIGRTMIN);
    sigaddset(&both, SIGRTMIN + 1);
    sigprocmask(SIG_UNBLOCK, &both, NULL);
    CHECK_EQ(hits, 6, "queued real-time signals are all delivered");
    /* Linux sets up a frame for each deliverable signal before returning to user code:
     * SIGRTMIN's frame first, then SIGRTMIN+1's on top of it (SIGRTMIN is blocked in its
     * own handler), so SIGRTMIN+1's handlers run first, then SIGRTMIN's. */
    CHECK(order[0] == SIGRTMIN + 1 && order[1] == SIGRTMIN + 1 && order[2] == SIGRTMIN + 1 &&
          order[3] == SIGRTMIN && order[5] == SIGRTMIN, "frames for several pending signals nest");

    /* Ignoring a pending signal discards it. */
    reset();
    block(SIGUSR1, SIG_BLOCK);
    raise(SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    on(SIGUSR1, count, 0);
    block(SIGUSR1, SIG_UNBLOCK);
    CHECK_EQ(hits, 0, "SIG_IGN discards a pending signal");

    /* SIGKILL and SIGSTOP cannot be caught, blocked or ignored. */
    struct sigaction sa = {0};
    sa.sa_handler = count;
    CHECK_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL, "sigaction(SIGKILL) is EINVAL");
    CHECK_ERRNO(sigaction(SIGSTOP, &sa, NULL), EINVAL, "sigaction(SIGSTOP) is EINVAL");
    CHECK_ERRNO(sigaction(0, &sa, NULL), EINVAL, "sigaction(0) is EINVAL");
    {
        sigset_t all, now;
        sigfillset(&all);
        sigprocmask(SIG_SETMASK, &all, &now);
        sigset_t got;
        sigprocmask(SIG_SETMASK, &now, &got);
        CHECK(!sigismember(&got, SIGKILL) && !sigismember(&got, SIGSTOP), "SIGKILL and SIGSTOP are never blocked");
    }

    /* ---- waiting for signals ---- */
    {
        on(SIGUSR1, count, 0);
        reset();
        block(SIGUSR1, SIG_BLOCK);
        pid_t p = fork();
        if (p == 0) {
            kill(getppid(), SIGUSR1);
            _exit(0);
        }
        sigset_t empty;
        sigemptyset(&empty);
        int r = sigsuspend(&empty);
        CHECK(r == -1 && errno == EINTR && hits == 1, "sigsuspend returns EINTR after the handler");
        CHECK(is_blocked(SIGUSR1), "sigsuspend restores the mask");
        wait_status(p);
        block(SIGUSR1, SIG_UNBLOCK);
    }
    {
        block(SIGUSR2, SIG_BLOCK);
        pid_t p = fork();
        if (p == 0) {
            union sigval cv = {.sival_int = 77};
            sigqueue(getppid(), SIGUSR2, cv);
            _exit(0);
        }
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR2);
        siginfo_t info;
        int sig = sigwaitinfo(&set, &info);
        CHECK(sig == SIGUSR2 && info.si_pid == p && info.si_value.sival_int == 77 && info.si_code == SI_QUEUE,
              "sigwaitinfo takes a blocked signal with its sender and value");
        wait_status(p);
        struct timespec tmo = {0, 20000000};
        CHECK_ERRNO(sigtimedwait(&set, &info, &tmo), EAGAIN, "sigtimedwait times out with EAGAIN");
        /* An ignored-by-default signal that is blocked is still queued for sigwait. */
        block(SIGCHLD, SIG_BLOCK);
        p = fork();
        if (p == 0) _exit(5);
        sigemptyset(&set);
        sigaddset(&set, SIGCHLD);
        sig = sigwaitinfo(&set, &info);
        CHECK(sig == SIGCHLD && info.si_pid == p && info.si_code == CLD_EXITED && info.si_status == 5,
              "sigwaitinfo gets SIGCHLD (CLD_EXITED, the status)");
        wait_status(p);
        block(SIGCHLD, SIG_UNBLOCK);
        block(SIGUSR2, SIG_UNBLOCK);
    }

    /* ---- interrupted calls: EINTR, or a restart with SA_RESTART ---- */
    {
        int pfd[2];
        pipe(pfd);
        pipe_writer = pfd[1];
        char c;
        on(SIGALRM, count, 0);
        reset();
        alarm_in(30000);
        CHECK_ERRNO(read(pfd[0], &c, 1), EINTR, "a blocked read is interrupted (EINTR) without SA_RESTART");
        CHECK_EQ(hits, 1, "the SIGALRM handler ran");
        on(SIGALRM, write_on_alarm, SA_RESTART);
        reset();
        alarm_in(30000);
        CHECK_EQ(read(pfd[0], &c, 1), 1, "with SA_RESTART the read restarts and gets the handler's byte");
        on(SIGALRM, count, 0);
        reset();
        alarm_in(30000);
        struct timespec req = {5, 0}, rem = {0, 0};
        CHECK_ERRNO(nanosleep(&req, &rem), EINTR, "nanosleep is interrupted");
        CHECK(rem.tv_sec >= 3 && rem.tv_sec <= 5, "and reports the time left");
        reset();
        alarm_in(30000);
        CHECK_ERRNO(pause(), EINTR, "pause returns EINTR after a handler");
        close(pfd[0]);
        close(pfd[1]);
    }

    /* ---- timers ---- */
    {
        struct itimerval it = {{0, 0}, {10, 0}}, got;
        setitimer(ITIMER_REAL, &it, NULL);
        getitimer(ITIMER_REAL, &got);
        CHECK(got.it_value.tv_sec >= 9 && got.it_value.tv_sec <= 10, "getitimer: the time left");
        CHECK_EQ(alarm(0), 10, "alarm(0) returns the seconds left and disarms");
        getitimer(ITIMER_REAL, &got);
        CHECK(got.it_value.tv_sec == 0 && got.it_value.tv_usec == 0, "the timer is disarmed");
        reset();
        struct itimerval periodic = {{0, 10000}, {0, 10000}};
        setitimer(ITIMER_REAL, &periodic, NULL);
        while (hits < 3) pause();
        struct itimerval off = {{0, 0}, {0, 0}};
        setitimer(ITIMER_REAL, &off, NULL);
        CHECK_EQ(hits, 3, "a periodic timer fires again and again");
        struct itimerval bad = {{0, 0}, {0, 1000000}};
        CHECK_ERRNO(setitimer(ITIMER_REAL, &bad, NULL), EINVAL, "setitimer with tv_usec 1000000 is EINVAL");
        /* Handlers that arrive while a leaf function loops leave its frame alone. */
        on(SIGALRM, scribble, 0);
        reset();
        int changed = 0, rounds = 0;
        setitimer(ITIMER_REAL, &(struct itimerval){{0, 1000}, {0, 1000}}, NULL);
        while (rounds < 20 || hits < 5) changed |= leaf(rounds++);
        setitimer(ITIMER_REAL, &off, NULL);
        CHECK(!changed, "a handler run during a loop leaves the interrupted function's frame intact");
    }

    /* ---- default actions, seen by the parent ---- */
    {
        int sigs[] = {SIGTERM, SIGUSR1, SIGALRM, SIGHUP};
        int all_ok = 1;
        for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
            pid_t p = fork();
            if (p == 0) {
                signal(sigs[i], SIG_DFL);
                raise(sigs[i]);
                _exit(0);
            }
            int st = wait_status(p);
            all_ok &= WIFSIGNALED(st) && WTERMSIG(st) == sigs[i];
        }
        CHECK(all_ok, "SIGTERM, SIGUSR1, SIGALRM, SIGHUP terminate by default");
        pid_t p = fork();
        if (p == 0) {
            raise(SIGCHLD);
            raise(SIGURG);
            raise(SIGWINCH);
            _exit(7);
        }
        int st = wait_status(p);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "SIGCHLD, SIGURG, SIGWINCH are ignored by default");
        p = fork();
        if (p == 0) abort();
        st = wait_status(p);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "abort() ends the process by SIGABRT");
        p = fork();
        if (p == 0) {
            signal(SIGALRM, SIG_DFL);
            alarm(1);
            for (;;) {}
        }
        st = wait_status(p);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM, "alarm ends a process busy in a loop");
    }

    /* ---- SIGPIPE ---- */
    {
        pid_t p = fork();
        if (p == 0) {
            int pfd[2];
            pipe(pfd);
            close(pfd[0]);
            write(pfd[1], "x", 1);
            _exit(0);
        }
        int st = wait_status(p);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "writing to a pipe without readers raises SIGPIPE");
        int pfd[2];
        pipe(pfd);
        close(pfd[0]);
        signal(SIGPIPE, SIG_IGN);
        CHECK_ERRNO(write(pfd[1], "x", 1), EPIPE, "with SIGPIPE ignored the write fails with EPIPE");
        signal(SIGPIPE, SIG_DFL);
        close(pfd[1]);
    }

    /* ---- SIGCHLD ---- */
    {
        on_info(SIGCHLD, 0);
        reset();
        block(SIGCHLD, SIG_BLOCK);
        pid_t p = fork();
        if (p == 0) _exit(3);
        wait_status(p);
        block(SIGCHLD, SIG_UNBLOCK);
        CHECK(hits == 1 && last_code == CLD_EXITED && last_pid == p && last_status == 3,
              "the parent's SIGCHLD handler learns the exit");
        signal(SIGCHLD, SIG_IGN);
        p = fork();
        if (p == 0) _exit(0);
        errno = 0;
        int r = waitpid(p, NULL, 0);
        CHECK(r == -1 && errno == ECHILD, "with SIGCHLD ignored, children leave no zombie (ECHILD)");
        signal(SIGCHLD, SIG_DFL);
    }

    /* ---- errors and permissions ---- */
    CHECK_ERRNO(kill(me, 65), EINVAL, "kill with signal 65 is EINVAL");
    CHECK_ERRNO(kill(-me - 1000000, SIGUSR1), ESRCH, "kill of a group that does not exist is ESRCH");
    {
        pid_t p = fork();
        if (p == 0) _exit(0);
        wait_status(p);
        CHECK_ERRNO(kill(p, 0), ESRCH, "kill of a reaped child is ESRCH");
    }
    CHECK_OK(kill(me, 0), "kill(self, 0) checks existence");
    {
        pid_t p = fork();
        if (p == 0) {
            if (setgid(65534) || setuid(65534)) _exit(10);
            if (kill(getppid(), 0) == 0 || errno != EPERM) _exit(11);
            siginfo_t fake = {0};
            fake.si_code = SI_USER;
            if (syscall(SYS_rt_sigqueueinfo, getppid(), SIGUSR1, &fake) == 0 || errno != EPERM) _exit(12);
            _exit(0);
        }
        CHECK_EQ(WEXITSTATUS(wait_status(p)), 0, "an unprivileged process may not signal root's (EPERM)");
    }
    {
        siginfo_t fake = {0};
        fake.si_code = SI_USER;
        pid_t p = fork();
        if (p == 0) {
            pause();
            _exit(0);
        }
        CHECK_ERRNO(syscall(SYS_rt_sigqueueinfo, p, SIGUSR1, &fake), EPERM,
                    "rt_sigqueueinfo may not pose as kill to another process");
        kill(p, SIGKILL);
        wait_status(p);
    }

    /* ---- the alternate stack ---- */
    {
        static char alt[65536];
        stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0}, old;
        CHECK_OK(sigaltstack(&ss, &old), "sigaltstack installs a stack");
        CHECK(old.ss_flags == SS_DISABLE, "there was none before");
        struct sigaction alt_sa = {0};
        alt_sa.sa_flags = SA_ONSTACK;
        alt_sa.sa_handler = handler_on_alt;
        sigaction(SIGUSR1, &alt_sa, NULL);
        raise(SIGUSR1);
        CHECK(alt_local_ok, "an SA_ONSTACK handler runs on the alternate stack");
        CHECK_EQ(alt_query_flags, SS_ONSTACK, "sigaltstack in the handler reports SS_ONSTACK");
        CHECK_EQ(alt_change_errno, EPERM, "changing the stack while on it is EPERM");
        sigaltstack(NULL, &old);
        CHECK(old.ss_flags == 0 && old.ss_sp == alt, "outside the handler the stack is not in use");
        CHECK_ERRNO(sigaltstack(&(stack_t){.ss_sp = alt, .ss_size = 100}, NULL), ENOMEM,
                    "a stack under MINSIGSTKSZ is ENOMEM");
        signal(SIGUSR1, SIG_DFL);
    }

    /* ---- fork, execve and posix_spawn ---- */
    {
        on(SIGUSR1, count, 0);
        block(SIGINT, SIG_BLOCK);
        raise(SIGINT); /* pending in the parent */
        pid_t p = fork();
        if (p == 0) {
            sigset_t pend;
            sigpending(&pend);
            struct sigaction cur;
            sigaction(SIGUSR1, NULL, &cur);
            _exit((cur.sa_handler == count ? 0 : 1) | (is_blocked(SIGINT) ? 0 : 2) | (sigismember(&pend, SIGINT) ? 4 : 0));
        }
        CHECK_EQ(WEXITSTATUS(wait_status(p)), 0, "fork: handlers and mask are inherited, pending signals are not");
        signal(SIGUSR2, SIG_IGN);
        p = fork();
        if (p == 0) {
            raise(SIGINT); /* blocked: pending across the execve */
            char *args[] = {self, "inherited", NULL};
            execve(self, args, environ);
            _exit(100);
        }
        CHECK_EQ(WEXITSTATUS(wait_status(p)), 0, "execve: caught to default, ignored stay ignored, mask and pending kept");
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t def, mask;
        sigemptyset(&def);
        sigaddset(&def, SIGUSR2);
        sigemptyset(&mask);
        sigaddset(&mask, SIGQUIT);
        posix_spawnattr_setsigdefault(&attr, &def);
        posix_spawnattr_setsigmask(&attr, &mask);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
        char *args[] = {self, "spawned", NULL};
        int rc = posix_spawn(&p, self, NULL, &attr, args, environ);
        CHECK(rc == 0 && WEXITSTATUS(wait_status(p)) == 0, "posix_spawn: SETSIGDEF and SETSIGMASK apply");
        posix_spawnattr_destroy(&attr);
        /* Drop the pending SIGINT before unblocking it. */
        signal(SIGINT, SIG_IGN);
        block(SIGINT, SIG_UNBLOCK);
        signal(SIGINT, SIG_DFL);
        signal(SIGUSR2, SIG_DFL);
    }

    return check_finish();
}
