/* The tag of C++ exceptions (tag index 0 of __builtin_wasm_throw; libunwind's
 * Unwind-wasm.c throws it, every catch names it). Its payload is one pointer: the
 * _Unwind_Exception. clang-22 only references it; some object must define it. */
.globl __cpp_exception
.tagtype __cpp_exception i32
__cpp_exception:
