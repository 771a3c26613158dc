/* The program entry of every wasmux guest (docs/guest-abi.md, "Program start"),
 * installed as crt1.o. Linked first, ahead of the program's own objects. */
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <wasmux/abi_c.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/* The host refuses a module without this custom section or with another ABI
 * version. clang cannot put C data into a custom section, but its assembler
 * can; crt1.o is the one object every program links, so the section appears
 * exactly once. */
__asm__(".section .custom_section.wasmux.abi,\"\",@\n"
        ".int32 " STR(WASMUX_ABI_VERSION) "\n");

__attribute__((__import_module__("wasmux"), __import_name__("syscall")))
long long __wasmux_syscall(long, long long, long long, long long,
                           long long, long long, long long);

void __init_libc(char **envp, char *progname);
void __libc_start_init(void);
_Noreturn void exit(int);
void __wasm_call_ctors(void);

/* clang names main by its parameters: main(int, char **) becomes
 * __main_argc_argv, main(void) __main_void, and main(int, char **, char **)
 * stays main. We always call __main_argc_argv; libc.a supplies it for the other
 * two forms (glue/lib/), which need the arguments kept here. */
int __main_argc_argv(int, char **);
__attribute__((__visibility__("hidden"))) int __wasmux_argc;
__attribute__((__visibility__("hidden"))) char **__wasmux_argv, **__wasmux_envp;


/* musl calls _init after setting up TLS, the page size and stdio, and before
 * main; in wasm the constructors are run by the linker-made
 * __wasm_call_ctors, so that is what _init does. (Referencing it also stops
 * wasm-ld from wrapping exports in constructor calls of its own.) */
void _init(void)
{
	__wasm_call_ctors();
}

/* The interrupt word: the host sets it when the kernel has a signal for this thread while
 * it runs user code; every loop tests it (sdk/interrupts.mjs) and then calls the check,
 * a system call that clears the word and lets the kernel stop the thread or have its
 * handlers run (docs/guest-abi.md, "Signals"). This one is the main thread's; each thread
 * has its own (musl's __clone reserves it), and the wasm global __wasmux_interrupt_word,
 * one per instance and so per thread, holds the address of the running thread's word: the
 * host sets it when it starts the thread. Both are exported by wasmux-cc. */
volatile int __wasmux_interrupt;

__asm__(
	"	.globaltype __wasmux_interrupt_word, i32\n"
	"	.globl __wasmux_interrupt_word\n"
	"__wasmux_interrupt_word:\n");

/* The running thread's interrupt word (the global above). */
__asm__(
	"	.section .text.__wasmux_interrupt_word_get,\"\",@\n"
	"	.hidden __wasmux_interrupt_word_get\n"
	"	.globl __wasmux_interrupt_word_get\n"
	"	.type __wasmux_interrupt_word_get,@function\n"
	"__wasmux_interrupt_word_get:\n"
	"	.functype __wasmux_interrupt_word_get () -> (i32)\n"
	"	global.get __wasmux_interrupt_word\n"
	"	end_function\n");
__attribute__((__visibility__("hidden"))) uintptr_t __wasmux_interrupt_word_get(void);

__attribute__((__visibility__("hidden")))
long long __wasmux_signal_return(long long, long, long long, long long, long long,
                                 long long, long long, long long);

/* The body of the check. Reached only through __wasmux_interrupt_check below. */
__attribute__((__visibility__("hidden"), __used__))
void __wasmux_interrupt_check_body(void)
{
	long long word = __wasmux_interrupt_word_get();
	long long r = __wasmux_syscall(WASMUX_SYS_interrupted, word, 0, 0, 0, 0, 0);
	if (r < -4095)
		__wasmux_signal_return(r, WASMUX_SYS_interrupted, word, 0, 0, 0, 0, 0);
}

/* The check is called from loops the compiler saw as calling nothing, and LLVM gives such a
 * leaf function a frame of up to 128 bytes below __stack_pointer without moving it (the
 * "red zone": WebAssemblyFrameLowering's RedZoneSize). The check and the handlers it runs
 * would write their frames over the leaf's, so it moves the stack pointer past the red zone
 * (keeping 16-byte alignment) before anything runs, and back after. In assembly: a C
 * function could already have put its own frame on the stack before lowering it. */
__asm__(
	"	.globaltype __stack_pointer, i32\n"
	"	.functype __wasmux_interrupt_check_body () -> ()\n"
	"	.section .text.__wasmux_interrupt_check,\"\",@\n"
	"	.globl __wasmux_interrupt_check\n"
	"	.type __wasmux_interrupt_check,@function\n"
	"__wasmux_interrupt_check:\n"
	"	.functype __wasmux_interrupt_check () -> ()\n"
	"	.local i32\n"
	"	global.get __stack_pointer\n"
	"	local.tee 0\n"
	"	i32.const 128\n"
	"	i32.sub\n"
	"	i32.const -16\n"
	"	i32.and\n"
	"	global.set __stack_pointer\n"
	"	call __wasmux_interrupt_check_body\n"
	"	local.get 0\n"
	"	global.set __stack_pointer\n"
	"	end_function\n");

/* Larger start-up blocks are mapped rather than put on the 1 MiB stack. */
enum { STACK_BLOCK_MAX = 64 * 1024 };

void _start(void)
{
	long long size = __wasmux_syscall(WASMUX_SYS_startup_block, 0, 0, 0, 0, 0, 0);
	if (size <= 0 || size > INT32_MAX)
		__builtin_trap();
	void *block;
	if (size <= STACK_BLOCK_MAX) {
		/* _start never returns, so its frame lives as long as the program. */
		block = __builtin_alloca((size_t)size);
	} else {
		long long p = __wasmux_syscall(SYS_mmap, 0, size, PROT_READ | PROT_WRITE,
		                               MAP_PRIVATE | MAP_ANONYMOUS, (unsigned)-1, 0);
		if ((unsigned long long)p > -4096ULL)
			__builtin_trap();
		block = (void *)(uintptr_t)p;
	}
	if (__wasmux_syscall(WASMUX_SYS_startup_block, (uintptr_t)block, size, 0, 0, 0, 0) != size)
		__builtin_trap();
	/* argc | argv[] | 0 | envp[] | 0 | auxv: the layout musl expects. */
	int argc = *(int *)block;
	char **argv = (char **)block + 1;
	char **envp = argv + argc + 1;
	/* What musl's __libc_start_main does, with main called directly rather than through
	 * two function pointers: fork's post-link step then finds the way from _start to
	 * main without counting every indirect call of main's signature as a way to fork
	 * (sdk/callgraph.mjs). */
	__init_libc(envp, argv[0]);
	__libc_start_init();
	__wasmux_argc = argc;
	__wasmux_argv = argv;
	__wasmux_envp = envp;
	exit(__main_argc_argv(argc, argv));
}
