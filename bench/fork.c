/* fork: fork+_exit+waitpid of this small program, with a 4 MiB and a 64 MiB heap in use,
 * and fork+execve+waitpid of it (the child image exits at once). */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

static void reap(pid_t pid) {
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "child failed\n");
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) return 0;
    char *args[] = {argv[0], "child", NULL};
    double ns;
    BEST_OF(3, 100, ns, {
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        reap(pid);
    });
    printf("fork_exit_wait_us %.1f us\n", ns / 1000);
    /* A heap in use (written, so every page is real on both sides). */
    for (int mib = 4; mib <= 64; mib *= 16) {
        size_t size = (size_t)mib << 20;
        char *heap = malloc(size);
        memset(heap, 1, size);
        BEST_OF(3, 20, ns, {
            pid_t pid = fork();
            if (pid == 0) _exit(heap[size - 1] == 1 ? 0 : 1);
            reap(pid);
        });
        printf("fork_%dmib_heap_us %.1f us\n", mib, ns / 1000);
        free(heap);
    }
    BEST_OF(3, 50, ns, {
        pid_t pid = fork();
        if (pid == 0) {
            execve(argv[0], args, environ);
            _exit(127);
        }
        reap(pid);
    });
    printf("fork_exec_wait_us %.1f us\n", ns / 1000);
    return 0;
}
