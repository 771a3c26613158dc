#define _BSD_SOURCE
#include <unistd.h>
#include <stdarg.h>
#include "syscall.h"

#undef syscall

/* syscall(2) for programs. Callers pass long (32-bit) arguments through the
 * variadic list, so read them as long, not as musl's 64-bit syscall_arg_t.
 * Sign extension keeps negative 64-bit arguments (offsets) right; the kernel
 * truncates the others to their declared width anyway. */
long syscall(long n, ...)
{
	va_list ap;
	long long a, b, c, d, e, f;
	va_start(ap, n);
	a = va_arg(ap, long);
	b = va_arg(ap, long);
	c = va_arg(ap, long);
	d = va_arg(ap, long);
	e = va_arg(ap, long);
	f = va_arg(ap, long);
	va_end(ap);
	return __syscall_ret(__syscall(n, a, b, c, d, e, f));
}
