package io.jnetfs.benchmarks.harness;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * One fio job. The harness puts its own global options first: {@code --output-format=json},
 * {@code --iomem_align=4096} (always, so fio's buffers are page-aligned like jnetfs's) and the
 * profile's timing ({@code --time_based --ramp_time --runtime}); the job's options follow, starting
 * with {@code --name=...}. The figure is taken from the first job of the output.
 *
 * <p>fio invalidates the page cache of its files before a job by default: a job about cached reads
 * must pass {@code --invalidate=0} (and read its file once first).
 *
 * @param label the name in the table
 * @param job the job's options for the subject's parameters
 * @param metric which figure to compare
 */
public record FioPeer(String label, BiFunction<Params, PeerContext, List<String>> job, Metric metric)
        implements ExternalPeer {

    /** Which figure of a fio job to compare. */
    public enum Metric {
        /** {@code jobs[0].read.iops}. */
        READ_IOPS("read", "iops"),
        /** {@code jobs[0].write.iops}. */
        WRITE_IOPS("write", "iops"),
        /** {@code jobs[0].read.bw_bytes}. */
        READ_BYTES_PER_S("read", "bw_bytes"),
        /** {@code jobs[0].write.bw_bytes}. */
        WRITE_BYTES_PER_S("write", "bw_bytes"),
        /** {@code jobs[0].read.clat_ns.mean}: completion latency per I/O. */
        READ_CLAT_MEAN_NS("read", "clat_ns"),
        /** {@code jobs[0].write.clat_ns.mean}. */
        WRITE_CLAT_MEAN_NS("write", "clat_ns");

        private final String direction;
        private final String field;

        Metric(String direction, String field) {
            this.direction = direction;
            this.field = field;
        }
    }

    /**
     * The harness's options that come before a job's.
     *
     * @param profile the timing
     * @return the options
     */
    static List<String> globalOptions(Profile profile) {
        return List.of("--output-format=json", "--iomem_align=4096", "--time_based",
                "--ramp_time=" + profile.peerWarmupSeconds() + "s",
                "--runtime=" + profile.peerIterations() * profile.peerIterationSeconds() + "s");
    }

    @Override
    public String key(Params params, PeerContext ctx) {
        return "fio " + String.join(" ", job.apply(params, ctx));
    }

    @Override
    public PeerRun run(Params params, PeerContext ctx) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("fio"));
        cmd.addAll(globalOptions(ctx.profile()));
        cmd.addAll(job.apply(params, ctx));
        Map<String, Object> out = Json.parseObjectIn(ctx.run(cmd, ctx.peerTimeout()));
        return new PeerRun(measure(out, metric), cmd, out);
    }

    /**
     * Reads one figure of fio's JSON output.
     *
     * @param out the parsed output
     * @param metric the figure
     * @return it, without an error (fio reports no confidence interval)
     * @throws IOException if the output lacks it
     */
    static Measure measure(Map<String, Object> out, Metric metric) throws IOException {
        Object job = Json.at(out, "jobs", 0, metric.direction);
        double v = metric.field.equals("clat_ns")
                ? Json.number(job, "clat_ns", "mean")
                : Json.number(job, metric.field);
        if (Double.isNaN(v)) {
            throw new IOException("fio output has no jobs[0]." + metric.direction + "." + metric.field);
        }
        Measure.Unit unit = switch (metric) {
            case READ_IOPS, WRITE_IOPS -> Measure.Unit.OPS_PER_S;
            case READ_BYTES_PER_S, WRITE_BYTES_PER_S -> Measure.Unit.BYTES_PER_S;
            case READ_CLAT_MEAN_NS, WRITE_CLAT_MEAN_NS -> Measure.Unit.NS_PER_OP;
        };
        return new Measure(v, Double.NaN, unit);
    }
}
