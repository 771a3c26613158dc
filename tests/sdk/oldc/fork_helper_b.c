#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int first(void);

static int start(void) {
  pid_t child = fork();
  if (child == 0) {
    puts("child");
    _exit(3);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WEXITSTATUS(status);
}

int main(void) {
  int a = first();
  int b = start();
  printf("parent %d %d\n", a, b);
  return 0;
}
