/* Prints argc, each argument, and a few environment variables, one per line:
 * checks that the start-up block reached main intact. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	static const char *const vars[] = { "HOME", "PATH", "USER", "TERM", "WASMUX_TEST" };
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		printf("%s=%s\n", vars[i], v ? v : "(unset)");
	}
	return 0;
}
