/* The only function whose address this program takes is a signal handler: it must not get
 * a function pointer value that means SIG_DFL, SIG_IGN or SIG_HOLD (docs/guest-abi.md). */
#include <signal.h>
#include <stdio.h>

static volatile sig_atomic_t hits;

static void handler(int sig)
{
	(void)sig;
	hits++;
}

int main(void)
{
	signal(SIGUSR1, handler);
	raise(SIGUSR1);
	printf("handled %d\n", (int)hits);
	return hits == 1 ? 0 : 1;
}
