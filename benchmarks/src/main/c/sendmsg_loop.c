/*
 * sendmsg_loop: the C reference for sending one RPC (a small header and N data buffers) on a loopback
 * TCP connection, either as one sendmsg or as two sends (header, then data) (benchmarks, issue 10).
 * With large buffers it also measures the loopback TCP bandwidth.
 *
 *   sendmsg_loop --mode one|two [--header BYTES] --iovcnt N --iovlen S [--nodelay 0|1]
 *                [--warmup SECONDS] [--iterations I] [--seconds SECONDS]
 *
 * The connection is a pair inside this process on 127.0.0.1 (never another address); a reader thread
 * drains the accepted end into a 1 MiB buffer. Buffers are page-aligned. TCP_NODELAY is set by default
 * (an RPC client sets it), so "two" really sends the header as its own segment. Prints one JSON object
 * on stdout: ns per RPC (mean and per iteration), RPCs/s and payload bytes/s (header included).
 *
 * Build: gcc -O2 -Wall -Wextra -pthread -o sendmsg_loop sendmsg_loop.c (with bench_common.h beside it)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define BENCH_PROGRAM "sendmsg_loop"
#include "bench_common.h"

#define MAX_ITERATIONS 100
#define BATCH 16

static void usage(const char *msg) {
    fprintf(stderr, "sendmsg_loop: %s\nusage: sendmsg_loop --mode one|two [--header BYTES] --iovcnt N "
            "--iovlen S [--nodelay 0|1] [--warmup SECONDS] [--iterations I] [--seconds SECONDS]\n", msg);
    exit(1);
}

/*
 * Sends all of msg (want bytes). A blocking socket sends everything unless a signal interrupts it, so
 * the prebuilt msg is used as it is; only after a short send is its iovec array copied (into spare,
 * room for msg_iovlen entries) and advanced.
 */
static void send_all(int fd, const struct msghdr *msg, size_t want, struct iovec *spare, long long *short_sends) {
    ssize_t r;
    do {
        r = sendmsg(fd, msg, 0);
    } while (r < 0 && errno == EINTR);
    if (r < 0) die("sendmsg");
    if ((size_t) r == want) return;
    (*short_sends)++;
    struct msghdr rest = *msg;
    memcpy(spare, msg->msg_iov, msg->msg_iovlen * sizeof *spare);
    rest.msg_iov = spare;
    size_t done = (size_t) r;
    while (done < want) {
        size_t skip = (size_t) r;
        while (skip >= rest.msg_iov->iov_len) {
            skip -= rest.msg_iov->iov_len;
            rest.msg_iov++;
            rest.msg_iovlen--;
        }
        rest.msg_iov->iov_base = (char *) rest.msg_iov->iov_base + skip;
        rest.msg_iov->iov_len -= skip;
        do {
            r = sendmsg(fd, &rest, 0);
        } while (r < 0 && errno == EINTR);
        if (r < 0) die("sendmsg");
        done += (size_t) r;
    }
}

int main(int argc, char **argv) {
    const char *mode = NULL;
    long header = 64, iovcnt = 0, iovlen = 0, iterations = 3, nodelay = 1;
    double warmup = 1.0, seconds = 1.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage("missing value");
        const char *v = argv[++i];
        if (!strcmp(a, "--mode")) mode = v;
        else if (!strcmp(a, "--header")) header = atol(v);
        else if (!strcmp(a, "--iovcnt")) iovcnt = atol(v);
        else if (!strcmp(a, "--iovlen")) iovlen = atol(v);
        else if (!strcmp(a, "--nodelay")) nodelay = atol(v);
        else if (!strcmp(a, "--warmup")) warmup = atof(v);
        else if (!strcmp(a, "--iterations")) iterations = atol(v);
        else if (!strcmp(a, "--seconds")) seconds = atof(v);
        else usage("unknown option");
    }
    if (mode == NULL || (strcmp(mode, "one") && strcmp(mode, "two"))) usage("--mode must be one or two");
    int one = !strcmp(mode, "one");
    if (header < 1 || header > 4096) usage("--header must be 1..4096");
    if (iovcnt < 1 || iovcnt > IOV_MAX - 1) usage("--iovcnt must be 1..IOV_MAX-1");
    if (iovlen < 1) usage("--iovlen must be positive");
    if (iterations < 1 || iterations > MAX_ITERATIONS) usage("--iterations must be 1..100");
    if (seconds <= 0 || warmup < 0) usage("--seconds must be positive, --warmup not negative");

    int fd, reader;
    pthread_t thread;
    loopback_pair(&fd, &reader, &thread);
    int on = (int) nodelay;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) < 0) die("setsockopt TCP_NODELAY");

    size_t data_len = (size_t) iovcnt * (size_t) iovlen;
    char *hdr, *data;
    if (posix_memalign((void **) &hdr, 4096, 4096) != 0) die("posix_memalign");
    if (posix_memalign((void **) &data, 4096, data_len) != 0) die("posix_memalign");
    memset(hdr, 0x11, 4096);
    memset(data, 0x5a, data_len);
    /* iov[0] is the header; iov[1..iovcnt] the data. "two" sends iov[0] and then iov[1..]. */
    struct iovec *iov = calloc((size_t) iovcnt + 1, sizeof *iov);
    struct iovec *spare = calloc((size_t) iovcnt + 1, sizeof *spare);
    if (iov == NULL || spare == NULL) die("calloc");
    iov[0].iov_base = hdr;
    iov[0].iov_len = (size_t) header;
    for (long i = 0; i < iovcnt; i++) {
        iov[i + 1].iov_base = data + (size_t) i * (size_t) iovlen;
        iov[i + 1].iov_len = (size_t) iovlen;
    }
    size_t rpc_len = (size_t) header + data_len;
    struct msghdr all, head, body;
    memset(&all, 0, sizeof all);
    all.msg_iov = iov;
    all.msg_iovlen = (size_t) iovcnt + 1;
    memset(&head, 0, sizeof head);
    head.msg_iov = iov;
    head.msg_iovlen = 1;
    memset(&body, 0, sizeof body);
    body.msg_iov = iov + 1;
    body.msg_iovlen = (size_t) iovcnt;

    long long short_sends = 0, calls_total = 0;
    double ns[MAX_ITERATIONS], measured_total = 0;
    for (long it = -1; it < iterations; it++) {
        double period = it < 0 ? warmup : seconds;
        if (period == 0) continue;
        long long calls = 0;
        double start = now(), end = start + period, t = start;
        while (t < end) {
            for (int b = 0; b < BATCH; b++) {
                if (one) {
                    send_all(fd, &all, rpc_len, spare, &short_sends);
                } else {
                    send_all(fd, &head, (size_t) header, spare, &short_sends);
                    send_all(fd, &body, data_len, spare, &short_sends);
                }
            }
            calls += BATCH;
            t = now();
        }
        if (it >= 0) {
            ns[it] = (t - start) * 1e9 / (double) calls;
            calls_total += calls;
            measured_total += t - start;
        }
    }

    if (shutdown(fd, SHUT_WR) < 0) die("shutdown");
    pthread_join(thread, NULL);
    close(reader);
    close(fd);

    double mean = measured_total * 1e9 / (double) calls_total;
    printf("{\"program\":\"sendmsg_loop\",\"mode\":\"%s\",\"header\":%ld,\"iovcnt\":%ld,\"iovlen\":%ld,"
           "\"nodelay\":%ld,\"calls\":%lld,\"seconds\":%.6f,\"ns_per_call\":%.3f,\"calls_per_s\":%.1f,"
           "\"bytes_per_s\":%.1f,\"short_sends\":%lld,\"bytes_per_call\":%.0f,\"ns_per_call_iterations\":[",
           mode, header, iovcnt, iovlen, nodelay, calls_total, measured_total, mean, 1e9 / mean,
           (double) rpc_len * 1e9 / mean, short_sends, (double) rpc_len);
    for (long i = 0; i < iterations; i++) printf("%s%.3f", i ? "," : "", ns[i]);
    printf("]}\n");
    free(spare);
    free(iov);
    free(hdr);
    free(data);
    return 0;
}
