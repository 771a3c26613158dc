#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include "syscall.h"

hidden uintptr_t __wasmux_stack_pointer_get(void);

/* The kernel learns whether the caller runs on its alternate stack from the stack pointer
 * (sigaltstack(2) EPERM, SS_ONSTACK), which a wasm kernel cannot read: pass it along. */
int sigaltstack(const stack_t *restrict ss, stack_t *restrict old)
{
	if (ss) {
		if (!(ss->ss_flags & SS_DISABLE) && ss->ss_size < MINSIGSTKSZ) {
			errno = ENOMEM;
			return -1;
		}
		if (ss->ss_flags & SS_ONSTACK) {
			errno = EINVAL;
			return -1;
		}
	}
	return syscall(SYS_sigaltstack, ss, old, __wasmux_stack_pointer_get());
}
