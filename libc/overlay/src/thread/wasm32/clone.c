/* __clone for threads (docs/guest-abi.md, "Threads"). wasm cannot start a thread at a new
 * stack pointer inside a running instance: the kernel makes the thread and the host runs it
 * on a worker of its own, as a new instance on this process's memory, which calls
 * __wasmux_thread_start with the start record this passes (struct wasmux_CloneStart).
 * Below the stack top given here go the thread's wasm TLS block (compiler _Thread_local
 * data, __wasm_init_tls) and its interrupt word; its stack starts under them. */
#include <stdarg.h>
#include <stdint.h>
#include <wasmux/abi_c.h>
#include "pthread_impl.h"
#include "syscall.h"

int __clone(int (*func)(void *), void *stack, int flags, void *arg, ...)
{
	va_list ap;
	va_start(ap, arg);
	pid_t *ptid = va_arg(ap, pid_t *);
	void *tls = va_arg(ap, void *);
	pid_t *ctid = va_arg(ap, pid_t *);
	va_end(ap);
	uintptr_t top = (uintptr_t)stack & -16;
	uintptr_t word = top - 16;
	size_t size = __builtin_wasm_tls_size(), align = __builtin_wasm_tls_align();
	uintptr_t block = (word - size) & -(uintptr_t)(align > 16 ? align : 16);
	*(volatile int *)word = 0;
	struct wasmux_CloneStart start = {
		.func = (uintptr_t)func, .arg = (uintptr_t)arg, .tls_block = block,
		.thread_pointer = (uintptr_t)tls, .interrupt_word = word,
	};
	return __syscall(SYS_clone, flags, block, ptid, tls, ctid, &start);
}

/* A new thread's first call, made by the host once the instance's stack pointer, TLS
 * block and interrupt word are set: the thread pointer (CLONE_SETTLS), then the thread's
 * function; its return value is the thread's exit status, as clone(2) gives it. */
__attribute__((__export_name__("__wasmux_thread_start")))
void __wasmux_thread_start(int (*func)(void *), void *arg, uintptr_t tp)
{
	__wasmux_tp = tp;
	int r = func(arg);
	for (;;) __syscall(SYS_exit, r);
}
