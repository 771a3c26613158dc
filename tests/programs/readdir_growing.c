/* Lists a directory with small getdents64 buffers while a file is created after the first
 * call, and prints every name the listing returned more than once or not at all: readdir(3)
 * returns each entry not removed meanwhile exactly once. Usage: readdir_growing DIR */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { FILES = 40 };

int main(int argc, char **argv)
{
    char name[32], buf[256]; /* a few entries per call */
    int seen[FILES] = {0}, calls = 0, bad = 0;
    if (argc < 2 || chdir(argv[1]) != 0) {
        perror("chdir");
        return 2;
    }
    for (int i = 0; i < FILES; i++) {
        snprintf(name, sizeof name, "f%02d", i);
        close(open(name, O_CREAT | O_WRONLY, 0644));
    }
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    for (long n; (n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0;) {
        if (++calls == 1) close(open("a-new", O_CREAT | O_WRONLY, 0644));
        for (long off = 0; off < n; off += ((struct dirent64 *)(buf + off))->d_reclen) {
            int i;
            if (sscanf(((struct dirent64 *)(buf + off))->d_name, "f%d", &i) == 1 && i >= 0 && i < FILES) seen[i]++;
        }
    }
    for (int i = 0; i < FILES; i++)
        if (seen[i] != 1) printf("f%02d seen %d times\n", i, seen[i]), bad = 1;
    printf("%s after %d calls\n", bad ? "FAIL" : "ok", calls);
    return bad;
}
