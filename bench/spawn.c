/* Process creation: posix_spawn of a tiny program (this one, as a child that exits at
 * once) followed by waitpid, repeated. */
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "bench.h"

extern char **environ;

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) return 0;
    char *args[] = {argv[0], "child", NULL};
    double ns;
    BEST_OF(3, 100, ns, {
        pid_t pid;
        if (posix_spawn(&pid, argv[0], NULL, NULL, args, environ) != 0) { perror("posix_spawn"); exit(1); }
        int st;
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) { fprintf(stderr, "child failed\n"); exit(1); }
    });
    printf("spawn_wait_us %.1f us\n", ns / 1000);
    return 0;
}
