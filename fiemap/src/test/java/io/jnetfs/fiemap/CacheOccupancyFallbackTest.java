package io.jnetfs.fiemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.testkit.Require;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where FIEMAP is missing: tmpfs (/dev/shm) falls back to SEEK_DATA/SEEK_HOLE, sysfs (no FIEMAP, no
 * hole tracking) and procfs (no SEEK_DATA) answer unknown.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CacheOccupancyFallbackTest {
    private static final long K64 = 64 << 10;

    @Test
    void tmpfsFallsBackToSeek() throws Exception {
        Path shm = Path.of("/dev/shm");
        Require.feature("tmpfs", TestFiles.noTmpfsAtDevShm());
        Path f = Files.createTempFile(shm, "jnetfs-occupancy", ".tmp");
        try {
            int fd = TestFiles.create(f);
            BlockModel model = new BlockModel();
            TestFiles.write(fd, 0, K64);
            model.write(0, K64);
            TestFiles.write(fd, 3 * K64, 2 * K64 + 100);
            model.write(3 * K64, 2 * K64 + 100);
            TestFiles.truncate(fd, 1 << 20);
            model.truncate(1 << 20);
            String expected = BlockModel.show(model.ranges(K64, 0, 20));
            assertEquals("[0, 1) [3, 5) ", expected);

            GranuleRanges r = new GranuleRanges();
            try (CacheOccupancy auto = CacheOccupancy.open(OccupancyMethod.AUTO, K64);
                 CacheOccupancy fiemap = CacheOccupancy.open(OccupancyMethod.FIEMAP, K64);
                 CacheOccupancy seek = CacheOccupancy.open(OccupancyMethod.SEEK, K64)) {
                // twice: the second time AUTO goes straight to SEEK for this device
                for (int i = 0; i < 2; i++) {
                    assertEquals(2, auto.query(fd, 0, 20, r));
                    assertEquals(GranuleRanges.Source.SEEK, r.source());
                    assertEquals(expected, BlockModel.show(BlockModel.ranges(r)));
                }
                assertEquals(2, seek.query(fd, 0, 20, r));
                assertEquals(expected, BlockModel.show(BlockModel.ranges(r)));
                assertEquals(CacheOccupancy.UNKNOWN, fiemap.query(fd, 0, 20, r));
                assertFalse(r.isKnown());
                assertEquals(GranuleRanges.Source.UNKNOWN, r.source());
                assertEquals(0, r.count());
            }
            TestFiles.close(fd);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void sysfsIsUnknownBecauseItsSeekDataCallsEverythingData() throws Exception {
        Path f = List.of("/sys/kernel/uevent_seqnum", "/sys/kernel/profiling", "/sys/power/state").stream()
                .map(Path::of).filter(Files::isRegularFile).findFirst().orElse(null);
        Require.feature("sysfs", f != null ? null
                : "none of /sys/kernel/uevent_seqnum, /sys/kernel/profiling, /sys/power/state is a file (no sysfs at /sys)");
        int fd = TestFiles.open(f, LibC.O_RDONLY());
        try {
            // sysfs attributes have st_size 4096, whatever they hold
            assertTrue(TestFiles.size(fd) > 0, f + " has size 0");
            GranuleRanges r = new GranuleRanges();
            try (CacheOccupancy auto = CacheOccupancy.open(OccupancyMethod.AUTO, 4096);
                 CacheOccupancy fiemap = CacheOccupancy.open(OccupancyMethod.FIEMAP, 4096);
                 CacheOccupancy seek = CacheOccupancy.open(OccupancyMethod.SEEK, 4096)) {
                assertEquals(CacheOccupancy.UNKNOWN, auto.query(fd, 0, 4, r));
                assertFalse(r.isKnown());
                assertEquals(CacheOccupancy.UNKNOWN, auto.query(fd, 0, 4, r), "remembered for the device");
                assertEquals(CacheOccupancy.UNKNOWN, fiemap.query(fd, 0, 4, r));
                // generic_file_llseek: every byte below st_size is "data" -- the hazard AUTO avoids
                assertEquals(1, seek.query(fd, 0, 4, r));
                assertEquals(1, r.dataGranules());
            }
        } finally {
            TestFiles.close(fd);
        }
    }

    @Test
    void procfsRefusesSeekData() throws Exception {
        int fd = TestFiles.open(Path.of("/proc/self/status"), LibC.O_RDONLY());
        try (SeekOccupancy seek = new SeekOccupancy(4096)) {
            GranuleRanges r = new GranuleRanges();
            // procfs files report st_size 0, so ask for one granule as if the file were 4096 bytes long
            int e = seek.fill(fd, 0, 1, 4096, r);
            assertEquals(-Errno.EINVAL, e);
            assertTrue(SeekOccupancy.isUnsupported(e));
            // through the public edge, st_size 0 leaves nothing to ask: known and empty
            assertEquals(0, seek.query(fd, 0, 1, r));
            assertTrue(r.isKnown());
        } finally {
            TestFiles.close(fd);
        }
        assertTrue(FiemapOccupancy.isUnsupported(-Errno.EOPNOTSUPP));
        assertTrue(FiemapOccupancy.isUnsupported(-Errno.ENOTTY));
        assertTrue(FiemapOccupancy.isUnsupported(-Fiemap.EBADR));
        assertFalse(FiemapOccupancy.isUnsupported(-Errno.EBADF));
        assertFalse(FiemapOccupancy.isUnsupported(-Errno.EIO));
        assertFalse(SeekOccupancy.isUnsupported(-Errno.EBADF));
        assertTrue(SeekOccupancy.tracksHoles(TestFiles.TMPFS_MAGIC));
        assertTrue(SeekOccupancy.tracksHoles(TestFiles.EXT4_SUPER_MAGIC));
        assertFalse(SeekOccupancy.tracksHoles(0x62656572L));
    }
}
