#include <string.h>

/* Lowered to one memory.fill instruction (bulk memory). */
void *memset(void *dest, int c, size_t n)
{
	return __builtin_memset(dest, c, n);
}
