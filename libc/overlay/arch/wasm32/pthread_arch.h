/* wasm has no thread-pointer register: the thread pointer lives in a
 * _Thread_local variable, i.e. in the module's TLS block addressed through
 * the __tls_base global, which every thread instance sets up for itself
 * (__wasm_init_tls). __set_thread_area (src/thread/wasm32) writes it. The
 * pointer designates struct pthread itself (no TLS_ABOVE_TP): musl's ELF TLS
 * image list stays empty because compiler TLS is handled by wasm-ld. */
extern _Thread_local uintptr_t __wasmux_tp __attribute__((__visibility__("hidden")));

static inline uintptr_t __get_tp()
{
	return __wasmux_tp;
}

/* There is no program counter to redirect (see bits/signal.h). */
#define MC_PC __wasmux_pc
