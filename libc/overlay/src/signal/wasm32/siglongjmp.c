#include <setjmp.h>
#include <signal.h>
#include "syscall.h"

/* Restores the mask saved by sigsetjmp before jumping (other ports restore it
 * after landing, in assembly; the order is not observable except through a
 * pending signal, which then runs its handler before the jump). */
_Noreturn void siglongjmp(sigjmp_buf env, int value)
{
	if (env->__fl)
		__syscall(SYS_rt_sigprocmask, SIG_SETMASK, env->__ss, 0, _NSIG/8);
	longjmp(env, value);
}
