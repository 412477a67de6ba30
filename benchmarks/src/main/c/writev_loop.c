/*
 * writev_loop: the C reference for a gathering write, the syscall floor that jnetfs's writev path is
 * measured against (benchmarks, issue 10; goal of issue 3).
 *
 *   writev_loop --target devnull|file|socket [--path FILE] --iovcnt N --iovlen S
 *               [--warmup SECONDS] [--iterations I] [--seconds SECONDS] [--bound BYTES]
 *               [--idle-threads N]
 *
 * Builds one iovec array of N page-aligned buffers of S bytes each and calls writev(fd, iov, N) in a
 * loop: for --warmup seconds uncounted, then --iterations measured periods of --seconds each. Prints
 * one JSON object on stdout: ns per call (mean and per iteration), calls/s and bytes/s.
 *
 * Targets, kept identical to io.jnetfs.benchmarks.writev.WritevBenchmark:
 *   devnull  /dev/null
 *   file     FILE (created, truncated) in the page cache; the position returns to 0 whenever it
 *            reaches --bound (default 64 MiB), so the file stays that size and later passes
 *            overwrite cached pages
 *   socket   a loopback TCP connection to 127.0.0.1 inside this process; a reader thread drains the
 *            accepted end into a 1 MiB buffer
 *
 * --idle-threads N starts N threads that only sleep. A process with more than one thread loses the
 * kernel's single-threaded fast path for file descriptors (fdget takes no reference on the file when
 * the descriptor table is not shared): every JVM has many threads, so this is the like-for-like C
 * reference for a call made from Java. Measured here: +33 ns per writev with one idle thread.
 *
 * Build: gcc -O2 -Wall -Wextra -pthread -o writev_loop writev_loop.c (with bench_common.h beside it)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define BENCH_PROGRAM "writev_loop"
#include "bench_common.h"

#define MAX_ITERATIONS 100
/* calls between two clock reads: keeps clock_gettime out of the per-call cost */
#define BATCH 16

static void usage(const char *msg) {
    fprintf(stderr, "writev_loop: %s\nusage: writev_loop --target devnull|file|socket [--path FILE] "
            "--iovcnt N --iovlen S [--warmup SECONDS] [--iterations I] [--seconds SECONDS] "
            "[--bound BYTES] [--idle-threads N]\n", msg);
    exit(1);
}

/* A connected loopback TCP pair: *writer is the client end, the accepted end is drained by *thread. */
static void *idle_thread(void *arg) {
    (void) arg;
    for (;;) pause();
    return NULL;
}

int main(int argc, char **argv) {
    const char *target = NULL, *path = NULL;
    long iovcnt = 0, iovlen = 0, iterations = 3;
    double warmup = 1.0, seconds = 1.0;
    long long bound = 64LL << 20;
    long idle_threads = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage("missing value");
        const char *v = argv[++i];
        if (!strcmp(a, "--target")) target = v;
        else if (!strcmp(a, "--path")) path = v;
        else if (!strcmp(a, "--iovcnt")) iovcnt = atol(v);
        else if (!strcmp(a, "--iovlen")) iovlen = atol(v);
        else if (!strcmp(a, "--warmup")) warmup = atof(v);
        else if (!strcmp(a, "--iterations")) iterations = atol(v);
        else if (!strcmp(a, "--seconds")) seconds = atof(v);
        else if (!strcmp(a, "--bound")) bound = atoll(v);
        else if (!strcmp(a, "--idle-threads")) idle_threads = atol(v);
        else usage("unknown option");
    }
    if (target == NULL) usage("--target is required");
    if (iovcnt < 1 || iovcnt > IOV_MAX) usage("--iovcnt must be 1..IOV_MAX");
    if (iovlen < 1) usage("--iovlen must be positive");
    if (iterations < 1 || iterations > MAX_ITERATIONS) usage("--iterations must be 1..100");
    if (seconds <= 0 || warmup < 0) usage("--seconds must be positive, --warmup not negative");
    if (idle_threads < 0 || idle_threads > 64) usage("--idle-threads must be 0..64");

    int fd, reader = -1, is_file = 0;
    pthread_t thread;
    if (!strcmp(target, "devnull")) {
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (fd < 0) die("open /dev/null");
    } else if (!strcmp(target, "file")) {
        if (path == NULL) usage("--target file needs --path");
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) die("open --path");
        is_file = 1;
    } else if (!strcmp(target, "socket")) {
        loopback_pair(&fd, &reader, &thread);
    } else {
        usage("--target must be devnull, file or socket");
    }

    for (long i = 0; i < idle_threads; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, idle_thread, NULL) != 0) die("pthread_create");
        pthread_detach(t);
    }

    char *data;
    size_t total = (size_t) iovcnt * (size_t) iovlen;
    if (posix_memalign((void **) &data, 4096, total) != 0) die("posix_memalign");
    memset(data, 0x5a, total);
    struct iovec *iov = calloc((size_t) iovcnt, sizeof *iov);
    if (iov == NULL) die("calloc");
    for (long i = 0; i < iovcnt; i++) {
        iov[i].iov_base = data + (size_t) i * (size_t) iovlen;
        iov[i].iov_len = (size_t) iovlen;
    }

    long long pos = 0, short_writes = 0;
    double ns[MAX_ITERATIONS];
    long long calls_total = 0;
    double measured_total = 0;
    for (long it = -1; it < iterations; it++) {
        double period = it < 0 ? warmup : seconds;
        if (period == 0) continue;
        long long calls = 0;
        double start = now(), end = start + period, t = start;
        while (t < end) {
            for (int b = 0; b < BATCH; b++) {
                ssize_t n = writev(fd, iov, (int) iovcnt);
                if (n < 0) die("writev");
                if ((size_t) n != total) short_writes++;
                if (is_file) {
                    pos += n;
                    if (pos >= bound) {
                        if (lseek(fd, 0, SEEK_SET) < 0) die("lseek");
                        pos = 0;
                    }
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

    if (reader >= 0) {
        if (shutdown(fd, SHUT_WR) < 0) die("shutdown");
        pthread_join(thread, NULL);
        close(reader);
    }
    close(fd);

    double mean = measured_total * 1e9 / (double) calls_total;
    printf("{\"program\":\"writev_loop\",\"target\":\"%s\",\"iovcnt\":%ld,\"iovlen\":%ld,"
           "\"idle_threads\":%ld,\"calls\":%lld,\"seconds\":%.6f,\"ns_per_call\":%.3f,\"calls_per_s\":%.1f,"
           "\"bytes_per_s\":%.1f,\"short_writes\":%lld,\"bytes_per_call\":%.0f,\"ns_per_call_iterations\":[",
           target, iovcnt, iovlen, idle_threads, calls_total, measured_total, mean, 1e9 / mean,
           (double) total * 1e9 / mean, short_writes, (double) total);
    for (long i = 0; i < iterations; i++) printf("%s%.3f", i ? "," : "", ns[i]);
    printf("]}\n");
    free(iov);
    free(data);
    return 0;
}
