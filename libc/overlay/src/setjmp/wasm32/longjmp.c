#include <setjmp.h>
#include <stdint.h>

/* Run-time half of clang's wasm setjmp/longjmp lowering
 * (-mllvm -wasm-enable-sjlj): a function that calls setjmp gets a per-call
 * invocation id and a label for each setjmp site; longjmp throws the
 * __c_longjmp exception (c_longjmp.S) carrying a pointer to (env, value),
 * and each such function catches it, asks __wasm_setjmp_test whether the
 * buffer belongs to its own invocation, and resumes at the label or
 * rethrows. Built with -mexception-handling (see libc/build.sh). */

struct wasmux_jmp {
	void *invocation;
	uint32_t label;
	struct {
		void *env;
		int value;
	} thrown;
};

_Static_assert(sizeof(struct wasmux_jmp) <= sizeof(__jmp_buf),
               "bits/setjmp.h: __jmp_buf too small");

void __wasm_setjmp(void *env, uint32_t label, void *invocation)
{
	struct wasmux_jmp *j = env;
	j->invocation = invocation;
	j->label = label;
}

uint32_t __wasm_setjmp_test(void *env, void *invocation)
{
	struct wasmux_jmp *j = env;
	return j->invocation == invocation ? j->label : 0;
}

_Noreturn void __wasm_longjmp(void *env, int value)
{
	struct wasmux_jmp *j = env;
	j->thrown.env = env;
	j->thrown.value = value ? value : 1;
	__builtin_wasm_throw(1, &j->thrown);
}

/* For callers compiled without the lowering, and for function pointers. */
_Noreturn void longjmp(jmp_buf env, int value)
{
	__wasm_longjmp(env, value);
}

weak_alias(longjmp, _longjmp);
