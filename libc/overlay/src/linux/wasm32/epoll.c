/* epoll for wasmux: Debian's musl 1.2.3 makes epoll_create(size) epoll_create1(0) without
 * looking at size; Linux refuses a size of 0 or less with EINVAL (epoll_create(2)), and so
 * does this. The other calls are the kernel's own, one system call each (epoll_pwait
 * takes the 8-byte kernel sigset). */
#include <errno.h>
#include <signal.h>
#include <sys/epoll.h>
#include "syscall.h"

int epoll_create1(int flags)
{
	return syscall(SYS_epoll_create1, flags);
}

int epoll_create(int size)
{
	if (size <= 0) {
		errno = EINVAL;
		return -1;
	}
	return epoll_create1(0);
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
	return syscall(SYS_epoll_ctl, epfd, op, fd, event);
}

int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout, const sigset_t *mask)
{
	return syscall_cp(SYS_epoll_pwait, epfd, events, maxevents, timeout, mask, 8);
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
	return epoll_pwait(epfd, events, maxevents, timeout, 0);
}
