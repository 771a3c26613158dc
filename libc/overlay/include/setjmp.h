#ifndef	_SETJMP_H
#define	_SETJMP_H

/* wasmux replacement for musl's <setjmp.h>. wasm cannot save and restore a
 * stack: clang rewrites each call of setjmp into wasm exception handling in
 * the calling function (-mllvm -wasm-enable-sjlj, passed by bin/wasmux-cc),
 * and longjmp throws. clang recognises calls of setjmp and _setjmp but not of
 * sigsetjmp, and a sigsetjmp function could not work because its frame is gone
 * when it returns; so sigsetjmp is a macro that saves the signal mask and
 * then calls setjmp in the caller's own frame. */

#ifdef __cplusplus
extern "C" {
#endif

#include <features.h>

#include <bits/setjmp.h>

typedef struct __jmp_buf_tag {
	__jmp_buf __jb;
	unsigned long __fl;
	unsigned long __ss[128/sizeof(long)];
} jmp_buf[1];

#define __setjmp_attr __attribute__((__returns_twice__))

#if defined(_POSIX_SOURCE) || defined(_POSIX_C_SOURCE) \
 || defined(_XOPEN_SOURCE) || defined(_GNU_SOURCE) \
 || defined(_BSD_SOURCE)
typedef jmp_buf sigjmp_buf;
void __wasmux_sigsetjmp_save(struct __jmp_buf_tag *, int);
#define sigsetjmp(env, savemask) \
	(__wasmux_sigsetjmp_save((env), (savemask)), setjmp(env))
_Noreturn void siglongjmp (sigjmp_buf, int);
#endif

#if defined(_XOPEN_SOURCE) || defined(_GNU_SOURCE) \
 || defined(_BSD_SOURCE)
int _setjmp (jmp_buf) __setjmp_attr;
_Noreturn void _longjmp (jmp_buf, int);
#endif

int setjmp (jmp_buf) __setjmp_attr;
_Noreturn void longjmp (jmp_buf, int);

#define setjmp setjmp

#undef __setjmp_attr

#ifdef __cplusplus
}
#endif

#endif
