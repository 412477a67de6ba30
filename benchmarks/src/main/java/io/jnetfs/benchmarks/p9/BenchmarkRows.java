package io.jnetfs.benchmarks.p9;

import io.jnetfs.benchmarks.harness.Goal;
import io.jnetfs.benchmarks.harness.Row;
import io.jnetfs.benchmarks.harness.RowSource;
import java.util.List;

/**
 * The p9 rows: reading the 1 GiB file from diod with 1, 4 and 16 Treads in flight against diodcat,
 * with the goal: at least 1.5x diodcat's throughput with reads in flight (4 and 16).
 */
public final class BenchmarkRows implements RowSource {
    /** Creates the source; the harness calls this reflectively. */
    public BenchmarkRows() {
    }

    @Override
    public List<Row> rows() {
        return List.of(Row.of("p9: read 1 GiB from diod", Row.benchmark(P9ReadBenchmark.class, "readOneGiB"),
                        new DiodcatPeer())
                .goalWhen(p -> !p.is("inFlight", "1"), Goal.atLeast(1.5, "diodcat")));
    }
}
