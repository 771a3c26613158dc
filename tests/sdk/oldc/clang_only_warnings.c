/* What gcc 12 compiles cleanly with -Wall -Wextra -Werror and clang 22 warns about:
 * a char array exactly as long as its string (valid C: C11 6.7.9p14; nginx's HPACK
 * tables) and CMSG_NXTHDR's comparison of a size_t with a pointer difference (a -Wextra
 * -Wsign-compare report from inside musl's macro, which clang does not silence). */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char huffman[5] = "\x84\xaa\x63\x55\xe7";

int main(void) {
  union {
    char buf[CMSG_SPACE(sizeof(int)) * 2];
    struct cmsghdr align;
  } u;
  struct msghdr m = {.msg_control = u.buf, .msg_controllen = sizeof u.buf};
  memset(u.buf, 0, sizeof u.buf);
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_len = CMSG_LEN(sizeof(int));
  int n = 0;
  for (; c; c = CMSG_NXTHDR(&m, c))
    n++;
  printf("%d %d\n", n, (unsigned char)huffman[4]);
  return 0;
}
