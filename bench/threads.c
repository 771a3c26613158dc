/* Threads: pthread_create+join of a thread that returns at once, a futex ping-pong
 * between two threads (one round trip: two wakes, two waits), and a mutex contended by
 * four threads (time per lock+unlock). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

static void *nothing(void *arg) { return arg; }

static _Atomic int ball;
enum { ROUNDS = 2000 };

/* futex(2) operations (musl has no <linux/futex.h>). */
enum { FUTEX_WAIT_PRIVATE = 128, FUTEX_WAKE_PRIVATE = 129 };

static void futex_wait(_Atomic int *w, int v) { syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0); }
static void futex_wake(_Atomic int *w) { syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0); }

/* The partner: waits for an odd value, answers with the next even one. */
static void *partner(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        int v;
        while (((v = atomic_load(&ball)) & 1) == 0) futex_wait(&ball, v);
        atomic_store(&ball, v + 1);
        futex_wake(&ball);
    }
    return NULL;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long shared;
enum { LOCKS = 20000 };
static void *contend(void *arg) {
    (void)arg;
    for (int i = 0; i < LOCKS; i++) {
        pthread_mutex_lock(&lock);
        shared++;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int main(void) {
    double ns;
    pthread_t t;
    BEST_OF(3, 200, ns, {
        pthread_create(&t, NULL, nothing, NULL);
        pthread_join(t, NULL);
    });
    printf("thread_create_join_us %.1f us\n", ns / 1000);

    double best = 1e30;
    for (int r = 0; r < 3; r++) {
        atomic_store(&ball, 0);
        pthread_create(&t, NULL, partner, NULL);
        int64_t t0 = now_ns();
        for (int i = 0; i < ROUNDS; i++) {
            int v = atomic_load(&ball);
            atomic_store(&ball, v + 1);
            futex_wake(&ball);
            while ((v = atomic_load(&ball)) & 1) futex_wait(&ball, v);
        }
        double per = (double)(now_ns() - t0) / ROUNDS;
        pthread_join(t, NULL);
        if (per < best) best = per;
    }
    printf("futex_pingpong_us %.1f us\n", best / 1000);

    best = 1e30;
    for (int r = 0; r < 3; r++) {
        pthread_t ts[4];
        int64_t t0 = now_ns();
        for (int i = 0; i < 4; i++) pthread_create(&ts[i], NULL, contend, NULL);
        for (int i = 0; i < 4; i++) pthread_join(ts[i], NULL);
        double per = (double)(now_ns() - t0) / (4.0 * LOCKS);
        if (per < best) best = per;
    }
    printf("mutex_4threads_ns %.1f ns\n", best);
    return 0;
}
