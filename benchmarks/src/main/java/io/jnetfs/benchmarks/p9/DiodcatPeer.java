package io.jnetfs.benchmarks.p9;

import io.jnetfs.benchmarks.harness.ExternalPeer;
import io.jnetfs.benchmarks.harness.Measure;
import io.jnetfs.benchmarks.harness.Params;
import io.jnetfs.benchmarks.harness.PeerContext;
import io.jnetfs.benchmarks.harness.PeerRun;
import io.jnetfs.peers.Diod;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code diodcat} reading the 1 GiB benchmark file from a diod of its own (the C client shipped with
 * diod: one 64 KiB read at a time), to {@code /dev/null}; the figure is ns per whole-file read, like
 * {@link P9ReadBenchmark}'s. It runs during the profile's warmup seconds, then reads the file again and
 * again for each of its measured iterations.
 */
public final class DiodcatPeer implements ExternalPeer {
    /** Creates the peer. */
    public DiodcatPeer() {
    }

    @Override
    public String label() {
        return "diodcat";
    }

    @Override
    public String key(Params params, PeerContext ctx) {
        return "diodcat -m 65536 " + BenchFile.FILE_NAME;
    }

    @Override
    public PeerRun run(Params params, PeerContext ctx) throws IOException, InterruptedException {
        BenchFile.ensureFile();
        try (Diod diod = BenchFile.startDiod(BenchFile.exportDir())) {
            List<String> cmd = BenchFile.diodcatCommand(diod);
            long warmupEnd = System.nanoTime() + ctx.profile().peerWarmupSeconds() * 1_000_000_000L;
            do {
                ctx.runDiscardingOutput(cmd, ctx.peerTimeout());
            } while (System.nanoTime() - warmupEnd < 0);
            List<Double> iterationMeans = new ArrayList<>();
            for (int i = 0; i < ctx.profile().peerIterations(); i++) {
                long end = System.nanoTime() + ctx.profile().peerIterationSeconds() * 1_000_000_000L;
                long t0 = System.nanoTime();
                int runs = 0;
                do {
                    ctx.runDiscardingOutput(cmd, ctx.peerTimeout());
                    runs++;
                } while (System.nanoTime() - end < 0);
                iterationMeans.add((System.nanoTime() - t0) / (double) runs);
            }
            double mean = iterationMeans.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double sd = Math.sqrt(iterationMeans.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum()
                    / Math.max(1, iterationMeans.size() - 1));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ns_per_file_iterations", iterationMeans);
            out.put("bytes_per_file", BenchFile.FILE_SIZE);
            List<String> shown = new ArrayList<>(cmd);
            shown.add("> /dev/null");
            return new PeerRun(new Measure(mean, sd, Measure.Unit.NS_PER_OP), shown, out);
        }
    }
}
