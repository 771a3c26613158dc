/* tcp_abort ADDR PORT: connects, sends "abort me", then closes with SO_LINGER {1, 0}, an
 * abortive close (socket(7)): the server sees a reset rather than an end of stream. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: tcp_abort ADDR PORT\n");
    return 2;
  }
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) return 2;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a)) {
    perror("tcp_abort: connect");
    return 1;
  }
  if (write(s, "abort me", 8) != 8) return 1;
  /* The bytes leave before the reset: a reader that took them sees them, then the reset. */
  usleep(200 * 1000);
  struct linger l = {1, 0};
  if (setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof l)) return 1;
  return close(s) ? 1 : 0;
}
