/* Says it started, then spins in user code without a system call until a signal ends it
 * (tests of SIGKILL/SIGTERM delivery to a busy process). */
#include <stdio.h>

int main(void)
{
	printf("spinning\n");
	fflush(stdout);
	volatile unsigned long n = 0;
	for (;;)
		n++;
}
