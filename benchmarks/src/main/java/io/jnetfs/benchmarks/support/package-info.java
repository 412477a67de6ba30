/**
 * Fixtures shared by the benchmarks: page-aligned gather buffers with a native iovec array over them
 * ({@link io.jnetfs.benchmarks.support.GatherBuffers}), a loopback TCP sink that drains what a
 * benchmark sends ({@link io.jnetfs.benchmarks.support.LoopbackSink}), and the scratch directory for
 * benchmark files ({@link io.jnetfs.benchmarks.support.Scratch}).
 */
package io.jnetfs.benchmarks.support;
