/* The C stack pointer (the __stack_pointer global), for the signal glue: a handler with
 * SA_ONSTACK runs on the alternate stack, and the kernel tells whether a thread is on it
 * from the stack pointer, as Linux does (sigaltstack(2)). */
	.globaltype __stack_pointer, i32

	.section .text.__wasmux_stack_pointer_get,"",@
	.hidden __wasmux_stack_pointer_get
	.globl __wasmux_stack_pointer_get
	.type __wasmux_stack_pointer_get,@function
__wasmux_stack_pointer_get:
	.functype __wasmux_stack_pointer_get () -> (i32)
	global.get __stack_pointer
	end_function

	.section .text.__wasmux_stack_pointer_set,"",@
	.hidden __wasmux_stack_pointer_set
	.globl __wasmux_stack_pointer_set
	.type __wasmux_stack_pointer_set,@function
__wasmux_stack_pointer_set:
	.functype __wasmux_stack_pointer_set (i32) -> ()
	local.get 0
	global.set __stack_pointer
	end_function
