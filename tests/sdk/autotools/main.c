#include <stdio.h>
int greet(char *out, int size, const char *who);
int main(int argc, char **argv) {
  char line[64];
  greet(line, sizeof line, argc > 1 ? argv[1] : "world");
  puts(line);
  return 0;
}
