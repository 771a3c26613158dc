/* Pipe throughput in one process: write a chunk, read it back, repeat. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

static void run(size_t chunk, long rounds) {
    int fds[2];
    if (pipe(fds)) { perror("pipe"); exit(1); }
    char *buf = malloc(chunk);
    memset(buf, 'x', chunk);
    double ns;
    BEST_OF(5, rounds, ns, {
        if (write(fds[1], buf, chunk) != (ssize_t)chunk) { perror("write"); exit(1); }
        size_t got = 0;
        while (got < chunk) {
            ssize_t n = read(fds[0], buf + got, chunk - got);
            if (n <= 0) { perror("read"); exit(1); }
            got += (size_t)n;
        }
    });
    printf("pipe_%zuk_MBps %.0f MB/s\n", chunk / 1024, chunk / ns * 1e3);
    close(fds[0]);
    close(fds[1]);
    free(buf);
}

int main(void) {
    run(4096, 50000);
    run(65536, 10000);
    return 0;
}
