package io.jnetfs.benchmarks.harness;

import org.openjdk.jmh.util.ListStatistics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A C reference program, compiled with gcc at bench time from {@code benchmarks/src/main/c} and run
 * with the profile's warmup and iterations. Every program there prints one JSON object with
 * {@code ns_per_call_iterations} (one figure per measured iteration) and {@code bytes_per_call}; the
 * mean and its 99.9% confidence half-width are computed from the iterations as JMH computes its own.
 *
 * @param label the name in the table
 * @param program the file name without {@code .c}
 * @param args its arguments for the subject's parameters (the timing options are appended)
 * @param metric which figure to compare
 */
public record CPeer(String label, String program, BiFunction<Params, PeerContext, List<String>> args,
                    Metric metric) implements ExternalPeer {

    /** Which figure of a C reference to compare. */
    public enum Metric {
        /** Nanoseconds per call. */
        NS_PER_CALL,
        /** Calls per second. */
        CALLS_PER_S,
        /** Bytes moved per second. */
        BYTES_PER_S
    }

    @Override
    public String key(Params params, PeerContext ctx) {
        return program + " " + String.join(" ", args.apply(params, ctx));
    }

    @Override
    public PeerRun run(Params params, PeerContext ctx) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ctx.compile(program).toString());
        cmd.addAll(args.apply(params, ctx));
        cmd.addAll(ctx.cTimingArgs());
        Map<String, Object> out = Json.parseObjectIn(ctx.run(cmd, ctx.peerTimeout()));
        if (!(out.get("ns_per_call_iterations") instanceof List<?> iterations) || iterations.isEmpty()) {
            throw new IOException(program + " printed no ns_per_call_iterations: " + out);
        }
        double bytesPerCall = Json.number(out, "bytes_per_call");
        ListStatistics stats = new ListStatistics();
        for (Object o : iterations) {
            double ns = ((Number) o).doubleValue();
            stats.addValue(switch (metric) {
                case NS_PER_CALL -> ns;
                case CALLS_PER_S -> 1e9 / ns;
                case BYTES_PER_S -> bytesPerCall * 1e9 / ns;
            });
        }
        Measure.Unit unit = switch (metric) {
            case NS_PER_CALL -> Measure.Unit.NS_PER_OP;
            case CALLS_PER_S -> Measure.Unit.OPS_PER_S;
            case BYTES_PER_S -> Measure.Unit.BYTES_PER_S;
        };
        double error = stats.getN() > 1 ? stats.getMeanErrorAt(0.999) : Double.NaN;
        return new PeerRun(new Measure(stats.getMean(), error, unit), cmd, out);
    }
}
