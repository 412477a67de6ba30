/*
 * memcpy_loop: main-memory copy bandwidth from C, a machine fact for the README's performance section
 * (benchmarks, issue 10), beside the JMH MemorySegment.copy figure of the same size.
 *
 *   memcpy_loop [--bytes N] [--warmup SECONDS] [--iterations I] [--seconds SECONDS]
 *
 * Copies one page-aligned buffer of --bytes (default 64 MiB, far larger than any cache) to another,
 * over and over. Prints one JSON object on stdout: ns per copy (mean and per iteration) and bytes/s.
 *
 * Build: gcc -O2 -Wall -Wextra -o memcpy_loop memcpy_loop.c (with bench_common.h beside it)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_PROGRAM "memcpy_loop"
#include "bench_common.h"

#define MAX_ITERATIONS 100

static void usage(const char *msg) {
    fprintf(stderr, "memcpy_loop: %s\nusage: memcpy_loop [--bytes N] [--warmup SECONDS] "
            "[--iterations I] [--seconds SECONDS]\n", msg);
    exit(1);
}

int main(int argc, char **argv) {
    long iterations = 3;
    long long bytes = 64LL << 20;
    double warmup = 1.0, seconds = 1.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage("missing value");
        const char *v = argv[++i];
        if (!strcmp(a, "--bytes")) bytes = atoll(v);
        else if (!strcmp(a, "--warmup")) warmup = atof(v);
        else if (!strcmp(a, "--iterations")) iterations = atol(v);
        else if (!strcmp(a, "--seconds")) seconds = atof(v);
        else usage("unknown option");
    }
    if (bytes < 4096) usage("--bytes must be at least 4096");
    if (iterations < 1 || iterations > MAX_ITERATIONS) usage("--iterations must be 1..100");
    if (seconds <= 0 || warmup < 0) usage("--seconds must be positive, --warmup not negative");

    char *src, *dst;
    if (posix_memalign((void **) &src, 4096, (size_t) bytes) != 0) usage("out of memory");
    if (posix_memalign((void **) &dst, 4096, (size_t) bytes) != 0) usage("out of memory");
    memset(src, 0x5a, (size_t) bytes);
    memset(dst, 0, (size_t) bytes);

    long long copies_total = 0;
    double ns[MAX_ITERATIONS], measured_total = 0;
    for (long it = -1; it < iterations; it++) {
        double period = it < 0 ? warmup : seconds;
        if (period == 0) continue;
        long long copies = 0;
        double start = now(), end = start + period, t = start;
        while (t < end) {
            memcpy(dst, src, (size_t) bytes);
            /* keeps the copy from being elided: the compiler cannot see who reads dst */
            __asm__ volatile("" : : "r"(dst) : "memory");
            copies++;
            t = now();
        }
        if (it >= 0) {
            ns[it] = (t - start) * 1e9 / (double) copies;
            copies_total += copies;
            measured_total += t - start;
        }
    }
    double mean = measured_total * 1e9 / (double) copies_total;
    printf("{\"program\":\"memcpy_loop\",\"bytes\":%lld,\"calls\":%lld,\"seconds\":%.6f,"
           "\"ns_per_call\":%.3f,\"bytes_per_s\":%.1f,\"bytes_per_call\":%.0f,\"ns_per_call_iterations\":[",
           bytes, copies_total, measured_total, mean, (double) bytes * 1e9 / mean, (double) bytes);
    for (long i = 0; i < iterations; i++) printf("%s%.3f", i ? "," : "", ns[i]);
    printf("]}\n");
    free(src);
    free(dst);
    return 0;
}
