package io.jnetfs.netfs.cachefiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.fiemap.OccupancyMethod;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk cache's limits on a small filesystem made for the test (a 16 MiB tmpfs, mounted here and
 * unmounted after): culling of least-recently-used cache files below bcull until brun, cache writes
 * stopped below bstop, files open in this process never culled.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CacheLimitsTest {
    private static final long GRANULE = 64 << 10;

    @TempDir
    Path tmp;
    private Path fs;
    private boolean mounted;

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        fs = Files.createDirectory(tmp.resolve("small"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", fs.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        Require.feature("tmpfs-mount", mounted ? null : "mount -t tmpfs failed (needs root): " + out.trim());
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", fs.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Writes {@code bytes} of data into a new cache file named by {@code key} and closes it. */
    private static void cacheOne(CacheFiles cache, String key, long bytes) throws IOException {
        try (CacheFile cf = cache.open(key, new Coherency(1, 1, bytes)); Arena a = Arena.ofShared()) {
            MemorySegment m = a.allocate(bytes, 4096);
            m.fill((byte) 7);
            cf.write(0, BvecqBuffer.extract(null, m));
            cf.drain();
        }
    }

    @Test
    void leastRecentlyUsedFilesAreCulledBelowBcullUntilBrunAndOpenOnesStay() throws Exception {
        CacheFiles.Limits limits = new CacheFiles.Limits(8L << 20, 10, 7, 3); // an absolute limit of 8 MiB
        CacheFiles cache = new CacheFiles(fs.resolve("cache"), GRANULE, OccupancyMethod.AUTO, Runnable::run, limits);
        CacheFile held = cache.open("held", new Coherency(1, 1, 1 << 20)); // open all along: never culled
        try (Arena a = Arena.ofShared()) {
            MemorySegment m = a.allocate(1 << 20, 4096);
            held.write(0, BvecqBuffer.extract(null, m));
            held.drain();
            for (int i = 0; i < 12; i++) { // 13 MiB into an 8 MiB cache
                cacheOne(cache, "file-" + i, 1 << 20);
                Thread.sleep(15); // distinct modification times: the LRU order is the order of use
            }
            CacheFiles.Status st = cache.check();
            assertTrue(st.usedBytes() <= (8L << 20) * 90 / 100,
                    "culled down to brun (10% free of 8 MiB): used " + st.usedBytes());
            assertTrue(cache.culledFiles() >= 4, "culled " + cache.culledFiles());
            assertEquals(CacheFiles.State.OK, st.state());
            List<String> left = new ArrayList<>();
            for (CacheFiles.Usage u : cache.usage()) {
                left.add(u.key());
            }
            assertTrue(left.contains("held"), "a file open here is never culled: " + left);
            assertTrue(left.contains("file-11") && !left.contains("file-0"),
                    "the least recently used go first: " + left);
        } finally {
            held.close();
        }
    }

    @Test
    void belowBstopNothingIsWrittenToTheCacheAndItResumesWhenSpaceComesBack() throws Exception {
        CacheFiles.Limits limits = new CacheFiles.Limits(0, 30, 20, 10); // thresholds of the 16 MiB filesystem
        Path filler = fs.resolve("filler");
        Files.write(filler, new byte[15 << 20]); // not a cache file: culling cannot free it
        CacheFiles cache = new CacheFiles(fs.resolve("cache"), GRANULE, OccupancyMethod.AUTO, Runnable::run, limits);
        assertEquals(CacheFiles.State.STOPPED, cache.check().state());
        try (CacheFile cf = cache.open("k", new Coherency(1, 1, 256 << 10)); Arena a = Arena.ofShared()) {
            MemorySegment m = a.allocate(256 << 10, 4096);
            cf.write(0, BvecqBuffer.extract(null, m));
            cf.drain();
            assertEquals(0, cf.bytesWritten(), "no cache write below bstop");
            Files.delete(filler);
            assertEquals(CacheFiles.State.OK, cache.check().state());
            cf.write(0, BvecqBuffer.extract(null, m));
            cf.drain();
            assertEquals(256 << 10, cf.bytesWritten(), "writes resume above bstop");
            assertNull(cf.disabledReason(), "never switched off");
        }
    }
}
