/* Functions defined with prototypes, which caller.c calls through declarations without one
   (or with another type), as old C does: the SDK's adapters pass what a native call would. */
#include <stdio.h>
int add_two(int a, int b) { return a + b; }
long long widen(long long a, int b) { return a * 1000 + b; }
void no_result(int a) { printf("no_result %d\n", a); }
double halve(double x) { return x / 2; }
