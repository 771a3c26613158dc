/* Null-syscall latency: getpid as the raw system call (libc could cache it). */
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

int main(void) {
    double ns;
    volatile long sink = 0;
    BEST_OF(7, 1000000, ns, sink += syscall(SYS_getpid));
    printf("getpid_ns %.1f ns\n", ns);
    BEST_OF(7, 1000000, ns, { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); sink += ts.tv_nsec; });
    printf("clock_gettime_ns %.1f ns\n", ns);
    return sink == 42;
}
