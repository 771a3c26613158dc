/* Shared timing helpers of the benchmark programs (built natively and for wasmux). Each
 * program prints "name value unit" lines that bench/run.sh pairs up into ratios. */
#ifndef WASMUX_BENCH_H
#define WASMUX_BENCH_H
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Runs body `iterations` times per round, several rounds, and keeps the fastest round:
 * on a noisy machine the minimum is the most repeatable estimate. */
#define BEST_OF(rounds, iterations, result_ns_per_op, body)                     \
    do {                                                                         \
        double best_ = 1e30;                                                     \
        for (int r_ = 0; r_ < (rounds); r_++) {                                  \
            int64_t t0_ = now_ns();                                              \
            for (long i_ = 0; i_ < (long)(iterations); i_++) { body; }           \
            double per_ = (double)(now_ns() - t0_) / (double)(iterations);       \
            if (per_ < best_) best_ = per_;                                      \
        }                                                                        \
        (result_ns_per_op) = best_;                                              \
    } while (0)
#endif
