/* Crashes in one of several ways, chosen by argv[1], after printing a line. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#pragma clang diagnostic ignored "-Winfinite-recursion"
static int deep(int n) {
    volatile char big[65536];
    big[0] = (char)n;
    return deep(n + 1) + big[0];
}

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "trap";
    printf("about to crash (%s)\n", how);
    fflush(stdout);
    if (strcmp(how, "trap") == 0) __builtin_trap();
    if (strcmp(how, "wild") == 0) {
        volatile char *p = (char *)0xfffffff0u; /* beyond the wasm memory */
        *p = 1;
    }
    if (strcmp(how, "recurse") == 0) return deep(0);
    if (strcmp(how, "divide") == 0) {
        volatile int zero = 0, num = 12345;
        return num / zero;
    }
    return 0;
}
