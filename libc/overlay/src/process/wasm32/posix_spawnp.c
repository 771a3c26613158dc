/* posix_spawnp: posix_spawn with the PATH search done by the kernel's preflight, so no
 * candidate that fails to resolve ever runs the file actions (execvp(3) order: each PATH
 * entry in turn, EACCES remembered while the search goes on). */
#include <spawn.h>
#include <stdlib.h>
#include "syscall.h"

hidden int __wasmux_spawn(pid_t *restrict, const char *restrict,
	const posix_spawn_file_actions_t *, const posix_spawnattr_t *restrict,
	char *const [restrict], char *const [restrict], const char *);

int posix_spawnp(pid_t *restrict res, const char *restrict file,
	const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *restrict attr,
	char *const argv[restrict], char *const envp[restrict])
{
	const char *path = getenv("PATH");
	/* musl's execvp default when PATH is unset */
	if (!path) path = "/usr/local/bin:/bin:/usr/bin";
	return __wasmux_spawn(res, file, fa, attr, argv, envp, path);
}
