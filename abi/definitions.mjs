// The one definition of wasmux's user ABI besides the syscall table (syscalls.tbl):
// constants and struct layouts. generate.mjs turns this into the kernel's C++ header, the
// musl arch headers, the guest glue header and the host's TypeScript constants.
// Values are Linux's generic (asm-generic) ones; guests are ILP32 with 64-bit time_t/off_t.

export const ABI_VERSION = 1;

// What each errno means, in the words error messages use (strerror(3) of Linux C libraries),
// for the host's one-line messages.
export const errnoText = {
  EPERM: 'Operation not permitted', ENOENT: 'No such file or directory', ESRCH: 'No such process',
  EINTR: 'Interrupted system call', EIO: 'Input/output error', ENXIO: 'No such device or address',
  E2BIG: 'Argument list too long', ENOEXEC: 'Exec format error', EBADF: 'Bad file descriptor',
  ECHILD: 'No child processes', EAGAIN: 'Resource temporarily unavailable', ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied', EFAULT: 'Bad address', ENOTBLK: 'Block device required',
  EBUSY: 'Device or resource busy', EEXIST: 'File exists', EXDEV: 'Invalid cross-device link',
  ENODEV: 'No such device', ENOTDIR: 'Not a directory', EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument', ENFILE: 'Too many open files in system', EMFILE: 'Too many open files',
  ENOTTY: 'Inappropriate ioctl for device', ETXTBSY: 'Text file busy', EFBIG: 'File too large',
  ENOSPC: 'No space left on device', ESPIPE: 'Illegal seek', EROFS: 'Read-only file system',
  EMLINK: 'Too many links', EPIPE: 'Broken pipe', EDOM: 'Numerical argument out of domain',
  ERANGE: 'Numerical result out of range', EDEADLK: 'Resource deadlock avoided',
  ENAMETOOLONG: 'File name too long', ENOLCK: 'No locks available', ENOSYS: 'Function not implemented',
  ENOTEMPTY: 'Directory not empty', ELOOP: 'Too many levels of symbolic links',
  ENOMSG: 'No message of desired type', EIDRM: 'Identifier removed', ENOSTR: 'Device not a stream',
  ENODATA: 'No data available', ETIME: 'Timer expired', ENOSR: 'Out of streams resources',
  EREMOTE: 'Object is remote', ENOLINK: 'Link has been severed', EPROTO: 'Protocol error',
  EBADMSG: 'Bad message', EOVERFLOW: 'Value too large for defined data type',
  EILSEQ: 'Invalid or incomplete multibyte or wide character', ENOTSOCK: 'Socket operation on non-socket',
  EDESTADDRREQ: 'Destination address required', EMSGSIZE: 'Message too long',
  EPROTOTYPE: 'Protocol wrong type for socket', ENOPROTOOPT: 'Protocol not available',
  EPROTONOSUPPORT: 'Protocol not supported',
  ESOCKTNOSUPPORT: 'Socket type not supported', EOPNOTSUPP: 'Operation not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol', EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address', ENETDOWN: 'Network is down',
  ENETUNREACH: 'Network is unreachable', ECONNABORTED: 'Software caused connection abort',
  ECONNRESET: 'Connection reset by peer', ENOBUFS: 'No buffer space available',
  EISCONN: 'Transport endpoint is already connected', ENOTCONN: 'Transport endpoint is not connected',
  ETIMEDOUT: 'Connection timed out', ECONNREFUSED: 'Connection refused', EHOSTUNREACH: 'No route to host',
  EALREADY: 'Operation already in progress', EINPROGRESS: 'Operation now in progress',
  ESTALE: 'Stale file handle', EDQUOT: 'Disk quota exceeded', ECANCELED: 'Operation canceled',
  EOWNERDEAD: 'Owner died', ENOTRECOVERABLE: 'State not recoverable',
};

// Constant groups: { group: { name: value } }. Names are the C spellings.
export const constants = {
  errno: {
    EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, ENOEXEC: 8,
    EBADF: 9, ECHILD: 10, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, ENOTBLK: 15,
    EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22,
    ENFILE: 23, EMFILE: 24, ENOTTY: 25, ETXTBSY: 26, EFBIG: 27, ENOSPC: 28, ESPIPE: 29,
    EROFS: 30, EMLINK: 31, EPIPE: 32, EDOM: 33, ERANGE: 34, EDEADLK: 35, ENAMETOOLONG: 36,
    ENOLCK: 37, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, ENOMSG: 42, EIDRM: 43, ENOSTR: 60,
    ENODATA: 61, ETIME: 62, ENOSR: 63, EREMOTE: 66, ENOLINK: 67, EPROTO: 71, EBADMSG: 74,
    EOVERFLOW: 75, EILSEQ: 84, ENOTSOCK: 88, EDESTADDRREQ: 89, EMSGSIZE: 90,
    EPROTOTYPE: 91, ENOPROTOOPT: 92, EPROTONOSUPPORT: 93, ESOCKTNOSUPPORT: 94, EOPNOTSUPP: 95,
    EAFNOSUPPORT: 97, EADDRINUSE: 98, EADDRNOTAVAIL: 99, ENETDOWN: 100, ENETUNREACH: 101,
    ECONNABORTED: 103, ECONNRESET: 104, ENOBUFS: 105, EISCONN: 106, ENOTCONN: 107,
    ETIMEDOUT: 110, ECONNREFUSED: 111, EHOSTUNREACH: 113, EALREADY: 114,
    EINPROGRESS: 115, ESTALE: 116, EDQUOT: 122, ECANCELED: 125, EOWNERDEAD: 130,
    ENOTRECOVERABLE: 131,
  },
  open: {
    O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_ACCMODE: 3, O_CREAT: 0o100, O_EXCL: 0o200,
    O_NOCTTY: 0o400, O_TRUNC: 0o1000, O_APPEND: 0o2000, O_NONBLOCK: 0o4000,
    O_DSYNC: 0o10000, O_ASYNC: 0o20000, O_DIRECTORY: 0o40000, O_NOFOLLOW: 0o100000,
    O_DIRECT: 0o200000, O_LARGEFILE: 0o400000, O_NOATIME: 0o1000000, O_CLOEXEC: 0o2000000,
    O_SYNC: 0o4010000, O_PATH: 0o10000000, O_TMPFILE: 0o20040000,
  },
  at: {
    AT_FDCWD: -100, AT_SYMLINK_NOFOLLOW: 0x100, AT_REMOVEDIR: 0x200, AT_SYMLINK_FOLLOW: 0x400,
    AT_NO_AUTOMOUNT: 0x800, AT_EMPTY_PATH: 0x1000, AT_EACCESS: 0x200,
    AT_STATX_SYNC_TYPE: 0x6000, RENAME_NOREPLACE: 1, RENAME_EXCHANGE: 2, RENAME_WHITEOUT: 4,
  },
  fcntl: {
    F_DUPFD: 0, F_GETFD: 1, F_SETFD: 2, F_GETFL: 3, F_SETFL: 4, F_GETLK: 5, F_SETLK: 6,
    F_SETLKW: 7, F_SETOWN: 8, F_GETOWN: 9, F_DUPFD_CLOEXEC: 1030, F_SETPIPE_SZ: 1031,
    F_GETPIPE_SZ: 1032, FD_CLOEXEC: 1, F_OFD_GETLK: 36, F_OFD_SETLK: 37, F_OFD_SETLKW: 38,
    F_RDLCK: 0, F_WRLCK: 1, F_UNLCK: 2, LOCK_SH: 1, LOCK_EX: 2, LOCK_NB: 4, LOCK_UN: 8,
    // Signal-driven I/O (fcntl(2) "Managing signals"): the signal, the owner and its kind.
    F_SETSIG: 10, F_GETSIG: 11, F_SETOWN_EX: 15, F_GETOWN_EX: 16,
    F_OWNER_TID: 0, F_OWNER_PID: 1, F_OWNER_PGRP: 2,
  },
  mode: {
    S_IFMT: 0o170000, S_IFSOCK: 0o140000, S_IFLNK: 0o120000, S_IFREG: 0o100000,
    S_IFBLK: 0o60000, S_IFDIR: 0o40000, S_IFCHR: 0o20000, S_IFIFO: 0o10000,
    S_ISUID: 0o4000, S_ISGID: 0o2000, S_ISVTX: 0o1000,
    R_OK: 4, W_OK: 2, X_OK: 1, F_OK: 0,
  },
  dirent: { DT_UNKNOWN: 0, DT_FIFO: 1, DT_CHR: 2, DT_DIR: 4, DT_BLK: 6, DT_REG: 8, DT_LNK: 10, DT_SOCK: 12 },
  seek: { SEEK_SET: 0, SEEK_CUR: 1, SEEK_END: 2, SEEK_DATA: 3, SEEK_HOLE: 4 },
  poll: {
    POLLIN: 0x001, POLLPRI: 0x002, POLLOUT: 0x004, POLLERR: 0x008, POLLHUP: 0x010,
    POLLNVAL: 0x020, POLLRDNORM: 0x040, POLLRDBAND: 0x080, POLLWRNORM: 0x100,
    POLLWRBAND: 0x200, POLLMSG: 0x400, POLLRDHUP: 0x2000,
  },
  clock: {
    CLOCK_REALTIME: 0, CLOCK_MONOTONIC: 1, CLOCK_PROCESS_CPUTIME_ID: 2,
    CLOCK_THREAD_CPUTIME_ID: 3, CLOCK_MONOTONIC_RAW: 4, CLOCK_REALTIME_COARSE: 5,
    CLOCK_MONOTONIC_COARSE: 6, CLOCK_BOOTTIME: 7, CLOCK_REALTIME_ALARM: 8, CLOCK_BOOTTIME_ALARM: 9,
    TIMER_ABSTIME: 1,
  },
  mman: {
    PROT_NONE: 0, PROT_READ: 1, PROT_WRITE: 2, PROT_EXEC: 4, MAP_SHARED: 1, MAP_PRIVATE: 2,
    MAP_FIXED: 0x10, MAP_ANONYMOUS: 0x20, MAP_NORESERVE: 0x4000, MAP_FIXED_NOREPLACE: 0x100000,
    MS_ASYNC: 1, MS_INVALIDATE: 2, MS_SYNC: 4, MCL_CURRENT: 1, MCL_FUTURE: 2, MCL_ONFAULT: 4,
    MLOCK_ONFAULT: 1,
  },
  // clone(2) flags (include/uapi/linux/sched.h); CSIGNAL is the exit signal's byte.
  clone: {
    CSIGNAL: 0xff, CLONE_VM: 0x100, CLONE_FS: 0x200, CLONE_FILES: 0x400, CLONE_SIGHAND: 0x800,
    CLONE_PIDFD: 0x1000, CLONE_PTRACE: 0x2000, CLONE_VFORK: 0x4000, CLONE_PARENT: 0x8000,
    CLONE_THREAD: 0x10000, CLONE_NEWNS: 0x20000, CLONE_SYSVSEM: 0x40000, CLONE_SETTLS: 0x80000,
    CLONE_PARENT_SETTID: 0x100000, CLONE_CHILD_CLEARTID: 0x200000, CLONE_DETACHED: 0x400000,
    CLONE_UNTRACED: 0x800000, CLONE_CHILD_SETTID: 0x1000000,
  },
  // futex(2) operations and flags (include/uapi/linux/futex.h).
  futex: {
    FUTEX_WAIT: 0, FUTEX_WAKE: 1, FUTEX_FD: 2, FUTEX_REQUEUE: 3, FUTEX_CMP_REQUEUE: 4,
    FUTEX_WAKE_OP: 5, FUTEX_LOCK_PI: 6, FUTEX_UNLOCK_PI: 7, FUTEX_TRYLOCK_PI: 8,
    FUTEX_WAIT_BITSET: 9, FUTEX_WAKE_BITSET: 10, FUTEX_WAIT_REQUEUE_PI: 11,
    FUTEX_CMP_REQUEUE_PI: 12, FUTEX_LOCK_PI2: 13, FUTEX_PRIVATE_FLAG: 128,
    FUTEX_CLOCK_REALTIME: 256, FUTEX_CMD_MASK: 0x7f, FUTEX_WAITERS: 0x80000000,
    FUTEX_OWNER_DIED: 0x40000000, FUTEX_TID_MASK: 0x3fffffff,
    FUTEX_OP_SET: 0, FUTEX_OP_ADD: 1, FUTEX_OP_OR: 2, FUTEX_OP_ANDN: 3, FUTEX_OP_XOR: 4,
    FUTEX_OP_OPARG_SHIFT: 8, FUTEX_OP_CMP_EQ: 0, FUTEX_OP_CMP_NE: 1, FUTEX_OP_CMP_LT: 2,
    FUTEX_OP_CMP_LE: 3, FUTEX_OP_CMP_GT: 4, FUTEX_OP_CMP_GE: 5,
  },
  // Why the kernel refuses a program image with ENOEXEC (kernel/exec/wasm_image.h), for the
  // host's messages.
  image: {
    IMAGE_NOT_WASM: 1, IMAGE_MALFORMED: 2, IMAGE_NO_ABI_SECTION: 3, IMAGE_OTHER_ABI: 4,
    IMAGE_NO_SHARED_MEMORY: 5,
  },
  // Scheduling policies (sched(7), include/uapi/linux/sched.h).
  sched: {
    SCHED_OTHER: 0, SCHED_FIFO: 1, SCHED_RR: 2, SCHED_BATCH: 3, SCHED_IDLE: 5,
    SCHED_DEADLINE: 6, SCHED_RESET_ON_FORK: 0x40000000,
  },
  // statfs(2): file system magic numbers (include/uapi/linux/magic.h) and f_flags.
  statfs: {
    TMPFS_MAGIC: 0x01021994, PROC_SUPER_MAGIC: 0x9fa0, DEVPTS_SUPER_MAGIC: 0x1cd1,
    PIPEFS_MAGIC: 0x50495045, ANON_INODE_FS_MAGIC: 0x09041934, SOCKFS_MAGIC: 0x534f434b,
    ST_RDONLY: 1, ST_NOSUID: 2, ST_NODEV: 4, ST_NOEXEC: 8, ST_VALID: 0x20,
  },
  ioctl: {
    TCGETS: 0x5401, TCSETS: 0x5402, TIOCGWINSZ: 0x5413, TIOCSWINSZ: 0x5414, FIONREAD: 0x541b,
    FIONBIO: 0x5421, FIONCLEX: 0x5450, FIOCLEX: 0x5451, FIOASYNC: 0x5452,
  },
  rlimit: {
    RLIMIT_CPU: 0, RLIMIT_FSIZE: 1, RLIMIT_DATA: 2, RLIMIT_STACK: 3, RLIMIT_CORE: 4,
    RLIMIT_RSS: 5, RLIMIT_NPROC: 6, RLIMIT_NOFILE: 7, RLIMIT_MEMLOCK: 8, RLIMIT_AS: 9,
    RLIMIT_NLIMITS: 16,
  },
  signal: {
    SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7,
    SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14,
    SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20,
    SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26,
    SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPWR: 30, SIGSYS: 31, SIG_BLOCK: 0,
    SIG_UNBLOCK: 1, SIG_SETMASK: 2, NSIG: 64, SIG_DFL: 0, SIG_IGN: 1,
    SA_NOCLDSTOP: 1, SA_NOCLDWAIT: 2, SA_SIGINFO: 4, SA_RESTORER: 0x04000000,
    SA_ONSTACK: 0x08000000, SA_RESTART: 0x10000000, SA_NODEFER: 0x40000000,
    SA_RESETHAND: 0x80000000,
    SI_USER: 0, SI_KERNEL: 0x80, SI_QUEUE: -1, SI_TIMER: -2, SI_MESGQ: -3, SI_ASYNCIO: -4,
    SI_SIGIO: -5, SI_TKILL: -6,
    // si_code of SIGIO and F_SETSIG signals (include/uapi/asm-generic/siginfo.h).
    POLL_IN: 1, POLL_OUT: 2, POLL_MSG: 3, POLL_ERR: 4, POLL_PRI: 5, POLL_HUP: 6,
    SS_ONSTACK: 1, SS_DISABLE: 2, MINSIGSTKSZ: 2048,
    SIGEV_SIGNAL: 0, SIGEV_NONE: 1, SIGEV_THREAD: 2, SIGEV_THREAD_ID: 4,
    ITIMER_REAL: 0, ITIMER_VIRTUAL: 1, ITIMER_PROF: 2,
    // prctl(2) options (include/uapi/linux/prctl.h).
    PR_SET_PDEATHSIG: 1, PR_GET_PDEATHSIG: 2, PR_GET_DUMPABLE: 3, PR_SET_DUMPABLE: 4,
    PR_SET_NAME: 15, PR_GET_NAME: 16, PR_SET_CHILD_SUBREAPER: 36, PR_GET_CHILD_SUBREAPER: 37,
  },
  // What the kernel returns instead of a result when the guest has signal work to do
  // (docs/guest-abi.md, "Signals"). Real results are never below -4095.
  guest: {
    SIGNAL_PENDING: -8192, // deliverable signals: call wasmux_sigdeliver
    SIGNAL_HANDLER: -8193, // wasmux_sigdeliver filled the frame: run the handler
    SIGNAL_RESTART: -8194, // reissue the interrupted call
  },
  wait: {
    WNOHANG: 1, WUNTRACED: 2, WSTOPPED: 2, WEXITED: 4, WCONTINUED: 8, WNOWAIT: 0x1000000,
    __WNOTHREAD: 0x20000000, __WALL: 0x40000000, __WCLONE: 0x80000000,
    P_ALL: 0, P_PID: 1, P_PGID: 2, P_PIDFD: 3,
    CLD_EXITED: 1, CLD_KILLED: 2, CLD_DUMPED: 3, CLD_TRAPPED: 4, CLD_STOPPED: 5, CLD_CONTINUED: 6,
  },
  spawn: {
    POSIX_SPAWN_RESETIDS: 1, POSIX_SPAWN_SETPGROUP: 2, POSIX_SPAWN_SETSIGDEF: 4,
    POSIX_SPAWN_SETSIGMASK: 8, POSIX_SPAWN_SETSCHEDPARAM: 16, POSIX_SPAWN_SETSCHEDULER: 32,
    POSIX_SPAWN_USEVFORK: 64, POSIX_SPAWN_SETSID: 128,
    // wasmux_spawn file action records (docs/guest-abi.md)
    SPAWN_ACTION_CLOSE: 1, SPAWN_ACTION_DUP2: 2, SPAWN_ACTION_OPEN: 3, SPAWN_ACTION_CHDIR: 4,
    SPAWN_ACTION_FCHDIR: 5,
  },
  statx: {
    STATX_TYPE: 0x1, STATX_MODE: 0x2, STATX_NLINK: 0x4, STATX_UID: 0x8, STATX_GID: 0x10,
    STATX_ATIME: 0x20, STATX_MTIME: 0x40, STATX_CTIME: 0x80, STATX_INO: 0x100,
    STATX_SIZE: 0x200, STATX_BLOCKS: 0x400, STATX_BASIC_STATS: 0x7ff, STATX_BTIME: 0x800,
  },
  // eventfd(2), timerfd_create(2), signalfd(2): their flags (the CLOEXEC and NONBLOCK ones
  // are O_CLOEXEC and O_NONBLOCK, include/uapi/linux/eventfd.h and timerfd.h).
  eventfd: {
    EFD_SEMAPHORE: 1, EFD_CLOEXEC: 0o2000000, EFD_NONBLOCK: 0o4000,
    TFD_TIMER_ABSTIME: 1, TFD_TIMER_CANCEL_ON_SET: 2, TFD_CLOEXEC: 0o2000000, TFD_NONBLOCK: 0o4000,
    SFD_CLOEXEC: 0o2000000, SFD_NONBLOCK: 0o4000,
  },
  // inotify(7): events and flags (include/uapi/linux/inotify.h).
  inotify: {
    IN_ACCESS: 0x1, IN_MODIFY: 0x2, IN_ATTRIB: 0x4, IN_CLOSE_WRITE: 0x8, IN_CLOSE_NOWRITE: 0x10,
    IN_OPEN: 0x20, IN_MOVED_FROM: 0x40, IN_MOVED_TO: 0x80, IN_CREATE: 0x100, IN_DELETE: 0x200,
    IN_DELETE_SELF: 0x400, IN_MOVE_SELF: 0x800, IN_ALL_EVENTS: 0xfff, IN_UNMOUNT: 0x2000,
    IN_Q_OVERFLOW: 0x4000, IN_IGNORED: 0x8000, IN_ONLYDIR: 0x1000000, IN_DONT_FOLLOW: 0x2000000,
    IN_EXCL_UNLINK: 0x4000000, IN_MASK_CREATE: 0x10000000, IN_MASK_ADD: 0x20000000,
    IN_ISDIR: 0x40000000, IN_ONESHOT: 0x80000000, IN_CLOEXEC: 0o2000000, IN_NONBLOCK: 0o4000,
  },
  // epoll(7): epoll_ctl's operations and the events only epoll has (include/uapi/linux/eventpoll.h;
  // the others are poll's bits).
  epoll: {
    EPOLL_CTL_ADD: 1, EPOLL_CTL_DEL: 2, EPOLL_CTL_MOD: 3, EPOLL_CLOEXEC: 0o2000000,
    EPOLLRDHUP: 0x2000, EPOLLEXCLUSIVE: 0x10000000, EPOLLWAKEUP: 0x20000000, EPOLLONESHOT: 0x40000000,
    EPOLLET: 0x80000000,
  },
  // netlink(7) and rtnetlink(7) (include/uapi/linux/netlink.h, rtnetlink.h, if_link.h,
  // if_addr.h), and the interfaces' ioctls and flags (netdevice(7), include/uapi/linux/if.h,
  // sockios.h, if_arp.h).
  netlink: {
    NETLINK_ROUTE: 0, NLMSG_NOOP: 1, NLMSG_ERROR: 2, NLMSG_DONE: 3,
    NLM_F_REQUEST: 1, NLM_F_MULTI: 2, NLM_F_ACK: 4, NLM_F_DUMP: 0x300,
    RTM_NEWLINK: 16, RTM_GETLINK: 18, RTM_NEWADDR: 20, RTM_GETADDR: 22,
    IFLA_ADDRESS: 1, IFLA_BROADCAST: 2, IFLA_IFNAME: 3, IFLA_MTU: 4, IFLA_TXQLEN: 13, IFLA_OPERSTATE: 16,
    IFA_ADDRESS: 1, IFA_LOCAL: 2, IFA_LABEL: 3, IFA_BROADCAST: 4, IFA_FLAGS: 8,
    IFF_UP: 0x1, IFF_BROADCAST: 0x2, IFF_LOOPBACK: 0x8, IFF_RUNNING: 0x40, IFF_MULTICAST: 0x1000,
    IFF_LOWER_UP: 0x10000, ARPHRD_ETHER: 1, ARPHRD_LOOPBACK: 772, IF_OPER_UP: 6, IF_OPER_UNKNOWN: 0,
    IFA_F_PERMANENT: 0x80, RT_SCOPE_UNIVERSE: 0, RT_SCOPE_HOST: 254, IFNAMSIZ: 16,
    SIOCGIFNAME: 0x8910, SIOCGIFCONF: 0x8912, SIOCGIFFLAGS: 0x8913, SIOCGIFADDR: 0x8915,
    SIOCGIFBRDADDR: 0x8919, SIOCGIFNETMASK: 0x891b, SIOCGIFMTU: 0x8921, SIOCGIFHWADDR: 0x8927,
    SIOCGIFINDEX: 0x8933, SIOCGIFTXQLEN: 0x8942,
  },
  // socket(7), unix(7), ip(7), tcp(7): families, types, levels, options, flags
  // (include/linux/socket.h, include/uapi/asm-generic/socket.h, include/uapi/linux/in.h).
  socket: {
    AF_UNSPEC: 0, AF_UNIX: 1, AF_INET: 2, AF_INET6: 10, AF_NETLINK: 16, AF_PACKET: 17,
    SOCK_STREAM: 1, SOCK_DGRAM: 2, SOCK_RAW: 3, SOCK_RDM: 4, SOCK_SEQPACKET: 5, SOCK_TYPE_MASK: 0xf,
    SOCK_NONBLOCK: 0o4000, SOCK_CLOEXEC: 0o2000000,
    SOL_SOCKET: 1, SO_DEBUG: 1, SO_REUSEADDR: 2, SO_TYPE: 3, SO_ERROR: 4, SO_DONTROUTE: 5,
    SO_BROADCAST: 6, SO_SNDBUF: 7, SO_RCVBUF: 8, SO_KEEPALIVE: 9, SO_OOBINLINE: 10, SO_LINGER: 13,
    SO_REUSEPORT: 15, SO_PASSCRED: 16, SO_PEERCRED: 17, SO_RCVLOWAT: 18, SO_SNDLOWAT: 19,
    SO_RCVTIMEO_OLD: 20, SO_SNDTIMEO_OLD: 21, SO_ACCEPTCONN: 30, SO_SNDBUFFORCE: 32,
    SO_RCVBUFFORCE: 33, SO_PROTOCOL: 38, SO_DOMAIN: 39, SO_RCVTIMEO_NEW: 66, SO_SNDTIMEO_NEW: 67,
    SCM_RIGHTS: 1, SCM_CREDENTIALS: 2, SCM_MAX_FD: 253,
    MSG_OOB: 1, MSG_PEEK: 2, MSG_DONTROUTE: 4, MSG_CTRUNC: 8, MSG_TRUNC: 0x20, MSG_DONTWAIT: 0x40,
    MSG_EOR: 0x80, MSG_WAITALL: 0x100, MSG_NOSIGNAL: 0x4000, MSG_MORE: 0x8000,
    MSG_CMSG_CLOEXEC: 0x40000000,
    SHUT_RD: 0, SHUT_WR: 1, SHUT_RDWR: 2,
    IPPROTO_IP: 0, IPPROTO_ICMP: 1, IPPROTO_TCP: 6, IPPROTO_UDP: 17, IPPROTO_IPV6: 41,
    TCP_NODELAY: 1, TCP_MAXSEG: 2, TCP_CORK: 3, TCP_KEEPIDLE: 4, TCP_KEEPINTVL: 5, TCP_KEEPCNT: 6, IPV6_V6ONLY: 26,
    IP_TOS: 1, IP_TTL: 2, IP_MULTICAST_IF: 32, IP_MULTICAST_TTL: 33, IP_MULTICAST_LOOP: 34,
    IP_ADD_MEMBERSHIP: 35, IP_DROP_MEMBERSHIP: 36, IPV6_UNICAST_HOPS: 16, IPV6_MULTICAST_IF: 17,
    IPV6_MULTICAST_HOPS: 18, IPV6_MULTICAST_LOOP: 19, IPV6_ADD_MEMBERSHIP: 20, IPV6_DROP_MEMBERSHIP: 21,
    SIOCOUTQ: 0x5411, UNIX_PATH_MAX: 108, SOMAXCONN: 4096,
  },
  misc: {
    PRIO_PROCESS: 0, PRIO_PGRP: 1, PRIO_USER: 2,
    GRND_NONBLOCK: 1, GRND_RANDOM: 2, UTIME_NOW: 0x3fffffff, UTIME_OMIT: 0x3ffffffe,
    PIPE_BUF: 4096, PATH_MAX: 4096, NAME_MAX: 255, IOV_MAX: 1024, AT_NULL: 0, AT_PAGESZ: 6,
    AT_UID: 11, AT_EUID: 12, AT_GID: 13, AT_EGID: 14, AT_SECURE: 23, AT_RANDOM: 25,
    AT_EXECFN: 31, AT_HWCAP: 16, AT_CLKTCK: 17, WASM_PAGE_SIZE: 65536, ARG_MAX: 2097152,
  },
};

// Struct layouts as the guest sees them. Field types: i8 u8 i16 u16 i32 u32 i64 u64, or
// [type, count] for arrays. Offsets follow C alignment rules (generate.mjs computes and
// asserts them on both sides).
export const structs = {
  Timespec: [['tv_sec', 'i64'], ['tv_nsec', 'i32'], ['__pad', 'i32']],
  Timeval: [['tv_sec', 'i64'], ['tv_usec', 'i64']],
  Stat: [
    ['st_dev', 'u64'], ['st_ino', 'u64'], ['st_mode', 'u32'], ['st_nlink', 'u32'],
    ['st_uid', 'u32'], ['st_gid', 'u32'], ['st_rdev', 'u64'], ['__pad', 'u64'],
    ['st_size', 'i64'], ['st_blksize', 'i32'], ['__pad2', 'i32'], ['st_blocks', 'i64'],
    ['st_atime_sec', 'i64'], ['st_atime_nsec', 'i64'], ['st_mtime_sec', 'i64'],
    ['st_mtime_nsec', 'i64'], ['st_ctime_sec', 'i64'], ['st_ctime_nsec', 'i64'],
    ['__unused', ['u32', 2]],
  ],
  StatxTimestamp: [['tv_sec', 'i64'], ['tv_nsec', 'u32'], ['__reserved', 'i32']],
  Statx: [
    ['stx_mask', 'u32'], ['stx_blksize', 'u32'], ['stx_attributes', 'u64'],
    ['stx_nlink', 'u32'], ['stx_uid', 'u32'], ['stx_gid', 'u32'], ['stx_mode', 'u16'],
    ['__pad0', 'u16'], ['stx_ino', 'u64'], ['stx_size', 'u64'], ['stx_blocks', 'u64'],
    ['stx_attributes_mask', 'u64'], ['stx_atime', 'StatxTimestamp'],
    ['stx_btime', 'StatxTimestamp'], ['stx_ctime', 'StatxTimestamp'],
    ['stx_mtime', 'StatxTimestamp'], ['stx_rdev_major', 'u32'], ['stx_rdev_minor', 'u32'],
    ['stx_dev_major', 'u32'], ['stx_dev_minor', 'u32'], ['__spare', ['u64', 14]],
  ],
  Dirent64Header: [['d_ino', 'u64'], ['d_off', 'i64'], ['d_reclen', 'u16'], ['d_type', 'u8']],
  Iovec: [['iov_base', 'u32'], ['iov_len', 'u32']],
  Pollfd: [['fd', 'i32'], ['events', 'i16'], ['revents', 'i16']],
  Utsname: [['sysname', ['u8', 65]], ['nodename', ['u8', 65]], ['release', ['u8', 65]],
    ['version', ['u8', 65]], ['machine', ['u8', 65]], ['domainname', ['u8', 65]]],
  Sysinfo: [
    ['uptime', 'i32'], ['loads', ['u32', 3]], ['totalram', 'u32'], ['freeram', 'u32'],
    ['sharedram', 'u32'], ['bufferram', 'u32'], ['totalswap', 'u32'], ['freeswap', 'u32'],
    ['procs', 'u16'], ['pad', 'u16'], ['totalhigh', 'u32'], ['freehigh', 'u32'],
    ['mem_unit', 'u32'], ['__reserved', ['u8', 8]],
  ],
  Rlimit: [['rlim_cur', 'u64'], ['rlim_max', 'u64']],
  // struct statfs as musl's generic bits/statfs.h lays it out for ILP32 (statfs(2)).
  Statfs: [['f_type', 'u32'], ['f_bsize', 'u32'], ['f_blocks', 'u64'], ['f_bfree', 'u64'],
    ['f_bavail', 'u64'], ['f_files', 'u64'], ['f_ffree', 'u64'], ['f_fsid', ['i32', 2]],
    ['f_namelen', 'u32'], ['f_frsize', 'u32'], ['f_flags', 'u32'], ['f_spare', ['u32', 4]]],
  // Where a thread made by clone starts (glue: musl's __clone; docs/guest-abi.md
  // "Threads"): its function and argument, its stack pointer, its wasm TLS block (for
  // __wasm_init_tls), its thread pointer (CLONE_SETTLS) and its interrupt word.
  CloneStart: [['func', 'u32'], ['arg', 'u32'], ['stack_pointer', 'u32'], ['tls_block', 'u32'],
    ['thread_pointer', 'u32'], ['interrupt_word', 'u32']],
  // The kernel's struct sigevent as musl passes it to timer_create (src/time/timer_create.c
  // struct ksigevent): the value (a pointer-sized word), signal, notify, thread id.
  KSigevent: [['sigev_value', 'i32'], ['sigev_signo', 'i32'], ['sigev_notify', 'i32'], ['sigev_tid', 'i32']],
  // struct itimerspec: the interval, then the value (timer_settime(2)).
  Itimerspec: [['it_interval', 'Timespec'], ['it_value', 'Timespec']],
  // struct robust_list_head (ILP32): list, futex_offset, list_op_pending.
  RobustListHead: [['list', 'u32'], ['futex_offset', 'i32'], ['list_op_pending', 'u32']],
  // struct sched_param: one int.
  SchedParam: [['sched_priority', 'i32']],
  // struct tms: four clock_t (long, 32-bit here), in clock ticks (100 a second).
  Tms: [['tms_utime', 'i32'], ['tms_stime', 'i32'], ['tms_cutime', 'i32'], ['tms_cstime', 'i32']],
  // siginfo_t as ILP32 musl lays it out (128 bytes): the union starts at offset 12. Kill,
  // tkill and queued signals use pid/uid/value; SIGCHLD pid/uid/status/utime/stime; faults
  // put si_addr where si_pid is; timers si_timerid/si_overrun there.
  Siginfo: [['si_signo', 'i32'], ['si_errno', 'i32'], ['si_code', 'i32'], ['si_pid', 'i32'],
    ['si_uid', 'u32'], ['si_value', 'i32'], ['si_utime', 'i32'], ['si_stime', 'i32'], ['__pad', ['u8', 96]]],
  // The kernel's struct sigaction (musl's struct k_sigaction; mask as two words).
  KSigaction: [['handler', 'u32'], ['flags', 'u32'], ['restorer', 'u32'], ['mask', ['u32', 2]]],
  StackT: [['ss_sp', 'u32'], ['ss_flags', 'i32'], ['ss_size', 'u32']],
  // ucontext_t (arch/wasm32/bits/signal.h): sigset_t is 128 bytes, mcontext_t 16 words.
  Ucontext: [['uc_flags', 'u32'], ['uc_link', 'u32'], ['uc_stack', 'StackT'], ['uc_sigmask', ['u32', 32]],
    ['uc_mcontext', ['u32', 16]]],
  // What wasmux_sigdeliver fills in for the guest's signal glue and rt_sigreturn reads back
  // (docs/guest-abi.md, "Signals"). result: the interrupted call's result, or
  // SIGNAL_RESTART; stack_top: where the handler's stack starts (0: the current stack);
  // more: other signals are deliverable under the handler's mask (their frames go on top,
  // so their handlers run first, as on Linux); handler_params: how many parameters the
  // handler function really has, plus one (0: unknown, go by SA_SIGINFO). A handler declared
  // without parameters (`void h()`, older C) is a function of another wasm type, which a
  // call with the signal number would trap on.
  SignalFrame: [['handler', 'u32'], ['flags', 'u32'], ['signo', 'i32'], ['stack_top', 'u32'],
    ['more', 'u32'], ['handler_params', 'u32'], ['result', 'i64'], ['info', 'Siginfo'], ['uc', 'Ucontext']],
  // setitimer/getitimer values: musl passes longs (32-bit here) because time_t is wider.
  Itimerval32: [['interval_sec', 'i32'], ['interval_usec', 'i32'], ['value_sec', 'i32'], ['value_usec', 'i32']],
  // siginfo_t as ILP32 musl lays it out for SIGCHLD (128 bytes in all).
  SiginfoChild: [['si_signo', 'i32'], ['si_errno', 'i32'], ['si_code', 'i32'], ['si_pid', 'i32'],
    ['si_uid', 'u32'], ['si_status', 'i32'], ['si_utime', 'i32'], ['si_stime', 'i32'], ['__pad', ['u8', 96]]],
  // siginfo_t as ILP32 musl lays it out for SIGIO and SIGPOLL (si_band is a long).
  SiginfoPoll: [['si_signo', 'i32'], ['si_errno', 'i32'], ['si_code', 'i32'], ['si_band', 'i32'],
    ['si_fd', 'i32'], ['__pad', ['u8', 108]]],
  // netlink(7): the message header, sockaddr_nl, rtnetlink's link and address headers, an
  // attribute's header; netdevice(7)'s struct ifreq (ILP32: 16 name bytes, a 16-byte union)
  // and struct ifconf.
  Nlmsghdr: [['nlmsg_len', 'u32'], ['nlmsg_type', 'u16'], ['nlmsg_flags', 'u16'], ['nlmsg_seq', 'u32'], ['nlmsg_pid', 'u32']],
  SockaddrNl: [['nl_family', 'u16'], ['nl_pad', 'u16'], ['nl_pid', 'u32'], ['nl_groups', 'u32']],
  Ifinfomsg: [['ifi_family', 'u8'], ['ifi_pad', 'u8'], ['ifi_type', 'u16'], ['ifi_index', 'i32'], ['ifi_flags', 'u32'], ['ifi_change', 'u32']],
  Ifaddrmsg: [['ifa_family', 'u8'], ['ifa_prefixlen', 'u8'], ['ifa_flags', 'u8'], ['ifa_scope', 'u8'], ['ifa_index', 'u32']],
  Rtattr: [['rta_len', 'u16'], ['rta_type', 'u16']],
  Ifreq: [['ifr_name', ['u8', 16]], ['ifr_data', ['u8', 16]]],
  Ifconf: [['ifc_len', 'i32'], ['ifc_buf', 'u32']],
  // fcntl F_GETOWN_EX/F_SETOWN_EX's struct f_owner_ex.
  FOwnerEx: [['type', 'i32'], ['pid', 'i32']],
  // struct rusage: two timevals (64-bit time_t), then 14 longs and 16 reserved (ILP32).
  // getrusage and wait4 write Linux's 32-bit layout (timevals of two longs, 14 longs): musl
  // passes a pointer 16 bytes before ru_maxrss and widens the times itself
  // (src/misc/getrusage.c, src/linux/wait4.c).
  Rusage: [['utime_sec', 'i32'], ['utime_usec', 'i32'], ['stime_sec', 'i32'], ['stime_usec', 'i32'],
    ['ru_fields', ['i32', 14]]],
  // The attributes block of wasmux_spawn (from posix_spawnattr_t).
  SpawnAttr: [['flags', 'u32'], ['pgroup', 'i32'], ['sigdefault', 'u64'], ['sigmask', 'u64']],
  // One file action record of wasmux_spawn; path bytes (NUL-terminated) follow, padded to 4.
  SpawnAction: [['cmd', 'u32'], ['fd', 'i32'], ['srcfd', 'i32'], ['oflag', 'u32'], ['mode', 'u32'], ['path_len', 'u32']],
  Termios: [['c_iflag', 'u32'], ['c_oflag', 'u32'], ['c_cflag', 'u32'], ['c_lflag', 'u32'],
    ['c_line', 'u8'], ['c_cc', ['u8', 32]], ['__c_ispeed', 'u32'], ['__c_ospeed', 'u32']],
  // Socket addresses (sys/un.h, netinet/in.h): families first, ports and IPv4 addresses
  // in network byte order.
  SockaddrUn: [['sun_family', 'u16'], ['sun_path', ['u8', 108]]],
  SockaddrIn: [['sin_family', 'u16'], ['sin_port', 'u16'], ['sin_addr', 'u32'], ['sin_zero', ['u8', 8]]],
  SockaddrIn6: [['sin6_family', 'u16'], ['sin6_port', 'u16'], ['sin6_flowinfo', 'u32'], ['sin6_addr', ['u8', 16]],
    ['sin6_scope_id', 'u32']],
  // struct msghdr and struct cmsghdr as ILP32 musl lays them out (socklen_t and int; no
  // padding on 32-bit): ancillary data is aligned to 4 bytes (CMSG_ALIGN, sizeof(size_t)).
  Msghdr: [['msg_name', 'u32'], ['msg_namelen', 'u32'], ['msg_iov', 'u32'], ['msg_iovlen', 'i32'],
    ['msg_control', 'u32'], ['msg_controllen', 'u32'], ['msg_flags', 'i32']],
  Mmsghdr: [['msg_hdr', 'Msghdr'], ['msg_len', 'u32']],
  Cmsghdr: [['cmsg_len', 'u32'], ['cmsg_level', 'i32'], ['cmsg_type', 'i32']],
  Ucred: [['pid', 'i32'], ['uid', 'u32'], ['gid', 'u32']],
  Linger: [['l_onoff', 'i32'], ['l_linger', 'i32']],
  // SO_RCVTIMEO_OLD's timeval: two longs (32-bit here); _NEW's is Timeval (64-bit).
  Timeval32: [['tv_sec', 'i32'], ['tv_usec', 'i32']],
  // struct flock (fcntl(2)) on wasm32: off_t is 64-bit and 8-aligned.
  Flock: [['l_type', 'i16'], ['l_whence', 'i16'], ['__pad', 'u32'], ['l_start', 'i64'], ['l_len', 'i64'],
    ['l_pid', 'i32'], ['__pad2', 'u32']],
  // struct epoll_event on wasm32 (musl's sys/epoll.h packs it only on x86_64): the 64-bit
  // data is 8-aligned, so 4 bytes of padding follow events (16 bytes in all).
  EpollEvent: [['events', 'u32'], ['__pad', 'u32'], ['data', 'u64']],
  // struct signalfd_siginfo (include/uapi/linux/signalfd.h): 128 bytes whatever the ABI.
  SignalfdSiginfo: [['ssi_signo', 'u32'], ['ssi_errno', 'i32'], ['ssi_code', 'i32'], ['ssi_pid', 'u32'],
    ['ssi_uid', 'u32'], ['ssi_fd', 'i32'], ['ssi_tid', 'u32'], ['ssi_band', 'u32'], ['ssi_overrun', 'u32'],
    ['ssi_trapno', 'u32'], ['ssi_status', 'i32'], ['ssi_int', 'i32'], ['ssi_ptr', 'u64'], ['ssi_utime', 'u64'],
    ['ssi_stime', 'u64'], ['ssi_addr', 'u64'], ['ssi_addr_lsb', 'u16'], ['__pad2', 'u16'], ['ssi_syscall', 'i32'],
    ['ssi_call_addr', 'u64'], ['ssi_arch', 'u32'], ['__pad', ['u8', 28]]],
  Winsize: [['ws_row', 'u16'], ['ws_col', 'u16'], ['ws_xpixel', 'u16'], ['ws_ypixel', 'u16']],
};
