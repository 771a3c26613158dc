#include "pthread_impl.h"

/* The thread pointer (see arch/wasm32/pthread_arch.h). Being _Thread_local,
 * each thread instance gets its own copy in its TLS block. */
hidden _Thread_local uintptr_t __wasmux_tp;

int __set_thread_area(void *p)
{
	__wasmux_tp = (uintptr_t)p;
	return 0;
}
