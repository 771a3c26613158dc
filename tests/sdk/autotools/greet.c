#include <stdio.h>
int greet(char *out, int size, const char *who) { return snprintf(out, size, "hello, %s", who); }
