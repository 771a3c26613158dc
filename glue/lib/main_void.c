/* Linked (from libc.a) only when the program defines neither main(int, char **)
 * nor main(void): it must then have main(int, char **, char **), which clang
 * leaves named main. Without any main the link fails on "main", as it should. */
int main(int, char **, char **);

extern __attribute__((__visibility__("hidden"))) int __wasmux_argc;
extern __attribute__((__visibility__("hidden"))) char **__wasmux_argv, **__wasmux_envp;

int __main_void(void)
{
	return main(__wasmux_argc, __wasmux_argv, __wasmux_envp);
}
