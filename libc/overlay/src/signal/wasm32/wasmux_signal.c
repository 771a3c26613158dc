/* The guest half of signal delivery (docs/guest-abi.md, "Signals"). The kernel cannot call
 * into a guest, so when a system call comes back with WASMUX_SIGNAL_PENDING instead of its
 * result, this asks the kernel for each handler to run (wasmux_sigdeliver fills a frame
 * here, on the guest's stack), runs it, and hands the frame back (rt_sigreturn), which
 * restores the mask and yields the interrupted call's result. A call interrupted by a
 * handler with SA_RESTART comes back as WASMUX_SIGNAL_RESTART and is issued again. */
/* First: its siginfo field names are macros in <signal.h>. */
#include <wasmux/abi_c.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include "syscall.h"

hidden uintptr_t __wasmux_stack_pointer_get(void);
hidden void __wasmux_stack_pointer_set(uintptr_t);

/* Every function here is named __wasmux_*: the post-link step puts no interrupt check in
 * those (sdk/interrupts.mjs). A check between a call's SIGNAL_PENDING and
 * wasmux_sigdeliver would be a system call of its own in the middle of delivery. */
static void __wasmux_run_handler(struct wasmux_SignalFrame *f)
{
	uintptr_t saved = __wasmux_stack_pointer_get();
	/* SA_ONSTACK: the handler's frames go on the alternate stack. A longjmp out of
	 * the handler restores the stack pointer itself (wasm exception handling). */
	if (f->stack_top) __wasmux_stack_pointer_set(f->stack_top);
	/* Each parameter count is a distinct wasm function type, and a call through a pointer
	 * of another type traps: call the handler as it was defined (the kernel asks the host,
	 * handler_params - 1), or, when that is unknown, as SA_SIGINFO says. */
	unsigned params = f->handler_params ? f->handler_params - 1 : (f->flags & SA_SIGINFO) ? 3 : 1;
	uintptr_t h = f->handler;
	siginfo_t *info = (siginfo_t *)&f->info;
	switch (params) {
	case 0: ((void (*)(void))h)(); break;
	case 1: ((void (*)(int))h)(f->signo); break;
	case 2: ((void (*)(int, siginfo_t *))h)(f->signo, info); break;
	default: ((void (*)(int, siginfo_t *, void *))h)(f->signo, info, &f->uc); break;
	}
	__wasmux_stack_pointer_set(saved);
}

/* Runs handlers while the kernel has some for this thread; returns the result the last
 * frame carried. When a frame says more signals are deliverable under its handler's mask,
 * their frames are set up (and their handlers run) first, as Linux stacks them. */
static long long __wasmux_run_handlers(void)
{
	long long r = WASMUX_SIGNAL_PENDING;
	while (r == WASMUX_SIGNAL_PENDING) {
		struct wasmux_SignalFrame frame;
		r = __wasmux_syscall_import(WASMUX_SYS_sigdeliver, (uintptr_t)&frame,
		                            __wasmux_stack_pointer_get(), 0, 0, 0, 0);
		if (r != WASMUX_SIGNAL_HANDLER) break;
		if (frame.more) __wasmux_run_handlers();
		__wasmux_run_handler(&frame);
		r = __wasmux_syscall_import(SYS_rt_sigreturn, (uintptr_t)&frame, 0, 0, 0, 0, 0);
	}
	return r;
}

hidden long long __wasmux_signal_return(long long r, long n, long long a, long long b,
                                        long long c, long long d, long long e, long long f)
{
	for (;;) {
		if (r == WASMUX_SIGNAL_PENDING) {
			r = __wasmux_run_handlers();
		} else if (r == WASMUX_SIGNAL_RESTART) {
			r = __wasmux_syscall_import(n, a, b, c, d, e, f);
		} else {
			return r;
		}
	}
}

/* The same for a cancellation point (src/thread/wasm32/syscall_cp.c): a call interrupted
 * by a signal is not restarted once the thread has a cancellation pending. On other ports
 * musl's SIGCANCEL handler finds the interrupted program counter inside the cancellable
 * call and sends it to the cancellation; wasm has no program counter to move, so the
 * restart is what is withheld: the call ends in EINTR, which __syscall_cp_c turns into
 * the cancellation. */
hidden long long __wasmux_signal_return_cp(long long r, volatile int *cancel, long n, long long a,
                                           long long b, long long c, long long d, long long e,
                                           long long f)
{
	for (;;) {
		if (r == WASMUX_SIGNAL_PENDING) {
			r = __wasmux_run_handlers();
		} else if (r == WASMUX_SIGNAL_RESTART) {
			if (*cancel) return -EINTR;
			r = __wasmux_syscall_import(n, a, b, c, d, e, f);
		} else {
			return r;
		}
	}
}
