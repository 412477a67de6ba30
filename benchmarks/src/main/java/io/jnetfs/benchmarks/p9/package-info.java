/**
 * p9 benchmarks: {@link io.jnetfs.benchmarks.p9.P9ReadBenchmark} (JMH: a 1 GiB file read from a real
 * diod with 1, 4 and 16 Treads in flight) against {@code diodcat} ({@link io.jnetfs.benchmarks.p9.DiodcatPeer},
 * the rows in {@link io.jnetfs.benchmarks.p9.BenchmarkRows}), and
 * {@link io.jnetfs.benchmarks.p9.P9VsDiodcat}, a standalone run that interleaves diodcat and every client
 * variant round by round and also counts {@code sendmsg} calls per Twrite (the p9 section of
 * BENCHMARKS.md). {@link io.jnetfs.benchmarks.p9.BenchFile} keeps the page-cached benchmark file and
 * starts the diod that serves it (the project's fixture, {@code io.jnetfs.peers.Diod}, as a local process).
 */
package io.jnetfs.benchmarks.p9;
