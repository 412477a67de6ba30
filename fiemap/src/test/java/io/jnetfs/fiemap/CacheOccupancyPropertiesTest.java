package io.jnetfs.fiemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random files made of writes, punched holes, truncations and preallocation on the real filesystem
 * (ext4 in CI), then synced. Without preallocation FIEMAP, SEEK_DATA/SEEK_HOLE, AUTO and the block
 * model give the same occupancy. With it, FIEMAP (and AUTO) must never report a granule SEEK does not:
 * SEEK may report more, because it calls up-to-date page-cache folios over unwritten extents data (a
 * punched hole inside a large folio leaves such a folio, zeroed, in the cache), while FIEMAP goes by
 * the extent's UNWRITTEN flag.
 */
class CacheOccupancyPropertiesTest {
    private static final long MAX_OFFSET = 1 << 20;
    private static final long[] GRANULES = {4096, 16384, 65536};
    private static Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("jnetfs-occupancy");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Property(tries = 60)
    void withoutPreallocationAllMethodsGiveTheModelsAnswer(@ForAll long seed,
                                                           @ForAll @IntRange(min = 1, max = 25) int steps)
            throws Exception {
        check(seed, steps, false);
    }

    @Property(tries = 60)
    void withPreallocationFiemapNeverReportsMoreThanSeek(@ForAll long seed, @ForAll @IntRange(min = 1, max = 25) int steps)
            throws Exception {
        check(seed, steps, true);
    }

    private static long offset(Random rnd) {
        long block = rnd.nextLong(MAX_OFFSET / TestFiles.BLOCK);
        return block * TestFiles.BLOCK + (rnd.nextBoolean() ? 0 : rnd.nextLong(TestFiles.BLOCK));
    }

    private static long length(Random rnd) {
        return rnd.nextBoolean() ? TestFiles.BLOCK * (1 + rnd.nextLong(64)) : 1 + rnd.nextLong(256 << 10);
    }

    private static void check(long seed, int steps, boolean preallocate) throws Exception {
        Random rnd = new Random(seed);
        Path f = Files.createTempFile(dir, "cache", ".bin");
        int fd = TestFiles.create(f);
        BlockModel model = new BlockModel();
        List<String> log = new ArrayList<>();
        try {
            for (int i = 0; i < steps; i++) {
                int op = rnd.nextInt(preallocate ? 5 : 3);
                long off = offset(rnd);
                long len = length(rnd);
                switch (op) {
                    case 0 -> {
                        TestFiles.write(fd, off, len);
                        model.write(off, len);
                        log.add("write(" + off + ", " + len + ")");
                    }
                    case 1 -> {
                        TestFiles.punchHole(fd, off, len);
                        model.punch(off, len);
                        log.add("punch(" + off + ", " + len + ")");
                    }
                    case 2 -> {
                        TestFiles.truncate(fd, off);
                        model.truncate(off);
                        log.add("truncate(" + off + ")");
                    }
                    default -> {
                        boolean keep = op == 4;
                        TestFiles.fallocate(fd, keep ? TestFiles.KEEP_SIZE : 0, off, len);
                        log.add("fallocate(" + (keep ? "KEEP_SIZE, " : "") + off + ", " + len + ")");
                    }
                }
            }
            TestFiles.fsync(fd);
            long size = TestFiles.size(fd);
            for (long granule : GRANULES) {
                long last = Math.ceilDiv(size, granule) + 1;
                long a = rnd.nextLong(last + 1);
                long b = rnd.nextLong(last + 1);
                long[][] windows = {{0, last}, {Math.min(a, b), Math.max(a, b)}};
                try (CacheOccupancy fiemap = CacheOccupancy.open(OccupancyMethod.FIEMAP, granule);
                     CacheOccupancy seek = CacheOccupancy.open(OccupancyMethod.SEEK, granule);
                     CacheOccupancy auto = CacheOccupancy.open(OccupancyMethod.AUTO, granule)) {
                    for (long[] w : windows) {
                        String where = "granule=" + granule + " window=[" + w[0] + ", " + w[1] + ") after " + log;
                        GranuleRanges r = new GranuleRanges(2);
                        fiemap.query(fd, w[0], w[1], r);
                        assertTrue(r.isKnown(), where);
                        String byFiemap = BlockModel.show(BlockModel.ranges(r));
                        GranuleRanges s = new GranuleRanges(2);
                        seek.query(fd, w[0], w[1], s);
                        String bySeek = BlockModel.show(BlockModel.ranges(s));
                        auto.query(fd, w[0], w[1], r);
                        String byAuto = BlockModel.show(BlockModel.ranges(r));
                        assertEquals(byFiemap, byAuto, "FIEMAP vs AUTO, " + where);
                        for (int i = 0; i < r.count(); i++) {
                            assertTrue(s.allPresent(r.start(i), r.end(i)),
                                    "FIEMAP " + byFiemap + "reports more than SEEK " + bySeek + ", " + where);
                        }
                        if (!preallocate) {
                            assertEquals(byFiemap, bySeek, "FIEMAP vs SEEK, " + where);
                            assertEquals(size, model.size(), where);
                            assertEquals(BlockModel.show(model.ranges(granule, w[0], w[1])), byFiemap, "model, " + where);
                        }
                    }
                }
            }
        } finally {
            TestFiles.close(fd);
            Files.deleteIfExists(f);
        }
    }
}
