/* fork: fork+_exit+waitpid of this small program, and fork+execve+waitpid of it (the
 * child image exits at once). */
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
