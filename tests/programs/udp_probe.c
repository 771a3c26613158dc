/* Sends MESSAGE in one UDP datagram to HOST:PORT (resolved with getaddrinfo) and prints
 * the first datagram that comes back and its sender; a failure is one line on stderr and
 * a nonzero exit (no answer within 5 seconds: exit 3).
 *   udp_probe HOST PORT MESSAGE */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: udp_probe HOST PORT MESSAGE\n");
        return 2;
    }
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM}, *ai;
    int e = getaddrinfo(argv[1], argv[2], &hints, &ai);
    if (e != 0) {
        fprintf(stderr, "udp_probe: %s: %s\n", argv[1], gai_strerror(e));
        return 1;
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval limit = {.tv_sec = 5};
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) != 0) {
        perror("udp_probe: socket");
        return 1;
    }
    if (sendto(s, argv[3], strlen(argv[3]), 0, ai->ai_addr, ai->ai_addrlen) < 0) {
        fprintf(stderr, "udp_probe: sendto: %s\n", strerror(errno));
        return 1;
    }
    char reply[2048];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(s, reply, sizeof reply - 1, 0, (struct sockaddr *)&from, &len);
    if (n < 0) {
        fprintf(stderr, "udp_probe: recvfrom: %s\n", strerror(errno));
        return errno == EAGAIN ? 3 : 1;
    }
    reply[n] = 0;
    char ip[INET_ADDRSTRLEN];
    printf("%s from %s\n", reply, inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip));
    freeaddrinfo(ai);
    return 0;
}
