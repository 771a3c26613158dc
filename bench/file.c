/* File throughput on /tmp (tmpfs under wasmux; whatever /tmp is natively): write a 64 MiB
 * file in 64 KiB chunks, then read it back. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

enum { CHUNK = 65536, TOTAL = 64 << 20 };

int main(void) {
    char path[] = "/tmp/wasmux-bench-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) { perror("mkstemp"); return 1; }
    char *buf = malloc(CHUNK);
    memset(buf, 'y', CHUNK);
    double best_w = 1e30, best_r = 1e30;
    for (int round = 0; round < 3; round++) {
        if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET)) { perror("reset"); return 1; }
        int64_t t0 = now_ns();
        for (long done = 0; done < TOTAL; done += CHUNK)
            if (write(fd, buf, CHUNK) != CHUNK) { perror("write"); return 1; }
        int64_t t1 = now_ns();
        lseek(fd, 0, SEEK_SET);
        for (long done = 0; done < TOTAL; done += CHUNK)
            if (read(fd, buf, CHUNK) != CHUNK) { perror("read"); return 1; }
        int64_t t2 = now_ns();
        if (t1 - t0 < best_w) best_w = (double)(t1 - t0);
        if (t2 - t1 < best_r) best_r = (double)(t2 - t1);
    }
    printf("file_write_MBps %.0f MB/s\n", TOTAL / best_w * 1e3);
    printf("file_read_MBps %.0f MB/s\n", TOTAL / best_r * 1e3);
    unlink(path);
    return 0;
}
