package io.jnetfs.benchmarks.sendmsg;

import io.jnetfs.benchmarks.harness.CPeer;
import io.jnetfs.benchmarks.harness.Params;
import io.jnetfs.benchmarks.harness.Peer;
import io.jnetfs.benchmarks.harness.Row;
import io.jnetfs.benchmarks.harness.RowSource;

import java.util.List;

/**
 * The whole-RPC send rows: one {@code sendmsg} against two sends, NIO's gathering write and C, for
 * every shape of {@link RpcSendBenchmark}. No goal yet: the 9P client's issue sets it.
 */
public final class BenchmarkRows implements RowSource {
    /** Creates the source; the harness calls this reflectively. */
    public BenchmarkRows() {
    }

    @Override
    public List<Row> rows() {
        String one = Row.benchmark(RpcSendBenchmark.class, "oneSendmsg");
        String two = Row.benchmark(RpcSendBenchmark.class, "twoSends");
        return List.of(
                Row.of("RPC send: one Native.sendmsg", one, Peer.jmh("two sends (Native)", two)),
                Row.of("RPC send: one Native.sendmsg", one,
                        Peer.jmh("NIO gathering write", Row.benchmark(RpcSendBenchmark.class, "nioGatheringWrite"))),
                Row.of("RPC send: one Native.sendmsg", one,
                        Peer.c("C one sendmsg", "sendmsg_loop", (p, ctx) -> cArgs(p, "one"), CPeer.Metric.NS_PER_CALL)),
                Row.of("RPC send: two Native sends", two,
                        Peer.c("C two sends", "sendmsg_loop", (p, ctx) -> cArgs(p, "two"), CPeer.Metric.NS_PER_CALL)));
        // the 9P client's whole-RPC rows go here, with its goal
    }

    /**
     * sendmsg_loop's arguments for a {@link RpcSendBenchmark} parameter combination.
     *
     * @param p the subject's parameters (shape)
     * @param mode {@code one} or {@code two}
     * @return the arguments, without the timing options
     */
    static List<String> cArgs(Params p, String mode) {
        String[] shape = p.get("shape").split("x");
        return List.of("--mode", mode, "--header", Integer.toString(RpcSendBenchmark.HEADER), "--iovcnt", shape[0],
                "--iovlen", shape[1], "--nodelay", "1");
    }
}
