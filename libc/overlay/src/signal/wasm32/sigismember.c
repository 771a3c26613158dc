/* sigismember: musl's generic version answers 0 for an invalid signal; POSIX allows EINVAL
 * and glibc (and so programs tested on Linux) gives it. */
#include <signal.h>
#include <errno.h>

int sigismember(const sigset_t *set, int sig)
{
	unsigned s = sig-1;
	if (s >= _NSIG-1) {
		errno = EINVAL;
		return -1;
	}
	return !!(set->__bits[s/8/sizeof *set->__bits] & 1UL<<(s&8*sizeof *set->__bits-1));
}
