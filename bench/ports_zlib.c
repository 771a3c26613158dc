// A zlib workload (bench/ports.sh): compresses and decompresses 32 MiB of half-random
// text at levels 1, 6 and 9. Prints "name value unit" lines (MB/s of input).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void) {
  const size_t n = 32u << 20;
  unsigned char *in = malloc(n), *out = malloc(compressBound(n)), *back = malloc(n);
  if (!in || !out || !back) return 1;
  unsigned x = 1;
  for (size_t i = 0; i < n; i++) {
    x = x * 1103515245 + 12345;
    in[i] = (x >> 16) % 4 == 0 ? "abcdefgh "[(x >> 8) % 9] : in[i > 64 ? i - 64 : 0];
  }
  for (int level = 1; level <= 9; level += level == 1 ? 5 : 3) {
    uLongf clen = compressBound(n);
    double t0 = now();
    if (compress2(out, &clen, in, n, level) != Z_OK) return 1;
    double t1 = now();
    uLongf blen = n;
    if (uncompress(back, &blen, out, clen) != Z_OK || blen != n || memcmp(in, back, n) != 0) return 1;
    double t2 = now();
    printf("zlib_deflate_%d %.1f MB/s\n", level, n / 1e6 / (t1 - t0));
    printf("zlib_inflate_%d %.1f MB/s\n", level, n / 1e6 / (t2 - t1));
  }
  return 0;
}
