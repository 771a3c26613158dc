/* Two threads blocked in read() while the main thread waits for a line on stdin; then the
 * threads are released, joined, and the program exits 0. For the host API's thread hooks
 * and getThreads (tests/e2e/threads.test.mjs). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int fds[2];

static void *wait_for_byte(void *arg) {
  (void)arg;
  char c;
  return read(fds[0], &c, 1) == 1 ? NULL : (void *)1;
}

int main(void) {
  pthread_t t[2];
  if (pipe(fds) != 0) return 1;
  for (int i = 0; i < 2; i++)
    if (pthread_create(&t[i], NULL, wait_for_byte, NULL) != 0) return 2;
  printf("started\n");
  fflush(stdout);
  char line[16];
  if (!fgets(line, sizeof line, stdin)) return 3;
  if (write(fds[1], "xy", 2) != 2) return 4;
  for (int i = 0; i < 2; i++) {
    void *r;
    pthread_join(t[i], &r);
    if (r) return 5;
  }
  return 0;
}
