/**
 * Experiment: one gathering write of N page-aligned buffers ({@code writev}), to /dev/null, to a
 * page-cache file and to a loopback TCP socket, by jnetfs against Java NIO's gathering write, a loop
 * of single NIO writes and the C reference {@code writev_loop.c} (the syscall floor).
 *
 * <p>Issue 3 states the goal for the bvecq chain path, 16 iovecs to /dev/null: per-call cost within
 * 10% of C and at least 1.3x the calls/s of NIO's gathering write. Until the chain exists, the jnetfs
 * side is {@code Native.writev} of a native iovec array, the floor the chain path must keep.
 * {@link io.jnetfs.benchmarks.writev.BenchmarkRows} defines the rows.
 */
package io.jnetfs.benchmarks.writev;
