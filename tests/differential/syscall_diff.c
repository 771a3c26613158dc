/* Differential syscall programs (issue 8): for each seed, a short random program of system
 * calls on files, directories, links, pipes and child processes in a fresh scratch
 * directory, printing every call and its result (a number, or an errno name) and at the
 * end what the directory holds. Built natively and for wasmux from the same source and
 * run with the same seeds (tests/differential/run.sh), the two outputs must be the same,
 * line for line; a known difference is listed in KNOWN-DIFFERENCES with its reason.
 * Nothing printed depends on the run: no pids, inode numbers, times or addresses.
 *
 *   syscall_diff FIRST LAST     seeds FIRST..LAST, in a scratch directory under
 *                               $WASMUX_DIFF_DIR (default /tmp: natively, a tmpfs such
 *                               as /dev/shm, whose rules wasmux's /tmp follows)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t state;
static char scratch[4096];

static uint32_t next(void)
{
	/* xorshift64*: the same numbers on both sides. */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * 2685821657736338717ull) >> 32);
}

static uint32_t pick(uint32_t n) { return next() % n; }

static const char *errname(int e)
{
	static const struct { int v; const char *n; } names[] = {
		{EPERM, "EPERM"}, {ENOENT, "ENOENT"}, {EBADF, "EBADF"}, {EACCES, "EACCES"}, {EEXIST, "EEXIST"},
		{EXDEV, "EXDEV"}, {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"}, {EINVAL, "EINVAL"}, {EMFILE, "EMFILE"},
		{ENOSPC, "ENOSPC"}, {ESPIPE, "ESPIPE"}, {EPIPE, "EPIPE"}, {ENAMETOOLONG, "ENAMETOOLONG"},
		{ENOTEMPTY, "ENOTEMPTY"}, {ELOOP, "ELOOP"}, {EAGAIN, "EAGAIN"}, {EFBIG, "EFBIG"}, {EBUSY, "EBUSY"},
		{ECHILD, "ECHILD"}, {ENXIO, "ENXIO"}, {EFAULT, "EFAULT"}, {EOVERFLOW, "EOVERFLOW"}, {ETXTBSY, "ETXTBSY"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].v == e)
			return names[i].n;
	static char other[32];
	snprintf(other, sizeof other, "errno%d", e);
	return other;
}

/* A call's line: "what = N" or "what = ENAME". */
static long show(const char *what, long r)
{
	if (r < 0)
		printf("%s = %s\n", what, errname(errno));
	else
		printf("%s = %ld\n", what, r);
	fflush(stdout);
	return r;
}

static const char *const names[] = {"a", "b", "d", "d/x", "d/y", "e", "l", "a/", "d/../a", "missing/z", "."};
#define NAMES (sizeof names / sizeof names[0])
static const char *name(void) { return names[pick(NAMES)]; }

/* Descriptors the program opened, as indexes: printed fds are these, never raw numbers
 * (the two sides may start with different descriptors open). */
static int fds[16];
static int nfds;

static int fd_arg(void)
{
	if (nfds == 0 || pick(8) == 0)
		return pick(2) ? -1 : 99;
	return fds[pick((uint32_t)nfds)];
}

static long keep(long fd)
{
	if (fd >= 0 && nfds < 16)
		fds[nfds++] = (int)fd;
	return fd >= 0 ? nfds - 1 : fd; /* the index it is known by */
}

static void forget(int fd)
{
	for (int i = 0; i < nfds; i++)
		if (fds[i] == fd) {
			fds[i] = fds[--nfds];
			return;
		}
}

static int index_of(int fd)
{
	for (int i = 0; i < nfds; i++)
		if (fds[i] == fd)
			return i;
	return fd;
}

static void describe(const char *path)
{
	struct stat st;
	char what[300];
	snprintf(what, sizeof what, "lstat(%s)", path);
	if (lstat(path, &st) < 0) {
		show(what, -1);
		return;
	}
	const char *type = S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "link"
		: S_ISFIFO(st.st_mode) ? "fifo" : "other";
	/* A directory's size and link count differ between file systems (Linux tmpfs counts
	 * entries, ext4 blocks): only a file's and a link's are compared. */
	if (S_ISDIR(st.st_mode))
		printf("%s = %s mode %o\n", what, type, (unsigned)(st.st_mode & 07777));
	else
		printf("%s = %s mode %o size %lld nlink %lu\n", what, type, (unsigned)(st.st_mode & 07777),
		       (long long)st.st_size, (unsigned long)st.st_nlink);
}

static void step(void)
{
	char what[400], buf[64];
	const char *n = name(), *m = name();
	int fd = fd_arg();
	switch (pick(22)) {
	case 0: {
		/* By name: the flags' values differ between x86-64 and wasmux's generic table. */
		static const struct { int f; const char *n; } flags[] = {
			{O_RDONLY, "RDONLY"}, {O_WRONLY | O_CREAT, "WRONLY|CREAT"}, {O_RDWR | O_CREAT | O_EXCL, "RDWR|CREAT|EXCL"},
			{O_WRONLY | O_TRUNC, "WRONLY|TRUNC"}, {O_RDONLY | O_DIRECTORY, "RDONLY|DIRECTORY"},
			{O_RDWR | O_APPEND | O_CREAT, "RDWR|APPEND|CREAT"}, {O_WRONLY | O_CREAT | O_NOFOLLOW, "WRONLY|CREAT|NOFOLLOW"},
			{O_RDONLY | O_CREAT, "RDONLY|CREAT"}};
		int i = (int)pick(8);
		snprintf(what, sizeof what, "open(%s, %s)", n, flags[i].n);
		show(what, keep(open(n, flags[i].f, 0640)));
		break;
	}
	case 1:
		snprintf(what, sizeof what, "close(fd%d)", index_of(fd));
		if (show(what, close(fd)) == 0)
			forget(fd);
		break;
	case 2: {
		size_t len = pick(3) ? pick(20) : 0;
		snprintf(what, sizeof what, "write(fd%d, %zu)", index_of(fd), len);
		show(what, write(fd, "0123456789abcdefghij", len));
		break;
	}
	case 3:
		snprintf(what, sizeof what, "read(fd%d)", index_of(fd));
		show(what, read(fd, buf, pick(2) ? 8 : sizeof buf));
		break;
	case 4: {
		static const int whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
		long off = (long)pick(40) - 10;
		int w = whence[pick(3)];
		snprintf(what, sizeof what, "lseek(fd%d, %ld, %d)", index_of(fd), off, w);
		show(what, lseek(fd, off, w));
		break;
	}
	case 5:
		snprintf(what, sizeof what, "mkdir(%s)", n);
		show(what, mkdir(n, 0750));
		break;
	case 6:
		snprintf(what, sizeof what, "rmdir(%s)", n);
		show(what, rmdir(n));
		break;
	case 7:
		snprintf(what, sizeof what, "unlink(%s)", n);
		show(what, unlink(n));
		break;
	case 8:
		snprintf(what, sizeof what, "rename(%s, %s)", n, m);
		show(what, rename(n, m));
		break;
	case 9:
		snprintf(what, sizeof what, "link(%s, %s)", n, m);
		show(what, link(n, m));
		break;
	case 10:
		snprintf(what, sizeof what, "symlink(%s, %s)", n, m);
		show(what, symlink(n, m));
		break;
	case 11: {
		snprintf(what, sizeof what, "readlink(%s)", n);
		ssize_t r = readlink(n, buf, sizeof buf - 1);
		if (r >= 0) {
			buf[r] = 0;
			printf("%s = \"%s\"\n", what, buf);
		} else {
			show(what, -1);
		}
		break;
	}
	case 12:
		describe(n);
		break;
	case 13: {
		long len = (long)pick(30) - 5;
		snprintf(what, sizeof what, "ftruncate(fd%d, %ld)", index_of(fd), len);
		show(what, ftruncate(fd, len));
		break;
	}
	case 14: {
		int p[2];
		/* Non-blocking: a read of an empty pipe is EAGAIN, never a program stuck. */
		if (show("pipe2(O_NONBLOCK)", pipe2(p, O_NONBLOCK)) == 0) {
			long r = keep(p[0]), w = keep(p[1]);
			printf("  = fd%ld fd%ld\n", r, w);
		}
		break;
	}
	case 15:
		snprintf(what, sizeof what, "dup(fd%d)", index_of(fd));
		show(what, keep(dup(fd)));
		break;
	case 16: {
		static const int cmds[] = {F_GETFL, F_GETFD, F_SETFL, F_SETFD};
		int c = cmds[pick(4)];
		/* O_NONBLOCK stays: a pipe that blocked would stop the program. */
		long arg = c == F_SETFL ? (pick(2) ? O_NONBLOCK : O_NONBLOCK | O_APPEND) : c == F_SETFD ? FD_CLOEXEC : 0;
		snprintf(what, sizeof what, "fcntl(fd%d, %d, %ld)", index_of(fd), c, arg);
		long r = fcntl(fd, c, arg);
		if (c == F_GETFL && r >= 0)
			r &= O_ACCMODE | O_APPEND | O_NONBLOCK; /* other bits are the libc's (O_LARGEFILE) */
		show(what, r);
		break;
	}
	case 17: {
		static const int modes[] = {R_OK, W_OK, X_OK, F_OK};
		int mo = modes[pick(4)];
		snprintf(what, sizeof what, "access(%s, %d)", n, mo);
		show(what, access(n, mo));
		break;
	}
	case 18: {
		static const mode_t modes[] = {0, 0400, 0644, 0755, 01777};
		mode_t mo = modes[pick(5)];
		snprintf(what, sizeof what, "chmod(%s, %o)", n, (unsigned)mo);
		show(what, chmod(n, mo));
		break;
	}
	case 19: {
		/* A child that does one thing and exits with what it got. */
		int code = (int)pick(50);
		pid_t c = fork();
		if (c == 0) {
			int r = write(fd, "c", 1);
			_exit(r == 1 ? code : 100);
		}
		int st = 0;
		snprintf(what, sizeof what, "fork+write(fd%d)+exit(%d)", index_of(fd), code);
		if (c < 0 || waitpid(c, &st, 0) != c)
			show(what, -1);
		else
			printf("%s = status %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st));
		break;
	}
	case 20:
		snprintf(what, sizeof what, "chdir(%s)", n);
		if (show(what, chdir(n)) == 0 && chdir(scratch) != 0)
			exit(1);
		break;
	default:
		snprintf(what, sizeof what, "truncate(%s, %d)", n, 3);
		show(what, truncate(n, 3));
		break;
	}
}

/* Calls f(path, depth) on each entry of dir but "." and "..", in name order. */
static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static void for_each_entry(const char *dir, int depth, void (*f)(const char *path, int depth))
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, by_name);
	for (int i = 0; i < n; i++) {
		const char *e = list[i]->d_name;
		if (strcmp(e, ".") && strcmp(e, "..")) {
			char path[600];
			snprintf(path, sizeof path, "%s/%s", dir, e);
			f(path, depth);
		}
		free(list[i]);
	}
	free(list);
}

static int is_dir(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* What the scratch directory holds at the end, two levels deep. */
static void list_entry(const char *path, int depth)
{
	printf("entry ");
	describe(path + 2); /* without "./" */
	if (depth < 2 && is_dir(path))
		for_each_entry(path, depth + 1, list_entry);
}

static void remove_entry(const char *path, int depth)
{
	if (is_dir(path)) {
		chmod(path, 0700);
		for_each_entry(path, depth + 1, remove_entry);
		rmdir(path);
	} else {
		unlink(path);
	}
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	long first = atol(argv[1]), last = atol(argv[2]);
	signal(SIGPIPE, SIG_IGN); /* a write to a pipe with no reader: EPIPE, not death */
	umask(022);
	const char *base = getenv("WASMUX_DIFF_DIR");
	snprintf(scratch, sizeof scratch, "%s/wasmux-diff-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(scratch) || chdir(scratch)) {
		perror("scratch");
		return 1;
	}
	for (long seed = first; seed <= last; seed++) {
		printf("## seed %ld\n", seed);
		state = (uint64_t)seed * 0x9e3779b97f4a7c15ull + 1;
		mkdir("d", 0755);
		int f = open("a", O_WRONLY | O_CREAT, 0644);
		(void)!write(f, "hello", 5);
		close(f);
		nfds = 0;
		int steps = 10 + (int)pick(20);
		for (int i = 0; i < steps; i++)
			step();
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		nfds = 0;
		for_each_entry(".", 0, list_entry);
		for_each_entry(".", 0, remove_entry);
	}
	chdir("/");
	rmdir(scratch);
	return 0;
}
