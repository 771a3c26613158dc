/* The exception tag longjmp throws (tag index 1 of __builtin_wasm_throw).
 * Its payload is one pointer: the (env, value) pair. compiler-rt would
 * normally provide it, but the packaged wasm32 builtins carry an empty copy. */
.globl __c_longjmp
.tagtype __c_longjmp i32
__c_longjmp:
