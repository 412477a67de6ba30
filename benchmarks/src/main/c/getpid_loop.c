/*
 * getpid_loop: the cost of one system call from C, a machine fact for the README's performance
 * section (benchmarks, issue 10). glibc has not cached getpid since 2.25, so every call enters the
 * kernel; syscall(SYS_getpid) is used anyway so that no C library can answer from a cache.
 *
 *   getpid_loop [--warmup SECONDS] [--iterations I] [--seconds SECONDS]
 *
 * Prints one JSON object on stdout: ns per call (mean and per iteration) and calls/s.
 *
 * Build: gcc -O2 -Wall -Wextra -o getpid_loop getpid_loop.c (with bench_common.h beside it)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BENCH_PROGRAM "getpid_loop"
#include "bench_common.h"

#define MAX_ITERATIONS 100
#define BATCH 256

static void usage(const char *msg) {
    fprintf(stderr, "getpid_loop: %s\nusage: getpid_loop [--warmup SECONDS] [--iterations I] "
            "[--seconds SECONDS]\n", msg);
    exit(1);
}

int main(int argc, char **argv) {
    long iterations = 3;
    double warmup = 1.0, seconds = 1.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage("missing value");
        const char *v = argv[++i];
        if (!strcmp(a, "--warmup")) warmup = atof(v);
        else if (!strcmp(a, "--iterations")) iterations = atol(v);
        else if (!strcmp(a, "--seconds")) seconds = atof(v);
        else usage("unknown option");
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) usage("--iterations must be 1..100");
    if (seconds <= 0 || warmup < 0) usage("--seconds must be positive, --warmup not negative");

    long long calls_total = 0;
    long sink = 0;
    double ns[MAX_ITERATIONS], measured_total = 0;
    for (long it = -1; it < iterations; it++) {
        double period = it < 0 ? warmup : seconds;
        if (period == 0) continue;
        long long calls = 0;
        double start = now(), end = start + period, t = start;
        while (t < end) {
            for (int b = 0; b < BATCH; b++) sink += syscall(SYS_getpid);
            calls += BATCH;
            t = now();
        }
        if (it >= 0) {
            ns[it] = (t - start) * 1e9 / (double) calls;
            calls_total += calls;
            measured_total += t - start;
        }
    }
    double mean = measured_total * 1e9 / (double) calls_total;
    printf("{\"program\":\"getpid_loop\",\"calls\":%lld,\"seconds\":%.6f,\"ns_per_call\":%.3f,"
           "\"calls_per_s\":%.1f,\"sink\":%ld,\"bytes_per_call\":%.0f,\"ns_per_call_iterations\":[",
           calls_total, measured_total, mean, 1e9 / mean, sink != 0 ? 1L : 0L, 0.0);
    for (long i = 0; i < iterations; i++) printf("%s%.3f", i ? "," : "", ns[i]);
    printf("]}\n");
    return 0;
}
