/* wasmux: a system call is one call of the host import
 *   wasmux.syscall(nr: i32, a1..a6: i64) -> i64
 * (docs/guest-abi.md). Every argument travels as 64 bits, so 64-bit offsets
 * need no splitting (as on x32) and there are no *_time64 variants. */

#define __SYSCALL_LL_E(x) (x)
#define __SYSCALL_LL_O(x) (x)

/* Narrow arguments are zero-extended (the kernel truncates each argument to
 * its declared width, so AT_FDCWD still arrives as -100); 64-bit values pass
 * unchanged. Same rule as x32. */
#define __scc(X) sizeof(1?(X):0ULL) < 8 ? (unsigned long) (X) : (long long) (X)
typedef long long syscall_arg_t;

__attribute__((__import_module__("wasmux"), __import_name__("syscall")))
long long __wasmux_syscall_import(long, long long, long long, long long,
                                  long long, long long, long long);

/* Signals (docs/guest-abi.md, "Signals"): no real result is below -4095, so a
 * value there means the kernel has handlers for this thread to run before the
 * call's result is known; the out-of-line part runs them and returns the
 * result (reissuing an interrupted call when its handler has SA_RESTART). */
__attribute__((__visibility__("hidden")))
long long __wasmux_signal_return(long long, long, long long, long long,
                                 long long, long long, long long, long long);

static __inline long long __wasmux_syscall(long n, long long a, long long b,
                                           long long c, long long d,
                                           long long e, long long f)
{
	long long r = __wasmux_syscall_import(n, a, b, c, d, e, f);
	if (__builtin_expect(r < -4095, 0))
		r = __wasmux_signal_return(r, n, a, b, c, d, e, f);
	return r;
}

/* Results are the value or -errno (-4095..-1); every syscall musl makes
 * through these returns something that fits a long, except lseek, which
 * calls __wasmux_syscall itself (src/unistd/wasm32/lseek.c). */
static __inline long __syscall0(long n)
{
	return __wasmux_syscall(n, 0, 0, 0, 0, 0, 0);
}

static __inline long __syscall1(long n, long long a)
{
	return __wasmux_syscall(n, a, 0, 0, 0, 0, 0);
}

static __inline long __syscall2(long n, long long a, long long b)
{
	return __wasmux_syscall(n, a, b, 0, 0, 0, 0);
}

static __inline long __syscall3(long n, long long a, long long b, long long c)
{
	return __wasmux_syscall(n, a, b, c, 0, 0, 0);
}

static __inline long __syscall4(long n, long long a, long long b, long long c,
                                long long d)
{
	return __wasmux_syscall(n, a, b, c, d, 0, 0);
}

static __inline long __syscall5(long n, long long a, long long b, long long c,
                                long long d, long long e)
{
	return __wasmux_syscall(n, a, b, c, d, e, 0);
}

static __inline long __syscall6(long n, long long a, long long b, long long c,
                                long long d, long long e, long long f)
{
	return __wasmux_syscall(n, a, b, c, d, e, f);
}

/* The table has only the 64-bit-time calls (time_t is 64-bit and arguments
 * are 64-bit wide). Naming each *_time64 call after its base call makes musl
 * pass struct timespec through unchanged instead of converting to a 32-bit
 * layout the kernel does not know. */
#define SYS_clock_gettime64 SYS_clock_gettime
#define SYS_clock_settime64 SYS_clock_settime
#define SYS_clock_adjtime64 SYS_clock_adjtime
#define SYS_clock_getres_time64 SYS_clock_getres
#define SYS_clock_nanosleep_time64 SYS_clock_nanosleep
#define SYS_timer_gettime64 SYS_timer_gettime
#define SYS_timer_settime64 SYS_timer_settime
#define SYS_timerfd_gettime64 SYS_timerfd_gettime
#define SYS_timerfd_settime64 SYS_timerfd_settime
#define SYS_utimensat_time64 SYS_utimensat
#define SYS_pselect6_time64 SYS_pselect6
#define SYS_ppoll_time64 SYS_ppoll
#define SYS_recvmmsg_time64 SYS_recvmmsg
#define SYS_mq_timedsend_time64 SYS_mq_timedsend
#define SYS_mq_timedreceive_time64 SYS_mq_timedreceive
#define SYS_semtimedop_time64 SYS_semtimedop
#define SYS_rt_sigtimedwait_time64 SYS_rt_sigtimedwait
#define SYS_futex_time64 SYS_futex
#define SYS_sched_rr_get_interval_time64 SYS_sched_rr_get_interval

/* Generic-table convention for SysV IPC commands. */
#define IPC_64 0
