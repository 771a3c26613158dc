/* Corners of signal handling that outside conformance suites found wrong: handlers declared
 * with fewer parameters than the signal passes (older C's `void handler()`), invalid signal
 * numbers in the sigset functions and sigpause, SA_NOCLDWAIT, the siginfo sigwaitinfo
 * reports for another process's kill, and the CPU-time interval timers. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations" /* sigpause */

static volatile sig_atomic_t hits, got_sig, chld_hits;

/* Declared without a prototype on purpose: a function of no parameters in wasm. */
static void no_params() { hits++; }
static void one_param(int sig) { hits++; got_sig = sig; }
static void two_params(int sig, siginfo_t *info) { hits++; got_sig = sig + (info->si_code == SI_USER ? 100 : 0); }
static void on_chld(int sig) { (void)sig; chld_hits++; }
static volatile sig_atomic_t vtalrm, prof;
static void on_vtalrm(int sig) { (void)sig; vtalrm++; }
static void on_prof(int sig) { (void)sig; prof++; }

static void install(int sig, void (*h)(), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = (void (*)(int))h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* Burns CPU until the counter reaches n or about 5 s of CPU time went by. */
static void spin_until(volatile sig_atomic_t *counter, int n)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    volatile unsigned long x = 0;
    while (*counter < n) {
        for (int i = 0; i < 100000; i++) x += i;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        if (t.tv_sec - t0.tv_sec > 5) break;
    }
}

int main(void)
{
    check_enter_tmpdir("signal_edges");

    /* ---- handlers whose definition takes fewer parameters ---- */
    install(SIGUSR1, no_params, 0);
    hits = 0;
    raise(SIGUSR1);
    CHECK_EQ(hits, 1, "a handler defined without parameters runs");
    install(SIGUSR1, no_params, SA_SIGINFO);
    hits = 0;
    raise(SIGUSR1);
    CHECK_EQ(hits, 1, "an SA_SIGINFO handler defined without parameters runs");
    install(SIGUSR1, (void (*)())one_param, SA_SIGINFO);
    hits = 0;
    raise(SIGUSR1);
    CHECK(hits == 1 && got_sig == SIGUSR1, "an SA_SIGINFO handler taking only the signal number gets it");
    install(SIGUSR1, (void (*)())two_params, SA_SIGINFO);
    hits = 0;
    kill(getpid(), SIGUSR1);
    CHECK(hits == 1 && got_sig == SIGUSR1 + 100, "an SA_SIGINFO handler taking two parameters gets the siginfo");
    signal(SIGUSR1, SIG_DFL);

    /* ---- invalid signal numbers ---- */
    sigset_t s;
    sigemptyset(&s);
    CHECK_ERRNO(sigaddset(&s, -1), EINVAL, "sigaddset of -1 -> EINVAL");
    CHECK_ERRNO(sigaddset(&s, 0), EINVAL, "sigaddset of 0 -> EINVAL");
    CHECK_ERRNO(sigaddset(&s, 65), EINVAL, "sigaddset of 65 -> EINVAL");
    CHECK_ERRNO(sigdelset(&s, -1), EINVAL, "sigdelset of -1 -> EINVAL");
    CHECK_ERRNO(sigismember(&s, -1), EINVAL, "sigismember of -1 -> EINVAL");
    CHECK_ERRNO(sigpause(-1), EINVAL, "sigpause of -1 -> EINVAL (does not block)");
    CHECK_ERRNO(sigpause(0), EINVAL, "sigpause of 0 -> EINVAL");

    /* ---- SA_NOCLDWAIT: no zombies; wait blocks until the children are gone, then ECHILD;
     * a handler still gets SIGCHLD (Linux) ---- */
    install(SIGCHLD, (void (*)())on_chld, SA_NOCLDWAIT);
    chld_hits = 0;
    pid_t quick = fork();
    if (quick == 0) _exit(3);
    pid_t slow = fork();
    if (slow == 0) {
        usleep(100000);
        _exit(4);
    }
    int st;
    errno = 0;
    pid_t w;
    while ((w = wait(&st)) < 0 && errno == EINTR) {}
    CHECK(w == -1 && errno == ECHILD, "SA_NOCLDWAIT: wait blocks until both children end, then ECHILD");
    CHECK_ERRNO(kill(slow, 0), ESRCH, "SA_NOCLDWAIT: an ended child leaves no zombie");
    CHECK(chld_hits >= 1, "SA_NOCLDWAIT: a SIGCHLD handler is still called");
    signal(SIGCHLD, SIG_DFL);

    /* ---- sigwaitinfo of another process's kill: SI_USER and its pid ---- */
    {
        sigset_t w1;
        sigemptyset(&w1);
        sigaddset(&w1, SIGUSR2);
        sigprocmask(SIG_BLOCK, &w1, NULL);
        pid_t parent = getpid();
        pid_t c = fork();
        if (c == 0) {
            kill(parent, SIGUSR2);
            _exit(0);
        }
        siginfo_t si;
        memset(&si, 0, sizeof si);
        int sig = sigwaitinfo(&w1, &si);
        CHECK(sig == SIGUSR2 && si.si_signo == SIGUSR2, "sigwaitinfo takes a signal another process sent");
        CHECK_EQ(si.si_code, SI_USER, "sigwaitinfo: si_code of kill is SI_USER");
        CHECK(si.si_pid == c, "sigwaitinfo: si_pid is the sender");
        CHECK(si.si_uid == getuid(), "sigwaitinfo: si_uid is the sender's real uid");
        waitpid(c, NULL, 0);
        /* While it waits, too. */
        c = fork();
        if (c == 0) {
            usleep(50000);
            kill(parent, SIGUSR2);
            _exit(0);
        }
        memset(&si, 0, sizeof si);
        sig = sigwaitinfo(&w1, &si);
        CHECK(sig == SIGUSR2 && si.si_code == SI_USER && si.si_pid == c, "sigwaitinfo woken by another process's kill: SI_USER, its pid");
        waitpid(c, NULL, 0);
        sigprocmask(SIG_UNBLOCK, &w1, NULL);
    }

    /* ---- ITIMER_VIRTUAL and ITIMER_PROF count CPU time, not wall time ---- */
    {
        install(SIGVTALRM, (void (*)())on_vtalrm, 0);
        install(SIGPROF, (void (*)())on_prof, 0);
        struct itimerval it = {{0, 0}, {0, 50000}}, cur;
        CHECK_OK(setitimer(ITIMER_VIRTUAL, &it, NULL), "setitimer(ITIMER_VIRTUAL)");
        CHECK_OK(getitimer(ITIMER_VIRTUAL, &cur), "getitimer(ITIMER_VIRTUAL)");
        /* (Linux rounds it to its clock tick: a little more than was set, at times.) */
        CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0, "getitimer(ITIMER_VIRTUAL): the time left");
        usleep(150000); /* asleep: no CPU time, no signal */
        CHECK_EQ(vtalrm, 0, "ITIMER_VIRTUAL does not fire while the process sleeps");
        spin_until(&vtalrm, 1);
        CHECK_EQ(vtalrm, 1, "ITIMER_VIRTUAL fires SIGVTALRM after its CPU time");
        CHECK_OK(getitimer(ITIMER_VIRTUAL, &cur), "getitimer after expiry");
        CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0, "a one-shot ITIMER_VIRTUAL is disarmed after it fired");
        CHECK_OK(setitimer(ITIMER_PROF, &it, NULL), "setitimer(ITIMER_PROF)");
        spin_until(&prof, 1);
        CHECK_EQ(prof, 1, "ITIMER_PROF fires SIGPROF after its CPU time");
        /* Periodic: fires again and again. */
        struct itimerval periodic = {{0, 20000}, {0, 20000}};
        prof = 0;
        setitimer(ITIMER_PROF, &periodic, NULL);
        spin_until(&prof, 3);
        struct itimerval off = {{0, 0}, {0, 0}};
        setitimer(ITIMER_PROF, &off, &cur);
        CHECK(prof >= 3 && cur.it_interval.tv_usec == 20000, "a periodic ITIMER_PROF fires repeatedly and keeps its interval");
        CHECK_ERRNO(setitimer(3, &it, NULL), EINVAL, "setitimer of an unknown timer -> EINVAL");
        signal(SIGVTALRM, SIG_DFL);
        signal(SIGPROF, SIG_DFL);
    }

    return check_finish();
}
