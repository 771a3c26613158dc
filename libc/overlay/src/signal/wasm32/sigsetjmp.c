#include <setjmp.h>
#include <signal.h>
#include "syscall.h"

/* First half of the sigsetjmp macro in <setjmp.h>: remember whether to
 * restore the signal mask, and the mask itself. The setjmp proper must run
 * in the caller's frame, so the macro calls it right after this returns. */
void __wasmux_sigsetjmp_save(struct __jmp_buf_tag *env, int savemask)
{
	env->__fl = savemask != 0;
	if (savemask)
		__syscall(SYS_rt_sigprocmask, SIG_SETMASK, 0, env->__ss, _NSIG/8);
}
