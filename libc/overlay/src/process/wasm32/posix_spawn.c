/* posix_spawn as one wasmux system call (wasmux_spawn, docs/guest-abi.md): the kernel
 * resolves the program, makes the child, applies the attributes and file actions exactly
 * once and starts it; no clone, no child-side code. The file actions (musl's fdop list,
 * src/process/fdop.h) are passed as a flat block of records. */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "syscall.h"
#include "../fdop.h"

struct spawn_attr_block {
	uint32_t flags;
	int32_t pgroup;
	uint64_t sigdefault;
	uint64_t sigmask;
};

struct spawn_action_record {
	uint32_t cmd;
	int32_t fd;
	int32_t srcfd;
	uint32_t oflag;
	uint32_t mode;
	uint32_t path_len; /* including the NUL; the bytes follow, padded to 4 */
};

_Static_assert(sizeof(struct spawn_attr_block) == 24, "SpawnAttr in abi/definitions.mjs");
_Static_assert(sizeof(struct spawn_action_record) == 24, "SpawnAction in abi/definitions.mjs");

static size_t padded(size_t n) { return (n + 3) & ~(size_t)3; }

/* The actions in the order they were added: musl prepends, so walk from the tail. */
static char *pack_actions(const posix_spawn_file_actions_t *fa)
{
	struct fdop *op = fa ? fa->__actions : 0;
	if (!op) return 0;
	while (op->next) op = op->next;
	size_t total = 4;
	for (struct fdop *o = op; o; o = o->prev) {
		total += sizeof(struct spawn_action_record);
		if (o->cmd == FDOP_OPEN || o->cmd == FDOP_CHDIR) total += padded(strlen(o->path) + 1);
	}
	char *block = malloc(total);
	if (!block) return 0;
	uint32_t len32 = total;
	memcpy(block, &len32, 4);
	size_t at = 4;
	for (struct fdop *o = op; o; o = o->prev) {
		int has_path = o->cmd == FDOP_OPEN || o->cmd == FDOP_CHDIR;
		size_t plen = has_path ? strlen(o->path) + 1 : 0;
		struct spawn_action_record r = { o->cmd, o->fd, o->srcfd, o->oflag, o->mode, plen };
		memcpy(block + at, &r, sizeof r);
		at += sizeof r;
		if (plen) {
			memset(block + at, 0, padded(plen));
			memcpy(block + at, o->path, plen);
			at += padded(plen);
		}
	}
	return block;
}

hidden int __wasmux_spawn(pid_t *restrict res, const char *restrict path,
	const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *restrict attr,
	char *const argv[restrict], char *const envp[restrict], const char *search)
{
	char *actions = 0;
	if (fa && fa->__actions) {
		actions = pack_actions(fa);
		if (!actions) return ENOMEM;
	}
	struct spawn_attr_block a = { 0 };
	if (attr) {
		a.flags = attr->__flags;
		a.pgroup = attr->__pgrp;
		memcpy(&a.sigdefault, &attr->__def, sizeof a.sigdefault);
		memcpy(&a.sigmask, &attr->__mask, sizeof a.sigmask);
	}
	long r = __syscall(SYS_wasmux_spawn, path, argv, envp, actions, attr ? &a : 0, search);
	free(actions);
	if (r < 0) return -r;
	if (res) *res = r;
	return 0;
}

int posix_spawn(pid_t *restrict res, const char *restrict path,
	const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *restrict attr,
	char *const argv[restrict], char *const envp[restrict])
{
	return __wasmux_spawn(res, path, fa, attr, argv, envp, 0);
}
