/* A process that ran a thread (its memory is then at its maximum) forks N children one
 * after another; each maps fresh memory, checks that it reads zeros, and dirties it. The
 * host reuses the memory of one child for the next (host/src/fork_memory.ts), which must
 * never show a child what an earlier one wrote. Prints "N forks, B bad". */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void *nothing(void *arg) { return arg; }

static int all_zero(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

/* Maps len bytes: 0 when they read zeros (then they are dirtied), else an exit code. */
static int map_and_dirty(size_t len, int code) {
  unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return code;
  if (!all_zero(m, len)) return code + 1;
  memset(m, 0xab, len);
  return 0;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100;
  pthread_t t;
  if (pthread_create(&t, NULL, nothing, NULL) || pthread_join(t, NULL)) return 2;
  int bad = 0;
  for (int i = 0; i < n; i++) {
    pid_t c = fork();
    if (c < 0) return 2;
    if (c == 0) {
      int r = map_and_dirty(8 << 20, 10);
      if (!r) r = map_and_dirty(1 << 20, 20);
      _exit(r);
    }
    int status;
    waitpid(c, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
      bad++;
      printf("child %d: status %#x\n", i, status);
    }
  }
  printf("%d forks, %d bad\n", n, bad);
  return bad != 0;
}
