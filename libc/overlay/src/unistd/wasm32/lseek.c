#include <unistd.h>
#include <errno.h>
#include "syscall.h"

/* The generic lseek goes through __syscall, whose long (32-bit) result would
 * cut offsets at 2 GiB; use the import's whole 64-bit result instead. */
off_t __lseek(int fd, off_t offset, int whence)
{
	long long r = __wasmux_syscall(SYS_lseek, (unsigned)fd, offset,
	                               (unsigned)whence, 0, 0, 0);
	if ((unsigned long long)r > -4096ULL) {
		errno = -r;
		return -1;
	}
	return r;
}

weak_alias(__lseek, lseek);
weak_alias(__lseek, lseek64);
