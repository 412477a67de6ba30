/**
 * The benchmark harness behind {@code make bench}: {@link io.jnetfs.benchmarks.harness.BenchHarness}
 * runs the JMH suite (profile settings, {@code -prof gc}), then the external peers the rows name,
 * then (with {@code --machine-facts}) the machine facts, and writes {@code benchmarks/results/} and
 * the generated region of {@code BENCHMARKS.md}.
 *
 * <h2>How to add a row</h2>
 *
 * <ol>
 *   <li>Write the experiment as one JMH class in the module's benchmark package
 *       ({@code io.jnetfs.benchmarks.<module>}): the baseline and the jnetfs variant as
 *       {@code @Benchmark} methods of the same class, {@code @Param} sweeps for the shapes. Any
 *       benchmark under {@code io.jnetfs.benchmarks} runs in {@code make bench}; the profile's forks
 *       and iterations override the class's annotations.</li>
 *   <li>Add (or extend) {@code io.jnetfs.benchmarks.<module>.BenchmarkRows}, a public final class
 *       with a public no-arg constructor implementing {@link io.jnetfs.benchmarks.harness.RowSource}.
 *       The harness loads it by that name for every package with a benchmark in the run; no registry
 *       file to edit.</li>
 *   <li>Each {@link io.jnetfs.benchmarks.harness.Row} names its subject (the jnetfs benchmark, see
 *       {@link io.jnetfs.benchmarks.harness.Row#benchmark(Class, String)}), its peer and the goal its
 *       issue states:
 *       <pre>{@code
 * Row.of("uring: 4 KiB random reads vs fio", Row.benchmark(UringReadBenchmark.class, "uring"),
 *         Peer.fio("fio io_uring", (p, ctx) -> List.of("--name=randread", "--rw=randread", "--bs=4k",
 *                 "--ioengine=io_uring", "--iodepth=" + p.get("depth"), "--invalidate=0",
 *                 "--filename=" + ctx.scratchFile("randread.dat"), "--size=256m"),
 *                 FioPeer.Metric.READ_IOPS))
 *     .goalWhen(p -> p.is("depth", "32"), Goal.atLeast(0.9, "fio"))
 *       }</pre>
 *       Peers: {@link io.jnetfs.benchmarks.harness.Peer#jmh(String, String)} (another benchmark of
 *       the same run, matched on the same {@code @Param} values),
 *       {@link io.jnetfs.benchmarks.harness.Peer#c(String, String, java.util.function.BiFunction,
 *       io.jnetfs.benchmarks.harness.CPeer.Metric)} (a program in {@code benchmarks/src/main/c},
 *       compiled at bench time; it takes {@code --warmup}, {@code --iterations}, {@code --seconds}
 *       and prints JSON with {@code ns_per_call_iterations} and {@code bytes_per_call}),
 *       {@link io.jnetfs.benchmarks.harness.Peer#fio(String, java.util.function.BiFunction,
 *       io.jnetfs.benchmarks.harness.FioPeer.Metric)}, or any other
 *       {@link io.jnetfs.benchmarks.harness.ExternalPeer} (diodcat against diod).</li>
 *   <li>Goals: {@link io.jnetfs.benchmarks.harness.Goal#atLeast(double, String)} ("&gt;= 1.3x NIO"),
 *       {@link io.jnetfs.benchmarks.harness.Goal#within(double, String)} ("within 10% of C"), checked
 *       against the ratio = how many times faster jnetfs is than the peer. Figures compare when both
 *       count operations (ns/op, ops/s) or both count bytes (B/s).</li>
 * </ol>
 */
package io.jnetfs.benchmarks.harness;
