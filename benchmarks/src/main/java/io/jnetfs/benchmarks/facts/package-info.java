/**
 * Machine facts for the README's performance section, measured by {@code make bench --machine-facts}
 * beside the C and tool figures the harness takes itself (see
 * {@link io.jnetfs.benchmarks.harness.BenchHarness}): main-memory copy bandwidth from Java
 * ({@link io.jnetfs.benchmarks.facts.MemcpyBenchmark}) and the cost of one system call through the
 * FFM gateway ({@link io.jnetfs.benchmarks.facts.SyscallBenchmark}).
 */
package io.jnetfs.benchmarks.facts;
