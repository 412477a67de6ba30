package io.jnetfs.netfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnetfs.fiemap.OccupancyMethod;
import io.jnetfs.netfs.cachefiles.CacheFile;
import io.jnetfs.netfs.cachefiles.CacheFiles;
import io.jnetfs.netfs.cachefiles.CacheIo;
import io.jnetfs.netfs.cachefiles.Coherency;
import io.jnetfs.testkit.Require;
import io.jnetfs.uring.IoUring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quick measurement, not a test (runs only with {@code -Djnetfs.measure=true}): a cold read that fills
 * the disk cache and a warm read from it, through the engine over {@link LocalTestFs}, with the cache on
 * io_uring and on blocking preadv2/pwritev2, alternating in one run; prints the best of the rounds and the
 * ratios. Size and rounds: {@code -Djnetfs.measure.mib} (default 128), {@code -Djnetfs.measure.rounds} (3).
 */
@EnabledIfSystemProperty(named = "jnetfs.measure", matches = "true")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiskCacheIoMeasure {
    @TempDir
    Path dir;

    @Test
    void coldAndWarmReadsOnIoUringAndBlocking() throws Exception {
        Require.feature("io_uring", IoUring.unavailableReason());
        int size = Integer.getInteger("jnetfs.measure.mib", 128) << 20;
        int rounds = Integer.getInteger("jnetfs.measure.rounds", 3);
        byte[] src = new byte[size];
        new Random(1).nextBytes(src);
        Path server = Files.write(dir.resolve("server.bin"), src);
        Coherency coherency = new Coherency(1, 1, size);
        CacheIo[] modes = {CacheIo.IO_URING, CacheIo.BLOCKING};
        double[][] best = new double[2][2]; // [mode][cold, warm] GB/s
        long[][] alloc = new long[2][2]; // [mode][cold, warm] bytes allocated by all threads, last round
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] out = new byte[1 << 20];
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < rounds; round++) {
                for (int m = 0; m < modes.length; m++) {
                    Path cacheDir = dir.resolve("cache-" + round + "-" + m);
                    try (CacheFiles cache = new CacheFiles(cacheDir, 64 << 10, OccupancyMethod.AUTO, writer,
                            CacheFiles.Limits.DEFAULT, modes[m])) {
                        for (int pass = 0; pass < 2; pass++) {
                            try (Netfs n = new Netfs(Netfs.Config.defaults().withMemory(64L << 20, 32L << 20)
                                    .withFolioSize(65536).withReadahead(1 << 20, 8 << 20));
                                 LocalTestFs fs = new LocalTestFs(server, 1 << 20, 2);
                                 CacheFile cf = cache.open("test://server.bin", coherency)) {
                                long a0 = threads.getTotalThreadAllocatedBytes();
                                long t0 = System.nanoTime();
                                try (NetfsFile f = n.open(fs, size, cf)) {
                                    for (long pos = 0; pos < size; pos += out.length) {
                                        assertEquals(out.length, f.read(pos, out, 0, out.length));
                                    }
                                }
                                cf.drain(); // the cold pass counts until its data is in the cache file
                                double gbs = size / (double) (System.nanoTime() - t0);
                                alloc[m][pass] = threads.getTotalThreadAllocatedBytes() - a0;
                                best[m][pass] = Math.max(best[m][pass], gbs);
                                if (pass == 1) {
                                    assertEquals(0, fs.rpcs.get(), "warm read from the cache only");
                                }
                            }
                        }
                    }
                    deleteTree(cacheDir);
                }
            }
        } finally {
            writer.shutdownNow();
        }
        System.out.printf("disk cache %d MiB, best of %d: io_uring cold %.2f GB/s warm %.2f GB/s; "
                + "blocking cold %.2f GB/s warm %.2f GB/s; ratio io_uring/blocking cold %.2fx warm %.2fx%n",
                size >> 20, rounds, best[0][0], best[0][1], best[1][0], best[1][1],
                best[0][0] / best[1][0], best[0][1] / best[1][1]);
        System.out.printf("allocated by all threads (engine included), last round: io_uring cold %d warm %d bytes; "
                + "blocking cold %d warm %d bytes%n", alloc[0][0], alloc[0][1], alloc[1][0], alloc[1][1]);
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
