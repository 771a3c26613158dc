/* Exercises the process lifecycle an embedder can observe: a fork whose child execs
 * /bin/exit7 (argv "exit7 fork"), then a posix_spawn of it (argv "exit7 spawn"); prints the
 * two exit statuses. */
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(void)
{
	pid_t p = fork();
	if (p == 0) {
		char *args[] = {"exit7", "fork", NULL};
		execve("/bin/exit7", args, environ);
		_exit(127);
	}
	int st1 = 0, st2 = 0;
	waitpid(p, &st1, 0);
	char *args[] = {"exit7", "spawn", NULL};
	if (posix_spawn(&p, "/bin/exit7", NULL, NULL, args, environ) != 0)
		return 1;
	waitpid(p, &st2, 0);
	printf("%d %d\n", WEXITSTATUS(st1), WEXITSTATUS(st2));
	return 0;
}
