/* fault_probe MODE [ARG]: what a program sees of host faults (tests/e2e/faults.test.mjs,
 * run with WASMUX_FAULTS). Prints one line per step: "step: OK" or "step: ERRNAME".
 *   write DIR     open DIR/probe for writing, write to it, fsync it
 *   read FILE     open FILE and read it
 *   mkdir DIR     mkdir DIR/newdir
 *   memory        malloc and mmap 256 MiB
 *   children N    fork N children that sleep a second and exit 0; prints how they ended
 *   threads N     start N threads that sleep a second; prints "joined N" */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *name(int e)
{
	switch (e) {
	case EIO: return "EIO";
	case ENOSPC: return "ENOSPC";
	case EACCES: return "EACCES";
	case ENOMEM: return "ENOMEM";
	case EAGAIN: return "EAGAIN";
	case ENOENT: return "ENOENT";
	default: return "other";
	}
}

static void *sleeper(void *arg)
{
	struct timespec t = {1, 0};
	nanosleep(&t, NULL);
	return arg;
}

static void report(const char *step, int ok)
{
	printf("%s: %s\n", step, ok ? "OK" : name(errno));
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *mode = argv[1];
	char path[4096];
	if (strcmp(mode, "write") == 0 && argc > 2) {
		snprintf(path, sizeof path, "%s/probe", argv[2]);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		report("open", fd >= 0);
		if (fd < 0)
			return 1;
		report("write", write(fd, "data", 4) == 4);
		report("fsync", fsync(fd) == 0);
		close(fd);
	} else if (strcmp(mode, "read") == 0 && argc > 2) {
		int fd = open(argv[2], O_RDONLY);
		report("open", fd >= 0);
		if (fd < 0)
			return 1;
		char buf[64];
		report("read", read(fd, buf, sizeof buf) >= 0);
		close(fd);
	} else if (strcmp(mode, "mkdir") == 0 && argc > 2) {
		snprintf(path, sizeof path, "%s/newdir", argv[2]);
		report("mkdir", mkdir(path, 0755) == 0);
	} else if (strcmp(mode, "memory") == 0) {
		errno = 0;
		/* Used, or the compiler may drop the call and take it for a success. */
		char *volatile p = malloc(256u << 20);
		if (p)
			p[0] = 1;
		report("malloc", p != NULL);
		void *m = mmap(NULL, 256u << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		report("mmap", m != MAP_FAILED);
	} else if (strcmp(mode, "children") == 0 && argc > 2) {
		int n = atoi(argv[2]), exited = 0, killed = 0;
		for (int i = 0; i < n; i++) {
			pid_t c = fork();
			if (c == 0) {
				struct timespec t = {1, 0};
				nanosleep(&t, NULL);
				_exit(0);
			}
			if (c < 0)
				report("fork", 0);
		}
		int st;
		while (wait(&st) > 0) {
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
				exited++;
			else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
				killed++;
		}
		printf("exited %d killed %d\n", exited, killed);
	} else if (strcmp(mode, "threads") == 0 && argc > 2) {
		int n = atoi(argv[2]), started = 0, joined = 0;
		pthread_t t[64];
		for (int i = 0; i < n && i < 64; i++)
			if (pthread_create(&t[started], NULL, sleeper, NULL) == 0)
				started++;
		for (int i = 0; i < started; i++)
			if (pthread_join(t[i], NULL) == 0)
				joined++;
		printf("joined %d\n", joined);
	} else {
		return 2;
	}
	return 0;
}
