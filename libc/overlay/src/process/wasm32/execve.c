/* execve: on success the kernel has taken the new image and this one must end at once;
 * the trap hands the thread back to its worker, which starts the new program in the same
 * process (docs/guest-abi.md, "Exec"). */
#include <unistd.h>
#include "syscall.h"

int execve(const char *path, char *const argv[], char *const envp[])
{
	long r = __syscall(SYS_execve, path, argv, envp);
	if (r == 0) __builtin_trap();
	return __syscall_ret(r);
}
