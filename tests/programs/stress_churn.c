/* stress_churn: works until killed, through everything a kill may interrupt: a thread
 * blocked in read(), fork+execve of /bin/true and waitpid, memory grown and written, a
 * pipe between itself and the thread (tests/stress kills it at random moments). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int channel[2];

static void *reader(void *arg)
{
	(void)arg;
	char buf[64];
	while (read(channel[0], buf, sizeof buf) > 0)
		;
	return NULL;
}

int main(void)
{
	pthread_t t;
	if (pipe(channel) || pthread_create(&t, NULL, reader, NULL)) {
		perror("stress_churn");
		return 1;
	}
	printf("churning\n");
	fflush(stdout);
	for (unsigned i = 0;; i++) {
		pid_t c = fork();
		if (c == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
		size_t size = (size_t)(i % 8 + 1) << 20;
		char *m = malloc(size);
		if (m) {
			memset(m, (int)i, size);
			free(m);
		}
		(void)!write(channel[1], "x", 1);
	}
}
