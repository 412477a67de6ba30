package io.jnetfs.fiemap;

import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_DATA_INLINE;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_DELALLOC;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_LAST;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_UNKNOWN;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_UNWRITTEN;
import static io.jnetfs.fiemap.TestFiles.BLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.testkit.Require;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * FIEMAP on real ext4 files shaped with writes, fallocate, hole punching and truncation, each answer
 * checked against what the kernel is known to do and against e2fsprogs' {@code filefrag -v -e} run on
 * the same file.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FiemapExt4FilefragTest {
    @TempDir
    Path dir;

    private Fiemap fiemap;

    @BeforeEach
    void setUp() {
        Require.feature("ext4-tmpdir", TestFiles.notOnExt4(dir));
        Require.feature("filefrag", Filefrag.unavailableReason());
        fiemap = new Fiemap();
    }

    @AfterEach
    void tearDown() {
        if (fiemap != null) {
            fiemap.close();
        }
    }

    private Extents mapAndCompare(Path file, int flags, String... filefragOptions) throws Exception {
        Extents e = fiemap.query(file, 0, Fiemap.WHOLE_FILE, flags);
        Filefrag.Report report = Filefrag.run(file, filefragOptions);
        Filefrag.assertSame(e, report);
        // the formatter prints what filefrag prints, field for field
        Filefrag.Report printed = Filefrag.parse(FilefragFormat.format(e, report.fileSize(), report.blockSize()));
        assertEquals(report.rows(), printed.rows(), () -> FilefragFormat.format(e, report.fileSize(),
                report.blockSize()) + "\nfilefrag:\n" + report.text());
        return e;
    }

    @Test
    void sparseFileWithWritesAtChosenOffsets() throws Exception {
        Path f = dir.resolve("sparse");
        int fd = TestFiles.create(f);
        TestFiles.write(fd, 0, 4096);
        TestFiles.write(fd, 64 << 10, 8192);
        TestFiles.write(fd, 1 << 20, 4096);
        TestFiles.write(fd, (10 << 20) + 100, 300);
        TestFiles.fsync(fd);
        TestFiles.close(fd);

        Extents e = mapAndCompare(f, 0);
        assertEquals(4, e.count(), e::toString);
        long[] starts = {0, 64 << 10, 1 << 20, 10 << 20};
        long[] lengths = {4096, 8192, 4096, 4096};
        for (int i = 0; i < 4; i++) {
            assertEquals(starts[i], e.logical(i), e::toString);
            assertEquals(lengths[i], e.length(i), e::toString);
            assertNotEquals(0, e.physical(i));
            assertEquals(i == 3 ? FIEMAP_EXTENT_LAST : 0, e.flags(i), e::toString);
        }
        assertTrue(e.endsWithLast());
        assertEquals(5 * BLOCK, e.totalLength());
        assertEquals(0, e.start());
        assertEquals(Fiemap.WHOLE_FILE, e.requestedLength());
    }

    @Test
    void fallocateWithoutKeepSizeIsOneUnwrittenExtentThatWritesSplit() throws Exception {
        Path f = dir.resolve("falloc");
        int fd = TestFiles.create(f);
        TestFiles.fallocate(fd, 0, 0, 1 << 20);
        assertEquals(1 << 20, TestFiles.size(fd), "fallocate without KEEP_SIZE extends the file");
        TestFiles.fsync(fd);
        Extents e = mapAndCompare(f, 0);
        assertEquals(1, e.count(), e::toString);
        assertEquals(0, e.logical(0));
        assertEquals(1 << 20, e.length(0));
        assertTrue(e.has(0, FIEMAP_EXTENT_UNWRITTEN | FIEMAP_EXTENT_LAST), e::toString);

        // writing into the middle and syncing converts just those blocks
        TestFiles.write(fd, 512 << 10, 128 << 10);
        TestFiles.fsync(fd);
        TestFiles.close(fd);
        e = mapAndCompare(f, 0);
        assertEquals(3, e.count(), e::toString);
        assertTrue(e.has(0, FIEMAP_EXTENT_UNWRITTEN));
        assertEquals(512 << 10, e.end(0));
        assertFalse(e.has(1, FIEMAP_EXTENT_UNWRITTEN), e::toString);
        assertEquals(512 << 10, e.logical(1));
        assertEquals(128 << 10, e.length(1));
        assertTrue(e.has(2, FIEMAP_EXTENT_UNWRITTEN | FIEMAP_EXTENT_LAST), e::toString);
        assertEquals(1 << 20, e.end(2));
    }

    @Test
    void fallocateWithKeepSizeMapsUnwrittenBlocksBeyondTheEnd() throws Exception {
        Path f = dir.resolve("keepsize");
        int fd = TestFiles.create(f);
        TestFiles.write(fd, 0, 8192);
        TestFiles.fallocate(fd, TestFiles.KEEP_SIZE, 8192, 1 << 20);
        TestFiles.fsync(fd);
        assertEquals(8192, TestFiles.size(fd), "KEEP_SIZE leaves st_size alone");
        TestFiles.close(fd);

        Extents e = mapAndCompare(f, 0);
        assertEquals(2, e.count(), e::toString);
        assertFalse(e.has(0, FIEMAP_EXTENT_UNWRITTEN));
        assertEquals(8192, e.end(0));
        assertTrue(e.has(1, FIEMAP_EXTENT_UNWRITTEN | FIEMAP_EXTENT_LAST), e::toString);
        assertEquals(8192, e.logical(1));
        assertEquals(8192 + (1 << 20), e.end(1));
    }

    @Test
    void punchedHoleSplitsTheExtent() throws Exception {
        Path f = dir.resolve("punched");
        int fd = TestFiles.create(f);
        TestFiles.write(fd, 0, 1 << 20);
        TestFiles.fsync(fd);
        TestFiles.punchHole(fd, 256 << 10, 256 << 10);
        TestFiles.fsync(fd);
        assertEquals(1 << 20, TestFiles.size(fd));
        TestFiles.close(fd);

        Extents e = mapAndCompare(f, 0);
        assertEquals(2, e.count(), e::toString);
        assertEquals(0, e.logical(0));
        assertEquals(256 << 10, e.end(0));
        assertEquals(512 << 10, e.logical(1));
        assertEquals(1 << 20, e.end(1));
        assertEquals(FIEMAP_EXTENT_LAST, e.flags(1));
    }

    @Test
    void truncationDropsTheExtentsPastTheNewEnd() throws Exception {
        Path f = dir.resolve("truncated");
        int fd = TestFiles.create(f);
        TestFiles.write(fd, 0, 1 << 20);
        TestFiles.fsync(fd);
        TestFiles.truncate(fd, 300_000);
        TestFiles.fsync(fd);
        Extents e = mapAndCompare(f, 0);
        assertEquals(1, e.count(), e::toString);
        assertEquals(74 * BLOCK, e.end(0), "300000 bytes end in block 73");

        // growing it again by truncate adds a hole, not an extent
        TestFiles.truncate(fd, 2 << 20);
        TestFiles.fsync(fd);
        TestFiles.close(fd);
        e = mapAndCompare(f, 0);
        assertEquals(1, e.count(), e::toString);
        assertEquals(74 * BLOCK, e.end(0));
    }

    @Test
    void moreThan2000ExtentsLoopOverManyCalls() throws Exception {
        Path f = dir.resolve("fragmented");
        int n = 2500;
        int fd = TestFiles.create(f);
        for (int i = 0; i < n; i++) {
            TestFiles.write(fd, i * 8192L, 4096);
        }
        TestFiles.fsync(fd);

        // 2500 extents through a buffer of 64 slots: 40 ioctl calls
        try (Fiemap small = new Fiemap(64)) {
            Extents e = small.query(fd, 0, Fiemap.WHOLE_FILE, 0);
            assertEquals(n, e.count());
            for (int i = 0; i < n; i++) {
                assertEquals(i * 8192L, e.logical(i));
                assertEquals(4096, e.length(i));
                assertEquals(i == n - 1 ? FIEMAP_EXTENT_LAST : 0, e.flags(i), "extent " + i);
            }
            // the same through the default buffer, and filefrag agrees with every line
            Extents whole = mapAndCompare(f, 0);
            assertEquals(n, whole.count());
            for (int i = 0; i < n; i++) {
                assertEquals(e.physical(i), whole.physical(i));
            }
            int[] calls = {0};
            int r = small.tryQuery(fd, 0, Fiemap.WHOLE_FILE, 0, (l, p, len, fl) -> calls[0]++);
            assertEquals(n, r);
            assertEquals(n, calls[0]);
        }
        TestFiles.close(fd);
    }

    @Test
    void rangeQueriesReturnTheExtentsOverlappingTheRange() throws Exception {
        Path f = dir.resolve("ranges");
        int fd = TestFiles.create(f);
        for (int i = 0; i < 300; i++) {
            TestFiles.write(fd, i * 8192L, 4096);
        }
        TestFiles.fsync(fd);
        Extents e = new Extents(4);
        for (int slots : new int[] {1, 7, 512}) {
            try (Fiemap fm = new Fiemap(slots)) {
                fm.query(fd, 100 * 8192L, 100 * 8192L, 0, e);
                assertEquals(100, e.count(), () -> "nr_slots=" + slots);
                assertEquals(100 * 8192L, e.logical(0));
                assertEquals(199 * 8192L, e.logical(99));
                // starting inside an extent returns that whole extent, which begins before the range
                fm.query(fd, 100 * 8192L + 1000, 8192, 0, e);
                assertEquals(2, e.count(), e::toString);
                assertEquals(100 * 8192L, e.logical(0));
                assertEquals(101 * 8192L, e.logical(1));
                // a range inside a hole maps nothing
                fm.query(fd, 100 * 8192L + 4096, 4096, 0, e);
                assertEquals(0, e.count(), e::toString);
            }
        }
        assertEquals(0, fiemap.query(fd, 0, 0, 0).count(), "length 0 maps nothing");
        TestFiles.close(fd);
    }

    @Test
    void delallocWithoutSyncAndRealExtentsWithFiemapFlagSync() throws Exception {
        Require.feature("ext4-tmpdir/delalloc", TestFiles.noDelayedAllocation(dir));
        // freshly written, not yet placed: delayed allocation, location unknown. Writeback may place it
        // before the test looks or while filefrag looks (a sync elsewhere, memory pressure): then a fresh
        // file is written and looked at, up to 5 times
        Path f;
        int fd;
        Extents e;
        Filefrag.Report report;
        for (int attempt = 1; ; attempt++) {
            f = dir.resolve("delalloc-" + attempt);
            fd = TestFiles.create(f);
            TestFiles.write(fd, 0, 4096);
            TestFiles.write(fd, 40960, 5000);
            e = fiemap.query(fd, 0, Fiemap.WHOLE_FILE, 0);
            if (e.count() > 0 && e.has(0, FIEMAP_EXTENT_DELALLOC)) {
                report = Filefrag.run(f);
                if (fiemap.query(fd, 0, Fiemap.WHOLE_FILE, 0).toString().equals(e.toString())) {
                    break;
                }
            }
            TestFiles.close(fd);
            assertTrue(attempt < 5, "5 files in a row were written back before filefrag and FIEMAP could both look: " + e);
        }
        Filefrag.assertSame(e, report);
        assertEquals(2, e.count(), e::toString);
        for (int i = 0; i < 2; i++) {
            assertTrue(e.has(i, FIEMAP_EXTENT_DELALLOC | FIEMAP_EXTENT_UNKNOWN), e::toString);
        }
        assertEquals(40960 + 8192, e.end(1));

        // FIEMAP_FLAG_SYNC writes the file back first: real extents with a location
        e = fiemap.query(fd, 0, Fiemap.WHOLE_FILE, Fiemap.FIEMAP_FLAG_SYNC);
        assertEquals(Fiemap.FIEMAP_FLAG_SYNC, e.requestFlags());
        assertTrue(e.count() >= 1 && e.count() <= 2, e::toString);
        for (int i = 0; i < e.count(); i++) {
            assertFalse(e.has(i, FIEMAP_EXTENT_DELALLOC), e::toString);
            assertFalse(e.has(i, FIEMAP_EXTENT_UNKNOWN), e::toString);
            assertNotEquals(0, e.physical(i));
        }
        mapAndCompare(f, 0);
        TestFiles.close(fd);
    }

    @Test
    void xattrMappingMatchesFilefragX() throws Exception {
        Path small = dir.resolve("xattr-small");
        Files.write(small, new byte[100]);
        Files.getFileAttributeView(small, UserDefinedFileAttributeView.class)
                .write("jnetfs", ByteBuffer.wrap(new byte[20]));
        Extents e = mapAndCompare(small, Fiemap.FIEMAP_FLAG_XATTR, "-x");
        assertEquals(1, e.count(), e::toString);
        assertTrue(e.has(0, FIEMAP_EXTENT_DATA_INLINE | FIEMAP_EXTENT_LAST), "in-inode xattrs: " + e);

        Path big = dir.resolve("xattr-big");
        Files.write(big, new byte[0]);
        Files.getFileAttributeView(big, UserDefinedFileAttributeView.class)
                .write("jnetfs", ByteBuffer.wrap(new byte[3000]));
        e = mapAndCompare(big, Fiemap.FIEMAP_FLAG_XATTR, "-x");
        assertEquals(1, e.count(), e::toString);
        assertFalse(e.has(0, FIEMAP_EXTENT_DATA_INLINE), "a 3000-byte value lives in its own block: " + e);
        assertEquals(BLOCK, e.length(0));
    }

    @Test
    void emptyFileHasNoExtents() throws Exception {
        Path f = dir.resolve("empty");
        Files.write(f, new byte[0]);
        Extents e = mapAndCompare(f, 0);
        assertEquals(0, e.count());
        assertFalse(e.endsWithLast());
        assertEquals("", FilefragFormat.format(e, 0, 4096));
    }
}
