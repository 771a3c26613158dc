#include "pthread_impl.h"
#include "syscall.h"

/* Cancellable system calls. The assembly versions on other ports bracket the
 * syscall instruction with __cp_begin/__cp_end so that the cancellation
 * signal handler can see, from the interrupted program counter, that the
 * thread was blocked there. wasm has no such program counter: a blocked call
 * is cancelled by the kernel returning -EINTR, which __syscall_cp_c turns
 * into __cancel(). The three labels exist only to satisfy pthread_cancel.c. */
hidden const char __cp_begin[1], __cp_end[1], __cp_cancel[1];

hidden long __cancel();

hidden long long __wasmux_signal_return_cp(long long, volatile int *, long, long long,
                                           long long, long long, long long, long long,
                                           long long);

hidden long __syscall_cp_asm(volatile int *cancel, syscall_arg_t nr,
                             syscall_arg_t u, syscall_arg_t v, syscall_arg_t w,
                             syscall_arg_t x, syscall_arg_t y, syscall_arg_t z)
{
	if (*cancel) return __cancel();
	long long r = __wasmux_syscall_import(nr, u, v, w, x, y, z);
	if (__builtin_expect(r < -4095, 0))
		r = __wasmux_signal_return_cp(r, cancel, nr, u, v, w, x, y, z);
	return r;
}
