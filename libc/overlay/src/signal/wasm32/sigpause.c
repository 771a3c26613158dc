/* sigpause(sig): suspend with sig removed from the mask. musl's generic version ignores a
 * failed sigdelset and so suspends forever for an invalid signal; POSIX (XSH sigpause) and
 * glibc fail with EINVAL instead. */
#include <signal.h>
#include <errno.h>

int sigpause(int sig)
{
	sigset_t mask;
	sigprocmask(0, 0, &mask);
	if (sigdelset(&mask, sig) < 0) return -1;
	return sigsuspend(&mask);
}
