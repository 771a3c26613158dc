#include <stdio.h>
#include <stdlib.h>
int rectangle_area(int w, int h);
int main(int argc, char **argv) {
  if (argc != 3) return 2;
  printf("area %d\n", rectangle_area(atoi(argv[1]), atoi(argv[2])));
  return 0;
}
