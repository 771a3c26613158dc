/* Prints "hello": the smallest test of start-up, stdio and exit. */
#include <stdio.h>

int main(void)
{
	printf("hello\n");
	return 0;
}
