package io.jnetfs.fuse;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnetfs.fuse.uring.UringFuseTransport;
import io.jnetfs.testkit.Require;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quick side-by-side numbers of the two transports in one run (not part of the normal suite: run with
 * {@code -Djnetfs.fuse.bench=true}): fio 4 KiB random reads at queue depth 1 and 16 ({@code libaio},
 * {@code direct=1}) on a {@code direct_io} mount of an in-memory file served without a copy
 * ({@link FuseZeroCopyReadTest.PatternFs}), so every read crosses the transport and none waits on
 * storage. After a warm-up of each, the transports alternate, twice, to spread the machine's load over both. Prints IOPS, the
 * serving JVM's CPU per read, and the io_uring/dev ratio.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FuseTransportBench {
    private static final int SECONDS = Integer.getInteger("jnetfs.fuse.bench.seconds", 3);
    private static final Pattern IOPS = Pattern.compile("\"iops\"\\s*:\\s*([0-9.]+)");

    @TempDir
    Path tmp;

    @Test
    void randomReadsOnBothTransports() throws Exception {
        assumeTrue(Boolean.getBoolean("jnetfs.fuse.bench"), "a benchmark: run with -Djnetfs.fuse.bench=true");
        Require.feature("fuse", FuseSession.unavailableReason(FuseOptions.MountMethod.AUTO));
        Require.feature("fio", FuseMount.findOnPath("fio") == null ? "fio is not on PATH" : null);
        String previous = EnableUring.enable();
        try (Arena arena = Arena.ofShared()) {
            EnableUring.require(4);
            MemorySegment pattern = arena.allocate(1 << 20, 4096);
            for (int i = 0; i < pattern.byteSize(); i += 8) {
                pattern.set(java.lang.foreign.ValueLayout.JAVA_LONG, i, i * 0x9E3779B97F4A7C15L);
            }
            int[] depths = {1, 16};
            FuseOptions.Transport[] ts = {FuseOptions.Transport.DEV, FuseOptions.Transport.IO_URING};
            double[][] iops = new double[ts.length][depths.length];
            double[][] cpu = new double[ts.length][depths.length];
            List<String> lines = new ArrayList<>();
            for (int round = -1; round < 2; round++) {
                for (int t = 0; t < ts.length; t++) {
                    Path mnt = Files.createDirectories(tmp.resolve("mnt-" + round + "-" + t)).toRealPath();
                    try (FuseSession s = FuseSession.mount(mnt, new FuseZeroCopyReadTest.PatternFs(pattern),
                            new FuseOptions().directIo(true).threads(4).transport(ts[t]))) {
                        if (round < 0) {
                            fio(mnt.resolve("big"), 16); // warm-up: both paths compiled before anything counts
                            continue;
                        }
                        for (int d = 0; d < depths.length; d++) {
                            long cpu0 = processCpuNanos();
                            double r = fio(mnt.resolve("big"), depths[d]);
                            long cpuNs = processCpuNanos() - cpu0;
                            iops[t][d] += r / 2;
                            cpu[t][d] += cpuNs / Math.max(1.0, r * SECONDS) / 2;
                            lines.add(String.format(Locale.ROOT, "round %d %-8s depth %2d: %8.0f IOPS, %5.1f us JVM CPU/read  [%s]",
                                    round, ts[t], depths[d], r, cpuNs / Math.max(1.0, r * SECONDS) / 1000, s.describe()));
                        }
                        if (ts[t] == FuseOptions.Transport.IO_URING) {
                            assertTrue(((UringFuseTransport) s.transport()).uringRequests() > 0, s.describe());
                        }
                    }
                }
            }
            lines.forEach(System.out::println);
            for (int d = 0; d < depths.length; d++) {
                System.out.printf(Locale.ROOT, "fuse 4 KiB randread depth %d: dev %.0f IOPS (%.1f us CPU/read), io_uring %.0f IOPS"
                        + " (%.1f us CPU/read): io_uring/dev = %.2fx%n", depths[d], iops[0][d], cpu[0][d] / 1000,
                        iops[1][d], cpu[1][d] / 1000, iops[1][d] / iops[0][d]);
            }
        } finally {
            EnableUring.restore(previous);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double fio(Path file, int depth) throws Exception {
        String out = FuseKernelMountTest.run(SECONDS + 30, "fio", "--name=rr", "--filename=" + file, "--rw=randread",
                "--bs=4k", "--ioengine=libaio", "--direct=1", "--iodepth=" + depth, "--size=256M", "--readonly",
                "--time_based", "--runtime=" + SECONDS, "--output-format=json");
        Matcher m = IOPS.matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }
}
