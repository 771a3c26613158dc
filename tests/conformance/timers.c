/* POSIX per-process timers (timer_create(2)): SIGEV_SIGNAL with its siginfo, one-shot and
 * periodic, timer_gettime and disarming, overruns while the signal waits, SIGEV_NONE, a
 * CPU-time clock, SIGEV_THREAD, and the errors. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "check.h"

static volatile sig_atomic_t hits, code, value;
static void on_timer(int sig, siginfo_t *info, void *uc)
{
    (void)sig; (void)uc;
    hits++;
    code = info->si_code;
    value = info->si_value.sival_int;
}

static volatile int thread_notified;
static void notify(union sigval v) { if (v.sival_int == 5) __atomic_store_n(&thread_notified, 1, __ATOMIC_SEQ_CST); }

static struct itimerspec in_ms(long value, long interval)
{
    struct itimerspec s = {{interval / 1000, (interval % 1000) * 1000000}, {value / 1000, (value % 1000) * 1000000}};
    return s;
}

int main(void)
{
    check_enter_tmpdir("timers");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    /* ---- one-shot SIGEV_SIGNAL ---- */
    timer_t t;
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    ev.sigev_value.sival_int = 77;
    CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t), "timer_create(CLOCK_MONOTONIC, SIGEV_SIGNAL)");
    struct itimerspec cur, v = in_ms(20, 0);
    CHECK_OK(timer_settime(t, 0, &v, NULL), "timer_settime 20 ms");
    CHECK_OK(timer_gettime(t, &cur), "timer_gettime");
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 20000000, "timer_gettime: the time left, at most what was set");
    for (int i = 0; i < 200 && !hits; i++) usleep(5000);
    CHECK_EQ(hits, 1, "the one-shot timer fires once");
    CHECK(code == SI_TIMER && value == 77, "its signal carries SI_TIMER and the sigevent's value");
    timer_gettime(t, &cur);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "a fired one-shot timer is disarmed");

    /* ---- periodic, taken with sigwaitinfo ---- */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    v = in_ms(10, 10);
    timer_settime(t, 0, &v, NULL);
    int got = 0;
    for (int i = 0; i < 3; i++) {
        siginfo_t si;
        if (sigwaitinfo(&set, &si) == SIGUSR1 && si.si_code == SI_TIMER) got++;
    }
    CHECK_EQ(got, 3, "a periodic timer signals again and again");
    timer_gettime(t, &cur);
    CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 10000000, "timer_gettime gives the interval");
    struct itimerspec off = in_ms(0, 0), old;
    CHECK_OK(timer_settime(t, 0, &off, &old), "disarm");
    CHECK(old.it_interval.tv_nsec == 10000000, "timer_settime gives the old setting");

    /* ---- overruns: expiries while the signal waits ---- */
    {
        siginfo_t si;
        struct timespec zero = {0, 0};
        while (sigtimedwait(&set, &si, &zero) > 0) {} /* drop what is queued */
        v = in_ms(1, 1);
        timer_settime(t, 0, &v, NULL);
        usleep(60000);
        sigwaitinfo(&set, &si);
        int overrun = timer_getoverrun(t);
        CHECK(overrun > 0, "timer_getoverrun counts expiries while the signal was pending");
        timer_settime(t, 0, &off, NULL);
        while (sigtimedwait(&set, &si, &zero) > 0) {}
    }
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    CHECK_OK(timer_delete(t), "timer_delete");
    CHECK_ERRNO(timer_gettime(t, &cur), EINVAL, "timer_gettime of a deleted timer -> EINVAL");

    /* ---- SIGEV_NONE ---- */
    ev.sigev_notify = SIGEV_NONE;
    CHECK_OK(timer_create(CLOCK_REALTIME, &ev, &t), "timer_create(SIGEV_NONE)");
    v = in_ms(500, 0);
    timer_settime(t, 0, &v, NULL);
    usleep(20000);
    timer_gettime(t, &cur);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec < 490000000, "SIGEV_NONE: the time left goes down");
    timer_delete(t);

    /* ---- a CPU-time clock ---- */
    ev.sigev_notify = SIGEV_SIGNAL;
    hits = 0;
    CHECK_OK(timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &t), "timer_create(CLOCK_PROCESS_CPUTIME_ID)");
    v = in_ms(20, 0);
    timer_settime(t, 0, &v, NULL);
    usleep(100000); /* asleep: no CPU time */
    CHECK_EQ(hits, 0, "a CPU-time timer does not fire while the process sleeps");
    struct timespec t0, now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    volatile unsigned long x = 0;
    do {
        for (int i = 0; i < 100000; i++) x += i;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    } while (!hits && now.tv_sec - t0.tv_sec < 5);
    CHECK_EQ(hits, 1, "a CPU-time timer fires after its CPU time");
    timer_delete(t);

    /* ---- SIGEV_THREAD ---- */
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = notify;
    ev.sigev_value.sival_int = 5;
    CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t), "timer_create(SIGEV_THREAD)");
    v = in_ms(10, 0);
    timer_settime(t, 0, &v, NULL);
    for (int i = 0; i < 400 && !__atomic_load_n(&thread_notified, __ATOMIC_SEQ_CST); i++) usleep(5000);
    CHECK(thread_notified, "SIGEV_THREAD: the function runs in a thread with the value");
    timer_delete(t);

    /* ---- errors ---- */
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = 1000;
    CHECK_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), EINVAL, "timer_create with an invalid signal -> EINVAL");
    ev.sigev_signo = SIGUSR1;
    CHECK_ERRNO(timer_create((clockid_t)12345, &ev, &t), EINVAL, "timer_create on an unknown clock -> EINVAL");
    CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t), "timer_create");
    struct itimerspec bad = {{0, 0}, {0, 1000000000}};
    CHECK_ERRNO(timer_settime(t, 0, &bad, NULL), EINVAL, "timer_settime with tv_nsec of a second -> EINVAL");
    timer_delete(t);
    return check_finish();
}
