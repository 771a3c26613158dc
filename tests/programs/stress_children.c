/* stress_children N [K]: forks N children, every K-th one (default 2) busy in user code and
 * the rest asleep in pause(), prints "ready N" once all run, then on a line of stdin kills them all
 * (SIGKILL), reaps each and prints "reaped N" when every one died of that signal
 * (tests/stress: 1,000 concurrent processes). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;
	int every = argc > 2 ? atoi(argv[2]) : 2;
	if (every < 1)
		every = 1;
	pid_t *pids = calloc((size_t)n, sizeof *pids);
	int ready[2];
	if (!pids || pipe(ready)) {
		perror("stress_children");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("fork");
			return 1;
		}
		if (pids[i] == 0) {
			close(ready[0]);
			(void)!write(ready[1], "r", 1);
			if (i % every != 0)
				for (;;)
					pause();
			volatile unsigned long spin = 0;
			for (;;)
				spin++;
		}
	}
	close(ready[1]);
	/* Each child says it runs: then all of them exist at once. */
	char c;
	for (int i = 0; i < n; i++)
		if (read(ready[0], &c, 1) != 1) {
			fprintf(stderr, "stress_children: a child never started\n");
			return 1;
		}
	printf("ready %d\n", n);
	fflush(stdout);
	char line[16];
	if (!fgets(line, sizeof line, stdin))
		return 1;
	for (int i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	int reaped = 0;
	for (int i = 0; i < n; i++) {
		int st;
		if (waitpid(pids[i], &st, 0) == pids[i] && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			reaped++;
	}
	printf("reaped %d\n", reaped);
	return reaped == n ? 0 : 1;
}
