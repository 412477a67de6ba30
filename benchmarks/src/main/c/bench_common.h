/*
 * What the C reference programs share: a monotonic clock, dying with the errno, and a loopback TCP
 * pair (127.0.0.1 only) whose reading end a thread drains. Define BENCH_PROGRAM (the program's name,
 * for messages) before including. The functions are static inline, so a program that does not use
 * one gets no unused-function warning.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef BENCH_PROGRAM
#error "define BENCH_PROGRAM before including bench_common.h"
#endif

static inline double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static inline void die(const char *what) {
    fprintf(stderr, BENCH_PROGRAM ": %s: %s\n", what, strerror(errno));
    exit(2);
}

/* Reads the socket given by arg into a 1 MiB buffer until end of stream. */
static inline void *drain(void *arg) {
    int fd = *(int *) arg;
    char *buf = malloc(1 << 20);
    if (buf == NULL) die("malloc");
    for (;;) {
        ssize_t n = read(fd, buf, 1 << 20);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            die("read (drain)");
        }
    }
    free(buf);
    return NULL;
}

/* A connected TCP pair on 127.0.0.1: *writer for the program, *reader drained by *thread. */
static inline void loopback_pair(int *writer, int *reader, pthread_t *thread) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind 127.0.0.1");
    if (listen(lfd, 1) < 0) die("listen");
    if (getsockname(lfd, (struct sockaddr *) &addr, &len) < 0) die("getsockname");
    *writer = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (*writer < 0) die("socket");
    if (connect(*writer, (struct sockaddr *) &addr, sizeof addr) < 0) die("connect 127.0.0.1");
    *reader = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (*reader < 0) die("accept4");
    close(lfd);
    if (pthread_create(thread, NULL, drain, reader) != 0) die("pthread_create");
}

#endif
