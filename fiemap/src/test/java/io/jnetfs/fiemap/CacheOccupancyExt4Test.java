package io.jnetfs.fiemap;

import static io.jnetfs.fiemap.TestFiles.BLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.NativeIoException;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.testkit.Require;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Occupancy of real ext4 cache files: FIEMAP and SEEK_DATA/SEEK_HOLE against each other and against
 * a block model, and the rules that keep preallocated and not-yet-placed bytes from counting as data.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CacheOccupancyExt4Test {
    private static final long K64 = 64 << 10;

    @TempDir
    Path dir;

    @BeforeEach
    void onExt4() {
        Require.feature("ext4-tmpdir", TestFiles.notOnExt4(dir));
    }

    private static int query(OccupancyMethod method, long granule, int fd, long start, long end, GranuleRanges into)
            throws Exception {
        try (CacheOccupancy o = CacheOccupancy.open(method, granule)) {
            assertEquals(method, o.method());
            assertEquals(granule, o.granuleSize());
            return o.query(fd, start, end, into);
        }
    }

    private static int fiemap(DelallocPolicy policy, long granule, int fd, long start, long end, GranuleRanges into)
            throws Exception {
        try (FiemapOccupancy o = new FiemapOccupancy(granule, policy, Fiemap.DEFAULT_NR_SLOTS)) {
            assertEquals(policy, o.policy());
            return o.query(fd, start, end, into);
        }
    }

    /** FIEMAP, SEEK and AUTO all give the model's answer, for several granule sizes and windows. */
    private static void assertAllAgree(int fd, BlockModel model) throws Exception {
        GranuleRanges r = new GranuleRanges(1);
        for (long granule : new long[] {4096, 8192, K64, 1 << 20}) {
            long last = Math.ceilDiv(model.size(), granule) + 2;
            long[][] windows = {{0, last}, {1, last}, {0, 1}, {last / 2, last}, {last, last + 5}, {3, 3}};
            for (OccupancyMethod m : OccupancyMethod.values()) {
                try (CacheOccupancy o = CacheOccupancy.open(m, granule)) {
                    for (long[] w : windows) {
                        String expected = BlockModel.show(model.ranges(granule, w[0], w[1]));
                        int n = o.query(fd, w[0], w[1], r);
                        String where = m + " granule=" + granule + " window=[" + w[0] + ", " + w[1] + ")";
                        assertEquals(expected, BlockModel.show(BlockModel.ranges(r)), where);
                        assertEquals(r.count(), n, where);
                        assertTrue(r.isKnown(), where);
                        assertEquals(m == OccupancyMethod.SEEK ? GranuleRanges.Source.SEEK
                                : GranuleRanges.Source.FIEMAP, r.source(), where);
                        assertEquals(w[0], r.windowStart());
                        assertEquals(w[1], r.windowEnd());
                        assertEquals(granule, r.granuleSize());
                    }
                }
            }
        }
    }

    @Test
    void sparseWritesPunchedHolesAndTruncationAgreeWithTheModel() throws Exception {
        Path f = dir.resolve("cache");
        int fd = TestFiles.create(f);
        BlockModel model = new BlockModel();
        long[][] writes = {{0, K64}, {K64 * 3, 5000}, {K64 * 5 + 100, K64 * 2}, {1 << 20, 3 * K64}, {2 << 20, 10}};
        for (long[] w : writes) {
            TestFiles.write(fd, w[0], w[1]);
            model.write(w[0], w[1]);
        }
        TestFiles.punchHole(fd, (1 << 20) + 4096, K64);
        model.punch((1 << 20) + 4096, K64);
        TestFiles.fsync(fd);
        assertAllAgree(fd, model);

        TestFiles.truncate(fd, (1 << 20) + 10_000);
        model.truncate((1 << 20) + 10_000);
        TestFiles.fsync(fd);
        assertAllAgree(fd, model);
        TestFiles.close(fd);
    }

    @Test
    void moreThan2000ExtentsAgree() throws Exception {
        Path f = dir.resolve("fragmented");
        int fd = TestFiles.create(f);
        BlockModel model = new BlockModel();
        for (int i = 0; i < 2500; i++) {
            TestFiles.write(fd, i * 8192L, 4096);
            model.write(i * 8192L, 4096);
        }
        TestFiles.fsync(fd);
        GranuleRanges r = new GranuleRanges();
        assertEquals(2500, query(OccupancyMethod.FIEMAP, 4096, fd, 0, 10_000, r));
        assertEquals(2500, query(OccupancyMethod.SEEK, 4096, fd, 0, 10_000, r));
        // every 8 KiB granule is half data: none counts but the last, cut short by the end of the file
        assertEquals(1, query(OccupancyMethod.FIEMAP, 8192, fd, 0, 10_000, r));
        assertEquals("[2499, 2500) ", BlockModel.show(BlockModel.ranges(r)));
        assertEquals(1, query(OccupancyMethod.SEEK, 8192, fd, 0, 10_000, r));
        assertEquals("[2499, 2500) ", BlockModel.show(BlockModel.ranges(r)));
        assertAllAgree(fd, model);
        TestFiles.close(fd);
    }

    @Test
    void unwrittenExtentsAreHolesAndOnlySeekIsFooledByReadingThem() throws Exception {
        Path f = dir.resolve("prealloc");
        int fd = TestFiles.create(f);
        TestFiles.fallocate(fd, 0, 0, 1 << 20);
        TestFiles.fsync(fd);
        GranuleRanges r = new GranuleRanges();
        for (OccupancyMethod m : OccupancyMethod.values()) {
            assertEquals(0, query(m, K64, fd, 0, 16, r), m + ": preallocated space is not data");
            assertTrue(r.isKnown());
        }
        // reading preallocated space leaves clean zero pages in the page cache, which SEEK_DATA reports
        // as data; FIEMAP still says UNWRITTEN. This is why AUTO prefers FIEMAP.
        TestFiles.read(fd, 0, 1 << 20);
        assertEquals(0, query(OccupancyMethod.FIEMAP, K64, fd, 0, 16, r));
        assertEquals(0, query(OccupancyMethod.AUTO, K64, fd, 0, 16, r));
        assertEquals(1, query(OccupancyMethod.SEEK, K64, fd, 0, 16, r));
        assertEquals(16, r.dataGranules(), r::toString);
        TestFiles.close(fd);
    }

    @Test
    void dataWrittenIntoPreallocatedSpaceCountsForFiemapOnceWrittenBack() throws Exception {
        Path f = dir.resolve("prealloc-write");
        int fd = TestFiles.create(f);
        TestFiles.fallocate(fd, 0, 0, 1 << 20);
        TestFiles.fsync(fd);
        TestFiles.write(fd, K64, K64);
        GranuleRanges r = new GranuleRanges();
        // the extent stays UNWRITTEN until writeback: FIEMAP reports absent (safe), SEEK sees the page cache
        assertEquals(0, query(OccupancyMethod.FIEMAP, K64, fd, 0, 16, r));
        assertEquals(1, query(OccupancyMethod.SEEK, K64, fd, 0, 16, r));
        assertEquals("[1, 2) ", BlockModel.show(BlockModel.ranges(r)));
        assertEquals(1, fiemap(DelallocPolicy.SYNC_ALWAYS, K64, fd, 0, 16, r));
        assertEquals("[1, 2) ", BlockModel.show(BlockModel.ranges(r)));
        assertEquals(1, query(OccupancyMethod.FIEMAP, K64, fd, 0, 16, r));
        TestFiles.close(fd);
    }

    @Test
    void fallocateKeepSizeBeyondTheEndNeverCounts() throws Exception {
        Path f = dir.resolve("keepsize");
        int fd = TestFiles.create(f);
        TestFiles.write(fd, 0, 100_000);
        TestFiles.fallocate(fd, TestFiles.KEEP_SIZE, 100_000, 4 << 20);
        TestFiles.fsync(fd);
        GranuleRanges r = new GranuleRanges();
        for (OccupancyMethod m : OccupancyMethod.values()) {
            // 100000 bytes: granule 0 whole, granule 1 cut by the end of the file and full up to it
            assertEquals(1, query(m, K64, fd, 0, 100, r), m::toString);
            assertEquals("[0, 2) ", BlockModel.show(BlockModel.ranges(r)), m::toString);
        }
        TestFiles.close(fd);
    }

    @Test
    void partialGranulesDoNotCountButTheTailGranuleAtTheEndDoes() throws Exception {
        Path f = dir.resolve("partial");
        int fd = TestFiles.create(f);
        TestFiles.truncate(fd, 1 << 20);
        TestFiles.write(fd, 4096, 4096);
        TestFiles.fsync(fd);
        GranuleRanges r = new GranuleRanges();
        for (OccupancyMethod m : OccupancyMethod.values()) {
            assertEquals(0, query(m, K64, fd, 0, 16, r), m + ": 4 KiB of a 64 KiB granule");
            assertEquals(1, query(m, 4096, fd, 0, 256, r), m::toString);
            assertEquals("[1, 2) ", BlockModel.show(BlockModel.ranges(r)));
        }
        // data up to 98304 of a 100000-byte file: the tail granule has a hole before the end
        TestFiles.truncate(fd, 0);
        TestFiles.write(fd, 0, 98304);
        TestFiles.truncate(fd, 100_000);
        TestFiles.fsync(fd);
        for (OccupancyMethod m : OccupancyMethod.values()) {
            assertEquals("[0, 1) ", show(m, K64, fd, 0, 2), m::toString);
        }
        // the same file written to its end: the tail granule counts
        TestFiles.write(fd, 98304, 100_000 - 98304);
        TestFiles.fsync(fd);
        for (OccupancyMethod m : OccupancyMethod.values()) {
            assertEquals("[0, 2) ", show(m, K64, fd, 0, 2), m::toString);
            assertEquals("", show(m, K64, fd, 2, 100), m + ": past the end");
        }
        TestFiles.close(fd);
    }

    private static String show(OccupancyMethod m, long granule, int fd, long start, long end) throws Exception {
        GranuleRanges r = new GranuleRanges();
        query(m, granule, fd, start, end, r);
        return BlockModel.show(BlockModel.ranges(r));
    }

    @Test
    void delayedAllocationIsAbsentUntilResolvedBySync() throws Exception {
        Require.feature("ext4-tmpdir/delalloc", TestFiles.noDelayedAllocation(dir));
        int fd;
        try (Fiemap fm = new Fiemap()) {
            // freshly written, not yet placed; writeback may place it before the test looks (a sync
            // elsewhere, memory pressure): then a fresh file, up to 5 times
            for (int attempt = 1; ; attempt++) {
                fd = TestFiles.create(dir.resolve("delalloc-" + attempt));
                TestFiles.write(fd, 0, 2 * K64);
                Extents e = fm.query(fd, 0, Fiemap.WHOLE_FILE, 0);
                if (e.count() > 0 && e.has(0, FiemapExtentFlags.FIEMAP_EXTENT_DELALLOC)) {
                    break;
                }
                TestFiles.close(fd);
                assertTrue(attempt < 5, "5 files in a row were written back before the test could look: " + e);
            }
            GranuleRanges r = new GranuleRanges();
            // never resolved: absent
            assertEquals(0, fiemap(DelallocPolicy.HOLE, K64, fd, 0, 4, r));
            assertTrue(r.isKnown());
            assertTrue(fm.query(fd, 0, Fiemap.WHOLE_FILE, 0).has(0, FiemapExtentFlags.FIEMAP_EXTENT_DELALLOC),
                    "HOLE does not sync");
            // SEEK_DATA sees the page cache: data
            assertEquals("[0, 2) ", show(OccupancyMethod.SEEK, K64, fd, 0, 4));
            // SYNC_ON_DEMAND: the delalloc extent makes it ask again with FIEMAP_FLAG_SYNC
            assertEquals(1, fiemap(DelallocPolicy.SYNC_ON_DEMAND, K64, fd, 0, 4, r));
            assertEquals("[0, 2) ", BlockModel.show(BlockModel.ranges(r)));
            Extents e = fm.query(fd, 0, Fiemap.WHOLE_FILE, 0);
            assertFalse(e.has(0, FiemapExtentFlags.FIEMAP_EXTENT_DELALLOC), "written back: " + e);
        }
        TestFiles.close(fd);

        Path g = dir.resolve("delalloc-always");
        fd = TestFiles.create(g);
        TestFiles.write(fd, K64, K64);
        GranuleRanges r = new GranuleRanges();
        assertEquals(1, fiemap(DelallocPolicy.SYNC_ALWAYS, K64, fd, 0, 4, r));
        assertEquals("[1, 2) ", BlockModel.show(BlockModel.ranges(r)));
        TestFiles.close(fd);
    }

    @Test
    void closedDescriptorDirectoryAndBadArguments() throws Exception {
        Path f = dir.resolve("f");
        int fd = TestFiles.create(f);
        TestFiles.write(fd, 0, 8192);
        TestFiles.close(fd);
        GranuleRanges r = new GranuleRanges();
        for (OccupancyMethod m : OccupancyMethod.values()) {
            try (CacheOccupancy o = CacheOccupancy.open(m, 4096)) {
                NativeIoException e = assertThrows(NativeIoException.class, () -> o.query(fd, 0, 1, r));
                assertEquals(Errno.EBADF, e.errno());
                assertEquals("fstat(fd=" + fd + ") failed: EBADF (Bad file descriptor)", e.getMessage());

                IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> o.query(fd, -1, 1, r));
                assertEquals("invalid start=-1", a.getMessage());
                a = assertThrows(IllegalArgumentException.class, () -> o.query(fd, 5, 3, r));
                assertEquals("invalid end=3 < start=5", a.getMessage());
                assertThrows(IllegalArgumentException.class, () -> o.query(fd, 0, Long.MAX_VALUE, r));
            }
            int dirFd = TestFiles.open(dir, LibC.O_RDONLY() | LibC.O_DIRECTORY());
            try (CacheOccupancy o = CacheOccupancy.open(m, 4096)) {
                NativeIoException e = assertThrows(NativeIoException.class, () -> o.query(dirFd, 0, 1, r));
                assertEquals(Errno.EISDIR, e.errno());
                assertTrue(e.getMessage().startsWith("occupancy(fd=" + dirFd + ", mode=040"), e.getMessage());
            } finally {
                TestFiles.close(dirFd);
            }
            // a granule smaller than the filesystem block would count the zeros around a short write
            int rfd = TestFiles.open(f, LibC.O_RDONLY());
            try (CacheOccupancy o = CacheOccupancy.open(m, 512)) {
                IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> o.query(rfd, 0, 1, r));
                assertEquals("invalid granuleSize=512: not a multiple of st_blksize=4096 of fd=" + rfd, a.getMessage());
            } finally {
                TestFiles.close(rfd);
            }
            CacheOccupancy o = CacheOccupancy.open(m, 4096);
            o.close();
            o.close();
            assertThrows(IllegalStateException.class, () -> o.query(0, 0, 1, r));
        }
        for (long bad : new long[] {0, 256, 3000, 4097, 1L << 31}) {
            IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                    () -> CacheOccupancy.open(OccupancyMethod.AUTO, bad));
            assertEquals("invalid granuleSize=" + bad, a.getMessage());
        }
    }

    @Test
    void theQueryPathAllocatesNothing() throws Exception {
        Path f = dir.resolve("alloc");
        int fd = TestFiles.create(f);
        for (int i = 0; i < 5; i++) {
            TestFiles.write(fd, i * 8192L, 4096);
        }
        TestFiles.fsync(fd);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        GranuleRanges r = new GranuleRanges(8);
        for (OccupancyMethod m : OccupancyMethod.values()) {
            try (CacheOccupancy o = CacheOccupancy.open(m, 4096)) {
                // rounds of 1000 queries until the JIT has compiled the path (lower tiers box downcall
                // arguments); the best round must allocate (almost) nothing: one object per query
                // would be 16000+ bytes
                long best = Long.MAX_VALUE;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (best > 1_000 && System.nanoTime() < deadline) {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 1_000; i++) {
                        o.query(fd, 0, 10, r);
                    }
                    best = Math.min(best, threads.getCurrentThreadAllocatedBytes() - before);
                }
                assertEquals(5, r.count());
                assertTrue(best <= 1_000, m + " allocated " + best + " bytes in 1000 queries");
            }
        }
        TestFiles.close(fd);
    }
}
