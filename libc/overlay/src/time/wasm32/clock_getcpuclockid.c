/* clock_getcpuclockid: musl 1.2.3 passes the kernel's EINVAL on for a pid that names no
 * process; POSIX and glibc say ESRCH there (Linux answers EINVAL for the clock id). */
#include <time.h>
#include <errno.h>
#include "syscall.h"

int clock_getcpuclockid(pid_t pid, clockid_t *clk)
{
	struct timespec ts;
	clockid_t id = (-pid-1)*8U + 2;
	int ret = __syscall(SYS_clock_getres, id, &ts);
	if (ret == -EINVAL) return ESRCH;
	if (ret) return -ret;
	*clk = id;
	return 0;
}
