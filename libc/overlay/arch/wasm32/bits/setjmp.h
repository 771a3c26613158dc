/* Holds the state of wasm's setjmp/longjmp lowering (clang's
 * -mllvm -wasm-enable-sjlj): which function invocation called setjmp, the
 * label to resume at, and the (env, value) pair thrown by longjmp
 * (src/setjmp/wasm32/longjmp.c). 32 bytes leave room to grow. */
typedef unsigned long long __jmp_buf[4];
