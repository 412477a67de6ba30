package io.jnetfs.benchmarks.uring;

import io.jnetfs.benchmarks.harness.FioPeer;
import io.jnetfs.benchmarks.harness.Goal;
import io.jnetfs.benchmarks.harness.Params;
import io.jnetfs.benchmarks.harness.Peer;
import io.jnetfs.benchmarks.harness.Row;
import io.jnetfs.benchmarks.harness.RowSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The io-uring rows (issue 5): 4 KiB random reads of the page-cached 1 GiB file against fio on the
 * same file with the same depth and batching (at least 0.8x fio's IOPS at depth 32, fixed buffers and
 * registered files on both sides) and against {@code FileChannel} positional reads (above it from
 * depth 8); 1 MiB sequential writes against fio and {@code FileChannel}, without a goal. The
 * {@link UringVsFio} main runs the same comparison interleaved round by round, with CPU time per I/O.
 */
public final class BenchmarkRows implements RowSource {
    /** Creates the source; the harness calls this reflectively. */
    public BenchmarkRows() {
    }

    @Override
    public List<Row> rows() {
        String read = Row.benchmark(UringRandomReadBenchmark.class, "ioUring");
        String readFixed = Row.benchmark(UringRandomReadBenchmark.class, "ioUringFixed");
        String channel = Row.benchmark(UringRandomReadBenchmark.class, "fileChannel");
        String write = Row.benchmark(UringSequentialWriteBenchmark.class, "ioUring");
        String writeFixed = Row.benchmark(UringSequentialWriteBenchmark.class, "ioUringFixed");
        String writeChannel = Row.benchmark(UringSequentialWriteBenchmark.class, "fileChannel");
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of("uring: 4 KiB random reads, READ_FIXED + registered file vs fio --fixedbufs --registerfiles",
                        readFixed, Peer.fio("fio io_uring fixed", (p, ctx) -> randread(p, true), FioPeer.Metric.READ_IOPS))
                .goalWhen(p -> p.is("depth", "32"), Goal.atLeast(0.8, "fio")));
        rows.add(Row.of("uring: 4 KiB random reads, READ vs fio", read,
                        Peer.fio("fio io_uring", (p, ctx) -> randread(p, false), FioPeer.Metric.READ_IOPS))
                .goalWhen(p -> p.is("depth", "32"), Goal.atLeast(0.8, "fio")));
        rows.add(Row.of("uring: 4 KiB random reads, READ vs FileChannel", read, Peer.jmh("FileChannel.read", channel))
                .goalWhen(p -> !p.is("depth", "1"), Goal.atLeast(1.0, "FileChannel")));
        rows.add(Row.of("uring: 1 MiB sequential writes, WRITE_FIXED vs fio --fixedbufs --registerfiles", writeFixed,
                Peer.fio("fio io_uring fixed", (p, ctx) -> write(p, true), FioPeer.Metric.WRITE_IOPS)));
        rows.add(Row.of("uring: 1 MiB sequential writes, WRITE vs FileChannel", write,
                Peer.jmh("FileChannel.write", writeChannel)));
        return rows;
    }

    /** fio's randread job on {@link BenchFile}, like {@link UringVsFio}'s. */
    static List<String> randread(Params p, boolean fixed) {
        return job(p, cached(BenchFile.path()), "randread", "4k", fixed);
    }

    /** fio's write job on {@link BenchFile#writePath()}, like {@link UringVsFio}'s. */
    static List<String> write(Params p, boolean fixed) {
        return job(p, cached(BenchFile.writePath()), "write", "1m", fixed);
    }

    private static List<String> job(Params p, Path file, String rw, String bs, boolean fixed) {
        String depth = p.get("depth");
        List<String> job = new ArrayList<>(List.of("--name=" + rw, "--filename=" + file, "--size=1g", "--rw=" + rw,
                "--bs=" + bs, "--iodepth=" + depth, "--iodepth_batch_submit=" + depth,
                "--iodepth_batch_complete_min=" + depth, "--ioengine=io_uring", "--direct=0", "--invalidate=0",
                "--norandommap", "--randrepeat=0"));
        if (fixed) {
            job.add("--fixedbufs");
            job.add("--registerfiles");
        }
        return job;
    }

    private static Path cached(Path file) {
        try {
            return BenchFile.ensureCached(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
