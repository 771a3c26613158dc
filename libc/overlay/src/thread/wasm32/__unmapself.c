#include "pthread_impl.h"
#include "syscall.h"

/* A detached thread frees its own stack, then exits. Other ports must first
 * move to a borrowed stack; wasm code keeps its frames on the engine's own
 * stack and nothing below touches linear memory after the munmap. */
void __unmapself(void *base, size_t size)
{
	__syscall(SYS_munmap, base, size);
	__syscall(SYS_exit, 0);
	__builtin_trap();
}
