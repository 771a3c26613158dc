/* Old C that gcc 12 accepts with warnings and clang 22 refuses unless told otherwise:
   calls through declarations without prototypes, with more or fewer arguments than the
   callee takes or another result; a pointer of an incompatible type; an integer made a
   pointer; a call to a function never declared. */
#include <stdio.h>
int add_two();
int widen();
int no_result();
void halve();
int main() {
  int n = 7;
  char *p = &n;          /* incompatible pointer types */
  int *q = 0 + (long)p;  /* integer to pointer */
  printf("%d\n", add_two(2, 3, 4));
  printf("%d\n", widen(7));
  printf("%d\n", no_result(5));
  halve(1);
  printf("%d\n", undeclared_until_later(*q));
  return 0;
}
int undeclared_until_later(int x) { return x * 2; }
