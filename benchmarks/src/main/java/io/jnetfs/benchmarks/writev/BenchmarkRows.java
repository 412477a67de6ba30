package io.jnetfs.benchmarks.writev;

import io.jnetfs.benchmarks.harness.CPeer;
import io.jnetfs.benchmarks.harness.Goal;
import io.jnetfs.benchmarks.harness.Params;
import io.jnetfs.benchmarks.harness.Peer;
import io.jnetfs.benchmarks.harness.PeerContext;
import io.jnetfs.benchmarks.harness.Row;
import io.jnetfs.benchmarks.harness.RowSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The writev rows: jnetfs's writev against NIO's gathering write, a loop of single NIO writes and the
 * C writev loop, for every target and shape of {@link WritevBenchmark}. Issue 3's goal is checked on
 * 16 iovecs to /dev/null.
 */
public final class BenchmarkRows implements RowSource {
    /** Issue 3's goal applies to 16 iovecs (16 x 64 KiB) written to /dev/null. */
    static final Predicate<Params> ISSUE_3 = p -> p.is("target", "devnull") && p.is("shape", "16x65536");

    /** Creates the source; the harness calls this reflectively. */
    public BenchmarkRows() {
    }

    @Override
    public List<Row> rows() {
        String nativeWritev = Row.benchmark(WritevBenchmark.class, "nativeWritev");
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of("writev: Native.writev (chain floor)", nativeWritev,
                        Peer.jmh("NIO gathering write", Row.benchmark(WritevBenchmark.class, "nioGatheringWrite")))
                .goalWhen(ISSUE_3, Goal.atLeast(1.3, "NIO")));
        rows.add(Row.of("writev: Native.writev (chain floor)", nativeWritev,
                Peer.jmh("NIO single-write loop", Row.benchmark(WritevBenchmark.class, "nioWriteLoop"))));
        rows.add(Row.of("writev: Native.writev (chain floor)", nativeWritev,
                        Peer.c("C writev loop", "writev_loop", BenchmarkRows::cArgs, CPeer.Metric.NS_PER_CALL))
                .goalWhen(ISSUE_3, Goal.within(0.10, "C")));
        String chainWritev = Row.benchmark(WritevBenchmark.class, "chainWritev");
        rows.add(Row.of("writev: bvecq chain", chainWritev,
                        Peer.jmh("NIO gathering write", Row.benchmark(WritevBenchmark.class, "nioGatheringWrite")))
                .goalWhen(ISSUE_3, Goal.atLeast(1.3, "NIO")));
        rows.add(Row.of("writev: bvecq chain", chainWritev,
                Peer.jmh("NIO single-write loop", Row.benchmark(WritevBenchmark.class, "nioWriteLoop"))));
        rows.add(Row.of("writev: bvecq chain", chainWritev,
                        Peer.c("C writev loop", "writev_loop", BenchmarkRows::cArgs, CPeer.Metric.NS_PER_CALL))
                .goalWhen(ISSUE_3, Goal.within(0.10, "C")));
        rows.add(Row.of("writev: bvecq chain", chainWritev,
                        Peer.c("C writev loop + 1 idle thread", "writev_loop", BenchmarkRows::cArgsThreaded,
                                CPeer.Metric.NS_PER_CALL))
                .goalWhen(ISSUE_3, Goal.within(0.10, "C with a second thread")));
        rows.add(Row.of("writev: bvecq chain", chainWritev, Peer.jmh("Native.writev (floor)", nativeWritev)));
        return rows;
    }

    /**
     * writev_loop's arguments for the like-for-like C reference: the same loop in a process with a
     * second (idle) thread, as every JVM has many. The kernel skips the file reference count in
     * {@code fdget} only for a single-threaded process (33 ns per call here), a path no Java program
     * can take.
     */
    static List<String> cArgsThreaded(Params p, PeerContext ctx) {
        List<String> args = cArgs(p, ctx);
        args.addAll(List.of("--idle-threads", "1"));
        return args;
    }

    /**
     * writev_loop's arguments for a {@link WritevBenchmark} parameter combination.
     *
     * @param p the subject's parameters (target, shape)
     * @param ctx the peer context (for the file target's path)
     * @return the arguments, without the timing options
     */
    static List<String> cArgs(Params p, PeerContext ctx) {
        String[] shape = p.get("shape").split("x");
        List<String> args = new ArrayList<>(List.of("--target", p.get("target"), "--iovcnt", shape[0],
                "--iovlen", shape[1], "--bound", Long.toString(WritevBenchmark.FILE_BOUND)));
        if (p.is("target", "file")) {
            args.addAll(List.of("--path", ctx.scratchFile("writev_loop.dat").toString()));
        }
        return args;
    }
}
