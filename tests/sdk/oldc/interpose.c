/* A program's own definition of a C library function wins over the library's, as with a
   shared C library (bash defines strtoimax; musl's strtol.o defines it too, beside
   strtol, which the program also uses). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

intmax_t strtoimax(const char *s, char **end, int base) {
  (void)s, (void)end, (void)base;
  return 42;
}

int main(void) {
  printf("%ld %jd\n", strtol("7", 0, 10), strtoimax("9", 0, 10));
  return 0;
}
