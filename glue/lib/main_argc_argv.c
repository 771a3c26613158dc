/* Linked (from libc.a) only when the program does not define main(int, char **):
 * it then has main(void), which clang names __main_void. */
int __main_void(void);

int __main_argc_argv(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return __main_void();
}
