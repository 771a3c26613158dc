/* cat: copies stdin, or each file named on the command line, to stdout with
 * plain read/write calls. Handles short writes and EINTR; exits 1 if any file
 * could not be read or the output failed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[64 * 1024];

/* Writes all n bytes, however many calls it takes. */
static int write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(1, p, n);
		if (w < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int copy(int fd, const char *name)
{
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r == 0) return 0;
		if (r < 0) {
			if (errno == EINTR) continue;
			fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
			return 1;
		}
		if (write_all(buf, (size_t)r) < 0) {
			fprintf(stderr, "cat: write error: %s\n", strerror(errno));
			return 1;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) return copy(0, "stdin");
	int status = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			status |= copy(0, "stdin");
			continue;
		}
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		status |= copy(fd, argv[i]);
		close(fd);
	}
	return status;
}
