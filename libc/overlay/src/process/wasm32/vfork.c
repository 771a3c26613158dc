/* vfork as a full fork: POSIX allows it, and the child may then do anything, not only
 * exec or _exit. */
#define _GNU_SOURCE
#include <unistd.h>

pid_t _Fork(void);

pid_t vfork(void)
{
	return _Fork();
}
