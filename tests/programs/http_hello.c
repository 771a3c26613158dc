/* A small HTTP/1.1 server of N processes sharing one TCP port with SO_REUSEPORT: each
 * answers every request with "served by PID for PATH" (Content-Length, Connection: close),
 * or 404 for /missing. The parent prints "ready" once every server listens, then waits.
 *   http_hello PORT N */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void answer(int conn)
{
    char request[4096];
    size_t have = 0;
    while (have < sizeof request - 1) {
        ssize_t n = read(conn, request + have, sizeof request - 1 - have);
        if (n <= 0) break;
        have += (size_t)n;
        request[have] = 0;
        if (strstr(request, "\r\n\r\n")) break;
    }
    request[have] = 0;
    char path[256] = "?";
    sscanf(request, "%*s %255s", path);
    char body[512];
    int missing = strcmp(path, "/missing") == 0;
    int len = missing ? snprintf(body, sizeof body, "no %s here\n", path)
                      : snprintf(body, sizeof body, "served by %d for %s\n", (int)getpid(), path);
    char head[256];
    int hlen = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
                        missing ? "404 Not Found" : "200 OK", len);
    if (write(conn, head, (size_t)hlen) != hlen || write(conn, body, (size_t)len) != len) perror("http_hello: write");
    close(conn);
}

static int serve(int port, int ready)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
        bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0) {
        perror("http_hello: listen");
        return 1;
    }
    if (write(ready, "!", 1) != 1) return 1;
    close(ready);
    for (;;) {
        int conn = accept(s, NULL, NULL);
        if (conn < 0) {
            if (errno == EINTR) continue;
            perror("http_hello: accept");
            return 1;
        }
        answer(conn);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: http_hello PORT N\n");
        return 2;
    }
    int port = atoi(argv[1]), count = atoi(argv[2]);
    int sync[2];
    if (pipe(sync) != 0) return 1;
    for (int i = 0; i < count; i++) {
        pid_t pid = fork();
        if (pid < 0) return 1;
        if (pid == 0) {
            close(sync[0]);
            return serve(port, sync[1]);
        }
    }
    close(sync[1]);
    char c;
    for (int i = 0; i < count; i++)
        if (read(sync[0], &c, 1) != 1) return 1;
    printf("ready\n");
    fflush(stdout);
    while (wait(NULL) > 0) {}
    return 0;
}
