#include <stdio.h>
#include <string.h>
int greet(char *out, int size, const char *who);
int main(void) {
  char line[64];
  if (greet(line, sizeof line, "test") != 11 || strcmp(line, "hello, test") != 0) {
    fprintf(stderr, "greet gave '%s'\n", line);
    return 1;
  }
  return 0;
}
