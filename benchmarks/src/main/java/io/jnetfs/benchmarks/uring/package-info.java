/**
 * Benchmarks of the io-uring module against fio and {@link java.nio.channels.FileChannel}, in one run.
 *
 * <ul>
 *   <li>{@link io.jnetfs.benchmarks.uring.UringRandomReadBenchmark}: 4 KiB random reads of a
 *       page-cached 1 GiB file at queue depth 1, 8 and 32 with batched submission (plain and with fixed
 *       buffers plus a registered file), beside {@code FileChannel} positional reads.</li>
 *   <li>{@link io.jnetfs.benchmarks.uring.UringSequentialWriteBenchmark}: 1 MiB sequential writes,
 *       beside {@code FileChannel} writes.</li>
 *   <li>{@link io.jnetfs.benchmarks.uring.UringVsFio}: a main that runs fio with the same parameters
 *       and then the JMH benchmarks, and prints one table with the ratios.</li>
 *   <li>{@link io.jnetfs.benchmarks.uring.BenchFile}: the shared 1 GiB file.</li>
 * </ul>
 */
package io.jnetfs.benchmarks.uring;
