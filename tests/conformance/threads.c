/* POSIX threads: creation and join, detached threads, mutexes (normal, recursive,
 * error-checking, robust), condition variables with timeouts, barriers, rwlocks, unnamed
 * semaphores, thread-local storage (__thread, keys with destructors), cancellation of a
 * thread blocked in read(), signals directed at the process and at one thread, fork and
 * exec from a thread, exit_group from a thread while others block in the kernel, and a
 * 100-thread counter under a mutex. */
#define _GNU_SOURCE
#include <aio.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

extern char **environ;

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

/* ---- basics ---- */
static void *return_arg(void *arg) { return arg; }
static void *own_tid(void *arg) { (void)arg; return (void *)(long)gettid_(); }

/* ---- a counter under a mutex ---- */
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static void *count_up(void *arg)
{
    long n = (long)arg;
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&counter_lock);
        counter++;
        pthread_mutex_unlock(&counter_lock);
    }
    return NULL;
}

/* ---- robust mutex: the owner dies holding it ---- */
static pthread_mutex_t robust;
static void *die_holding(void *arg) { (void)arg; pthread_mutex_lock(&robust); return NULL; }

/* ---- condition variable ---- */
static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cv_ready;
static void *signal_later(void *arg)
{
    (void)arg;
    usleep(20000);
    pthread_mutex_lock(&cv_lock);
    cv_ready = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&cv_lock);
    return NULL;
}

/* ---- barrier ---- */
static pthread_barrier_t barrier;
static volatile int before_barrier;
static void *at_barrier(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&before_barrier, 1, __ATOMIC_SEQ_CST);
    int r = pthread_barrier_wait(&barrier);
    return (void *)(long)(r == PTHREAD_BARRIER_SERIAL_THREAD ? 2 : r == 0 ? 1 : 0);
}

/* ---- rwlock ---- */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static void *try_write(void *arg) { (void)arg; return (void *)(long)pthread_rwlock_trywrlock(&rw); }
static void *try_read(void *arg)
{
    (void)arg;
    int r = pthread_rwlock_tryrdlock(&rw);
    if (r == 0) pthread_rwlock_unlock(&rw);
    return (void *)(long)r;
}

/* ---- semaphore ---- */
static sem_t sem;
static void *post_twice(void *arg) { (void)arg; usleep(10000); sem_post(&sem); sem_post(&sem); return NULL; }

/* ---- TLS ---- */
static __thread int tls_value = 7;
static pthread_key_t key;
static volatile int destructor_calls;
static void destructor(void *p) { if (p == (void *)&destructor_calls) __atomic_add_fetch(&destructor_calls, 1, __ATOMIC_SEQ_CST); }
static void *use_tls(void *arg)
{
    tls_value += (int)(long)arg;
    pthread_setspecific(key, (void *)&destructor_calls);
    return (void *)(long)tls_value;
}

/* ---- detached ---- */
static volatile int detached_ran;
static void *detached(void *arg) { (void)arg; __atomic_store_n(&detached_ran, 1, __ATOMIC_SEQ_CST); return NULL; }

/* ---- cancellation of a thread blocked in read() ---- */
static int cancel_pipe[2];
static volatile int cleanup_ran;
static void cleanup(void *arg) { (void)arg; cleanup_ran = 1; }
static void *block_in_read(void *arg)
{
    (void)arg;
    char c;
    pthread_cleanup_push(cleanup, NULL);
    read(cancel_pipe[0], &c, 1);
    pthread_cleanup_pop(0);
    return NULL;
}

/* ---- a priority-inheritance mutex, contended ---- */
static pthread_mutex_t pi;
static long pi_counter;
static void *count_pi(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&pi);
        pi_counter++;
        pthread_mutex_unlock(&pi);
    }
    return NULL;
}

/* ---- pthread_atfork ---- */
static volatile int atfork_prepare, atfork_parent;
static void on_prepare(void) { atfork_prepare++; }
static void on_parent(void) { atfork_parent++; }

static const char *self_path;

/* ---- posix_spawn from a thread ---- */
static void *spawn_child(void *arg)
{
    (void)arg;
    pid_t p;
    char *args[] = {(char *)self_path, "child", NULL};
    if (posix_spawn(&p, self_path, NULL, NULL, args, environ) != 0) return (void *)-1L;
    int st = 0;
    waitpid(p, &st, 0);
    return (void *)(long)(WIFEXITED(st) ? WEXITSTATUS(st) : 100);
}

/* ---- signals ---- */
static volatile pid_t handled_by;
static void on_usr1(int sig) { (void)sig; handled_by = gettid_(); }
static volatile int worker_ready;
static void *unblocked_worker(void *arg)
{
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    worker_ready = 1;
    while (!handled_by) usleep(1000);
    return (void *)(long)gettid_();
}

/* ---- fork and exec from a thread ---- */
static void *fork_exec(void *arg)
{
    (void)arg;
    pid_t p = fork();
    if (p == 0) {
        char *args[] = {(char *)self_path, "child", NULL};
        execve(self_path, args, environ);
        _exit(99);
    }
    int st = 0;
    waitpid(p, &st, 0);
    return (void *)(long)(WIFEXITED(st) ? WEXITSTATUS(st) : 100);
}
static void *fork_only(void *arg)
{
    (void)arg;
    pid_t p = fork();
    if (p == 0) {
        /* The child has only this thread. */
        char buf[256] = {0};
        FILE *f = fopen("/proc/self/status", "r");
        int threads = 0;
        while (f && fgets(buf, sizeof buf, f))
            if (!strncmp(buf, "Threads:", 8)) threads = atoi(buf + 8);
        if (f) fclose(f);
        _exit(threads == 1 ? 0 : 1);
    }
    int st = 0;
    waitpid(p, &st, 0);
    return (void *)(long)(WIFEXITED(st) ? WEXITSTATUS(st) : 100);
}

/* ---- exec from a thread that is not the main one ---- */
static void *exec_now(void *arg)
{
    (void)arg;
    char *args[] = {(char *)self_path, "child", NULL};
    execve(self_path, args, environ);
    return NULL;
}

/* ---- a thread's fault ends the process by its signal ---- */
static void *fault(void *arg)
{
    (void)arg;
    usleep(10000);
    *(volatile int *)(uintptr_t)0xfffffff0u = 1; /* outside memory: SIGSEGV */
    return NULL;
}
static void *spin(void *arg) { (void)arg; for (volatile unsigned long i = 0;; i++) {} return NULL; }

/* ---- sigwaitinfo in a dedicated thread ---- */
static void *wait_for_usr2(void *arg)
{
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    siginfo_t si;
    int sig = sigwaitinfo(&s, &si);
    return (void *)(long)(sig == SIGUSR2 && si.si_code == SI_USER ? 1 : 0);
}

/* ---- memory handed between threads while one maps more ---- */
static char *volatile handed;
static volatile int handed_done;
static void *map_blocks(void *arg)
{
    (void)arg;
    for (int i = 0; i < 32; i++) {
        char *b = malloc(1 << 20); /* large: each its own mapping */
        memset(b, i, 1 << 20);
        while (__atomic_load_n(&handed, __ATOMIC_SEQ_CST)) {}
        __atomic_store_n(&handed, b, __ATOMIC_SEQ_CST);
    }
    return NULL;
}
static void *copy_blocks(void *arg)
{
    (void)arg;
    static char buf[1 << 20];
    int good = 0;
    for (int i = 0; i < 32; i++) {
        char *b;
        while (!(b = __atomic_load_n(&handed, __ATOMIC_SEQ_CST))) {}
        memcpy(buf, b, sizeof buf);      /* bulk memory on pages another thread mapped */
        __atomic_fetch_add((int *)b, 1, __ATOMIC_SEQ_CST); /* and an atomic there */
        good += buf[12345] == (char)i;
        free(b);
        __atomic_store_n(&handed, NULL, __ATOMIC_SEQ_CST);
    }
    return (void *)(long)good;
}

/* ---- RLIMIT_NPROC counts threads ---- */
static void *hold(void *arg) { (void)arg; pause(); return NULL; }
static int nproc_limited(void)
{
    struct rlimit rl = {4, 4};
    if (setrlimit(RLIMIT_NPROC, &rl) != 0 || setuid(65534) != 0) return 10;
    pthread_t t;
    int made = 0, r = 0;
    while (made < 10 && (r = pthread_create(&t, NULL, hold, NULL)) == 0) made++;
    return made == 3 && r == EAGAIN ? 0 : 20 + made;
}

/* ---- exit_group from a thread while others block ---- */
static int group_pipe[2];
static void *block_forever(void *arg) { (void)arg; char c; read(group_pipe[0], &c, 1); return NULL; }
static void *exit_group_now(void *arg) { (void)arg; usleep(20000); exit(42); }

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child")) return 17;
    static char self[4096];
    if (!realpath(argv[0], self)) { perror("realpath"); return 1; }
    self_path = self;
    check_enter_tmpdir("threads");
    pthread_t t, ts[8];
    void *r;

    /* ---- creation, join, ids ---- */
    CHECK_EQ(pthread_create(&t, NULL, return_arg, (void *)0x1234), 0, "pthread_create");
    CHECK_EQ(pthread_join(t, &r), 0, "pthread_join");
    CHECK(r == (void *)0x1234, "join gives the thread's return value");
    pthread_create(&t, NULL, own_tid, NULL);
    pthread_join(t, &r);
    CHECK((pid_t)(long)r != getpid() && (long)r > 0, "a thread has its own id, not the pid");
    CHECK_EQ(gettid_(), getpid(), "the main thread's id is the pid");

    /* ---- mutexes ---- */
    pthread_mutexattr_t ma;
    pthread_mutex_t m;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m, &ma);
    CHECK(pthread_mutex_lock(&m) == 0 && pthread_mutex_lock(&m) == 0, "a recursive mutex locks twice");
    CHECK(pthread_mutex_unlock(&m) == 0 && pthread_mutex_unlock(&m) == 0, "and unlocks twice");
    pthread_mutex_destroy(&m);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&m, &ma);
    pthread_mutex_lock(&m);
    CHECK_EQ(pthread_mutex_lock(&m), EDEADLK, "an error-checking mutex: relock -> EDEADLK");
    pthread_mutex_unlock(&m);
    CHECK_EQ(pthread_mutex_unlock(&m), EPERM, "an error-checking mutex: unlock when not owner -> EPERM");
    pthread_mutex_destroy(&m);
    pthread_mutexattr_destroy(&ma);
    pthread_mutex_init(&m, NULL);
    pthread_mutex_lock(&m);
    CHECK_EQ(pthread_mutex_trylock(&m), EBUSY, "trylock of a locked mutex -> EBUSY");
    pthread_mutex_unlock(&m);

    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &ma);
    pthread_create(&t, NULL, die_holding, NULL);
    pthread_join(t, NULL);
    CHECK_EQ(pthread_mutex_lock(&robust), EOWNERDEAD, "a robust mutex whose owner died -> EOWNERDEAD");
    CHECK_EQ(pthread_mutex_consistent(&robust), 0, "pthread_mutex_consistent");
    CHECK_EQ(pthread_mutex_unlock(&robust), 0, "the recovered robust mutex unlocks");
    CHECK_EQ(pthread_mutex_lock(&robust), 0, "and locks again normally");
    pthread_mutex_unlock(&robust);
    pthread_mutexattr_destroy(&ma);

    /* ---- priority inheritance (the kernel's PI futexes; priorities are not enforced) ---- */
    pthread_mutexattr_init(&ma);
    CHECK_EQ(pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT), 0, "PTHREAD_PRIO_INHERIT is supported");
    pthread_mutex_init(&pi, &ma);
    pthread_mutexattr_destroy(&ma);
    for (int i = 0; i < 4; i++) pthread_create(&ts[i], NULL, count_pi, NULL);
    for (int i = 0; i < 4; i++) pthread_join(ts[i], NULL);
    CHECK_EQ(pi_counter, 8000L, "a priority-inheritance mutex shared by 4 threads");
    pthread_mutex_lock(&pi);
    CHECK_EQ(pthread_mutex_trylock(&pi), EBUSY, "trylock of a held PI mutex -> EBUSY");
    pthread_mutex_unlock(&pi);
    pthread_mutex_destroy(&pi);

    /* ---- 100 threads, one counter ---- */
    {
        pthread_t many[100];
        int made = 0;
        for (int i = 0; i < 100; i++) made += pthread_create(&many[i], NULL, count_up, (void *)1000L) == 0;
        CHECK_EQ(made, 100, "100 threads created");
        for (int i = 0; i < made; i++) pthread_join(many[i], NULL);
        CHECK_EQ(counter, 100000L, "100 threads x 1000 increments under a mutex");
    }

    /* ---- condition variables ---- */
    pthread_create(&t, NULL, signal_later, NULL);
    pthread_mutex_lock(&cv_lock);
    while (!cv_ready) pthread_cond_wait(&cv, &cv_lock);
    pthread_mutex_unlock(&cv_lock);
    pthread_join(t, NULL);
    CHECK(cv_ready, "pthread_cond_wait wakes on pthread_cond_signal");
    {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 50000000;
        if (deadline.tv_nsec >= 1000000000) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000; }
        pthread_mutex_lock(&cv_lock);
        int rc = pthread_cond_timedwait(&cv, &cv_lock, &deadline);
        pthread_mutex_unlock(&cv_lock);
        CHECK_EQ(rc, ETIMEDOUT, "pthread_cond_timedwait without a signal -> ETIMEDOUT");
    }

    /* ---- barriers ---- */
    pthread_barrier_init(&barrier, NULL, 4);
    for (int i = 0; i < 3; i++) pthread_create(&ts[i], NULL, at_barrier, NULL);
    while (__atomic_load_n(&before_barrier, __ATOMIC_SEQ_CST) < 3) usleep(1000);
    long serial = (long)at_barrier(NULL);
    for (int i = 0; i < 3; i++) { pthread_join(ts[i], &r); serial += (long)r; }
    CHECK_EQ(serial, 5L, "a barrier of 4 releases all, one of them as the serial thread");
    pthread_barrier_destroy(&barrier);

    /* ---- rwlocks ---- */
    pthread_rwlock_rdlock(&rw);
    pthread_create(&t, NULL, try_read, NULL);
    pthread_join(t, &r);
    CHECK_EQ((long)r, 0L, "a second reader gets a read-locked rwlock");
    pthread_create(&t, NULL, try_write, NULL);
    pthread_join(t, &r);
    CHECK_EQ((long)r, (long)EBUSY, "a writer does not get a read-locked rwlock");
    pthread_rwlock_unlock(&rw);

    /* ---- semaphores ---- */
    sem_init(&sem, 0, 0);
    CHECK_ERRNO(sem_trywait(&sem), EAGAIN, "sem_trywait of a zero semaphore -> EAGAIN");
    pthread_create(&t, NULL, post_twice, NULL);
    CHECK(sem_wait(&sem) == 0 && sem_wait(&sem) == 0, "sem_wait takes two posts from another thread");
    pthread_join(t, NULL);
    {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 30000000;
        if (deadline.tv_nsec >= 1000000000) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000; }
        CHECK_ERRNO(sem_timedwait(&sem, &deadline), ETIMEDOUT, "sem_timedwait without a post -> ETIMEDOUT");
    }
    sem_destroy(&sem);

    /* ---- thread-local storage ---- */
    pthread_key_create(&key, destructor);
    pthread_create(&ts[0], NULL, use_tls, (void *)1L);
    pthread_create(&ts[1], NULL, use_tls, (void *)2L);
    void *r0, *r1;
    pthread_join(ts[0], &r0);
    pthread_join(ts[1], &r1);
    CHECK((long)r0 == 8 && (long)r1 == 9 && tls_value == 7, "__thread: each thread starts from the initial value");
    CHECK_EQ(destructor_calls, 2, "key destructors run at each thread's exit");
    pthread_key_delete(key);

    /* ---- detached threads ---- */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    CHECK_EQ(pthread_create(&t, &attr, detached, NULL), 0, "a detached thread is created");
    pthread_attr_destroy(&attr);
    for (int i = 0; i < 2000 && !__atomic_load_n(&detached_ran, __ATOMIC_SEQ_CST); i++) usleep(1000);
    CHECK(detached_ran, "the detached thread runs");

    /* ---- cancellation of a thread blocked in read() ---- */
    pipe(cancel_pipe);
    pthread_create(&t, NULL, block_in_read, NULL);
    usleep(30000);
    CHECK_EQ(pthread_cancel(t), 0, "pthread_cancel");
    CHECK_EQ(pthread_join(t, &r), 0, "join of the cancelled thread");
    CHECK(r == PTHREAD_CANCELED, "a thread blocked in read() ends as PTHREAD_CANCELED");
    CHECK(cleanup_ran, "its cleanup handler ran");

    /* ---- a signal to the process goes to the one thread that does not block it ---- */
    {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1;
        sigaction(SIGUSR1, &sa, NULL);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        pthread_sigmask(SIG_BLOCK, &s, NULL);
        pthread_create(&t, NULL, unblocked_worker, NULL);
        while (!worker_ready) usleep(1000);
        kill(getpid(), SIGUSR1);
        pthread_join(t, &r);
        CHECK(handled_by == (pid_t)(long)r && handled_by != getpid(), "kill() is handled by the thread that does not block it");
        handled_by = 0;
        pthread_sigmask(SIG_UNBLOCK, &s, NULL);
        pthread_kill(pthread_self(), SIGUSR1);
        CHECK(handled_by == getpid(), "pthread_kill to the main thread: its handler runs there");
        signal(SIGUSR1, SIG_DFL);
    }

    /* ---- POSIX AIO ---- */
    {
        int fd = open("aio-file", O_RDWR | O_CREAT | O_TRUNC, 0644);
        char out[] = "written by aio", in[32] = {0};
        struct aiocb w = {.aio_fildes = fd, .aio_buf = out, .aio_nbytes = sizeof out - 1, .aio_offset = 0};
        CHECK_OK(aio_write(&w), "aio_write");
        const struct aiocb *list[1] = {&w};
        while (aio_error(&w) == EINPROGRESS) aio_suspend(list, 1, NULL);
        CHECK_EQ(aio_return(&w), (ssize_t)(sizeof out - 1), "aio_write completes with its length");
        struct aiocb r2 = {.aio_fildes = fd, .aio_buf = in, .aio_nbytes = sizeof out - 1, .aio_offset = 0};
        CHECK_OK(aio_read(&r2), "aio_read");
        list[0] = &r2;
        while (aio_error(&r2) == EINPROGRESS) aio_suspend(list, 1, NULL);
        CHECK(aio_return(&r2) == (ssize_t)(sizeof out - 1) && !strcmp(in, out), "aio_read reads it back");
        close(fd);
    }

    /* ---- pthread_atfork, posix_spawn from a thread ---- */
    CHECK_EQ(pthread_atfork(on_prepare, on_parent, NULL), 0, "pthread_atfork");
    {
        pid_t p = fork();
        if (p == 0) _exit(0);
        waitpid(p, NULL, 0);
        CHECK(atfork_prepare == 1 && atfork_parent == 1, "the atfork handlers run around fork");
    }
    pthread_create(&t, NULL, spawn_child, NULL);
    pthread_join(t, &r);
    CHECK_EQ((long)r, 17L, "posix_spawn from a thread");

    /* ---- fork from a thread: the child has that thread only; then exec ---- */
    pthread_create(&t, NULL, fork_only, NULL);
    pthread_join(t, &r);
    CHECK_EQ((long)r, 0L, "fork from a thread: the child has one thread");
    pthread_create(&t, NULL, fork_exec, NULL);
    pthread_join(t, &r);
    CHECK_EQ((long)r, 17L, "fork then exec from a thread runs the new program");

    /* ---- exec from a non-main thread: the other threads end, the pid stays ---- */
    {
        pid_t p = fork();
        if (p == 0) {
            pipe(group_pipe);
            pthread_create(&ts[0], NULL, block_forever, NULL);
            pthread_create(&ts[1], NULL, spin, NULL);
            pthread_create(&ts[2], NULL, exec_now, NULL);
            for (;;) pause();
        }
        int st = 0;
        CHECK_EQ(waitpid(p, &st, 0), p, "the process that exec'd from a thread is still the child");
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 17, "exec from a non-main thread runs the new program in the same process");
    }

    /* ---- a fault in a thread; a fatal signal to a process whose threads spin ---- */
    {
        pid_t p = fork();
        if (p == 0) {
            pthread_create(&ts[0], NULL, spin, NULL);
            pthread_create(&ts[1], NULL, fault, NULL);
            for (;;) pause();
        }
        int st = 0;
        waitpid(p, &st, 0);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a thread's fault ends its process by SIGSEGV");
        p = fork();
        if (p == 0) {
            pthread_create(&ts[0], NULL, spin, NULL);
            pthread_create(&ts[1], NULL, spin, NULL);
            spin(NULL);
        }
        usleep(50000);
        kill(p, SIGTERM);
        waitpid(p, &st, 0);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "SIGTERM ends a process whose threads all spin in user code");
    }

    /* ---- sigwaitinfo in a dedicated thread ---- */
    {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR2);
        pthread_sigmask(SIG_BLOCK, &s, NULL);
        pthread_create(&t, NULL, wait_for_usr2, NULL);
        usleep(20000);
        kill(getpid(), SIGUSR2);
        pthread_join(t, &r);
        CHECK_EQ((long)r, 1L, "a thread waiting in sigwaitinfo takes a signal sent to the process");
        pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    }

    /* ---- memory one thread maps, used by another (bulk copies and atomics) ---- */
    pthread_create(&ts[0], NULL, map_blocks, NULL);
    pthread_create(&ts[1], NULL, copy_blocks, NULL);
    pthread_join(ts[0], NULL);
    pthread_join(ts[1], &r);
    CHECK_EQ((long)r, 32L, "32 blocks mapped by one thread are copied by another");

    /* ---- more threads than RLIMIT_NPROC: EAGAIN ---- */
    {
        pid_t p = fork();
        if (p == 0) _exit(nproc_limited());
        int st = 0;
        waitpid(p, &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "threads count toward RLIMIT_NPROC: the fourth task is EAGAIN");
    }

    /* ---- exit_group from a thread while others block in the kernel ---- */
    {
        pid_t p = fork();
        if (p == 0) {
            pipe(group_pipe);
            for (int i = 0; i < 3; i++) pthread_create(&ts[i], NULL, block_forever, NULL);
            pthread_create(&ts[3], NULL, exit_group_now, NULL);
            for (;;) pause();
        }
        int st = 0;
        waitpid(p, &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "exit() from a thread ends every thread, blocked ones too");
    }

    return check_finish();
}
