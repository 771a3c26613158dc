/* _Fork through wasmux's dedicated fork import (docs/guest-abi.md, "Fork"). The host
 * unwinds this thread's wasm stack into fork_state with Binaryen Asyncify (the SDK's
 * post-link step instruments every module that imports wasmux.fork), copies the process,
 * and rewinds both: the parent sees the child's pid, the child 0. The rest is musl's
 * bookkeeping for the child (src/process/_Fork.c). */
#include <unistd.h>
#include <signal.h>
#include "syscall.h"
#include "libc.h"
#include "lock.h"
#include "pthread_impl.h"
#include "aio_impl.h"

__attribute__((__import_module__("wasmux"), __import_name__("fork")))
long __wasmux_fork(void *state, unsigned long size);

/* Where the unwound stack is saved: deep call chains need room (Asyncify traps when it
 * runs out). */
static char fork_state[128 * 1024] __attribute__((aligned(16)));

static void dummy(int x) { }
weak_alias(dummy, __aio_atfork);

pid_t _Fork(void)
{
	pid_t ret;
	sigset_t set;
	__block_all_sigs(&set);
	__aio_atfork(-1);
	LOCK(__abort_lock);
	ret = __wasmux_fork(fork_state, sizeof fork_state);
	if (!ret) {
		pthread_t self = __pthread_self();
		self->tid = __syscall(SYS_gettid);
		self->robust_list.off = 0;
		self->robust_list.pending = 0;
		self->next = self->prev = self;
		__thread_list_lock = 0;
		libc.threads_minus_1 = 0;
		if (libc.need_locks) libc.need_locks = -1;
	}
	UNLOCK(__abort_lock);
	__aio_atfork(!ret);
	__restore_sigs(&set);
	return __syscall_ret(ret);
}
