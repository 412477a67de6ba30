package io.jnetfs.netfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.fiemap.OccupancyMethod;
import io.jnetfs.netfs.cachefiles.CacheFile;
import io.jnetfs.netfs.cachefiles.CacheFiles;
import io.jnetfs.netfs.cachefiles.Coherency;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The write path against a local test filesystem and a byte-array model. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WritePathTest {
    @TempDir
    Path dir;

    private Path server(byte[] initial) throws IOException {
        Path p = dir.resolve("server.bin");
        Files.write(p, initial);
        return p;
    }

    private static Netfs netfs(long pageCache) {
        return new Netfs(Netfs.Config.defaults().withMemory(96L << 20, pageCache).withFolioSize(65536)
                .withReadahead(65536, 1 << 20).withTimeout(30, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomWritePatternsMatchAModelOnTheServerAndThroughTheEngine(long seed) throws IOException {
        Random r = new Random(seed);
        byte[] model = new byte[700_000 + r.nextInt(300_000)];
        r.nextBytes(model);
        Path server = server(model);
        try (Netfs n = netfs(32L << 20); LocalTestFs fs = new LocalTestFs(server, 65536, seed)) {
            fs.delayMicros = 30;
            fs.writeShortPercent = 20;
            fs.writeTransientPercent = 5;
            NetfsFile f = n.open(fs, model.length, null);
            for (int op = 0; op < 60; op++) {
                int kind = r.nextInt(10);
                if (kind < 7) { // write: overlaps, holes past the end, extension
                    int pos = r.nextInt(model.length + 200_000);
                    byte[] data = new byte[1 + r.nextInt(150_000)];
                    r.nextBytes(data);
                    assertEquals(data.length, f.write(pos, data, 0, data.length));
                    if (pos + data.length > model.length) {
                        model = Arrays.copyOf(model, pos + data.length);
                    }
                    System.arraycopy(data, 0, model, pos, data.length);
                } else if (kind == 7) { // truncate down or up
                    int size = r.nextInt(model.length + 100_000);
                    f.truncate(size);
                    model = Arrays.copyOf(model, size);
                } else if (kind == 8) {
                    f.flush();
                } else { // read back through the engine before any flush
                    int pos = r.nextInt(Math.max(1, model.length));
                    int len = Math.min(model.length - pos, r.nextInt(100_000));
                    byte[] out = new byte[len];
                    assertEquals(len == 0 ? 0 : len, Math.max(0, f.read(pos, out, 0, len)));
                    assertArrayEquals(Arrays.copyOfRange(model, pos, pos + len), out, "read after write at " + pos);
                }
                assertEquals(model.length, f.size());
            }
            f.fsync();
            assertTrue(fs.fsyncs.get() > 0);
            assertArrayEquals(model, Files.readAllBytes(server), "after fsync the server holds the model");
            f.close();
            // and through a fresh engine (empty page cache) from the server
            try (Netfs n2 = netfs(32L << 20); LocalTestFs fs2 = new LocalTestFs(server, 65536, seed + 100);
                 NetfsFile g = n2.open(fs2, Files.size(server), null)) {
                byte[] out = new byte[model.length];
                assertEquals(model.length, g.read(0, out, 0, out.length));
                assertArrayEquals(model, out);
            }
            assertTrue(n.stats().retries() > 0, "short and failed uploads were retried");
        }
    }

    @Test
    void aPermanentFailureIsReportedToFlushAndNothingAcknowledgedIsLost() throws IOException {
        byte[] model = new byte[500_000];
        Path server = server(model);
        try (Netfs n = netfs(32L << 20); LocalTestFs fs = new LocalTestFs(server, 65536, 7)) {
            NetfsFile f = n.open(fs, model.length, null);
            byte[] data = new byte[300_000];
            new Random(8).nextBytes(data);
            f.write(100_000, data, 0, data.length);
            fs.writeErrno = Errno.ENOSPC;
            IOException e = assertThrows(IOException.class, f::flush);
            assertTrue(e.getMessage().contains("ENOSPC"), e.getMessage());
            assertTrue(f.inode().mapping().hasDirty(), "the folios stay dirty");
            // the data is still readable from the page cache
            byte[] out = new byte[data.length];
            assertEquals(data.length, f.read(100_000, out, 0, out.length));
            assertArrayEquals(data, out);
            // the fault clears: the next flush writes everything
            fs.writeErrno = 0;
            f.flush();
            assertFalse(f.inode().mapping().hasDirty());
            byte[] onServer = Files.readAllBytes(server);
            assertArrayEquals(data, Arrays.copyOfRange(onServer, 100_000, 400_000));
            f.close();
        }
    }

    @Test
    void closeReportsAWritebackFailure() throws IOException {
        Path server = server(new byte[100]);
        try (Netfs n = netfs(32L << 20); LocalTestFs fs = new LocalTestFs(server, 65536, 9)) {
            NetfsFile f = n.open(fs, 100, null);
            f.write(0, new byte[5000], 0, 5000);
            fs.writeErrno = Errno.EIO;
            fs.transientErrno = Errno.EIO;
            assertThrows(IOException.class, f::close);
        }
    }

    @Test
    void directWritesGoInStrictSequenceAndKeepThePageCacheCoherent() throws IOException {
        byte[] model = new byte[1_000_000];
        new Random(10).nextBytes(model);
        Path server = server(model);
        try (Netfs n = netfs(32L << 20); LocalTestFs fs = new LocalTestFs(server, 16384, 11);
             NetfsFile f = n.open(fs, model.length, null); Arena a = Arena.ofConfined()) {
            fs.delayMicros = 100;
            byte[] warm = new byte[model.length];
            f.read(0, warm, 0, warm.length); // the page cache now holds the old data
            byte[] data = new byte[400_000];
            new Random(12).nextBytes(data);
            MemorySegment src = a.allocate(data.length, 4096);
            MemorySegment.copy(data, 0, src, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, data.length);
            assertEquals(data.length, f.writeDirect(300_000, src));
            assertEquals(1, fs.maxWritesInFlight.get(), "strict sequence: one upload at a time");
            assertTrue(fs.writeRpcs.get() >= 400_000 / 16384);
            System.arraycopy(data, 0, model, 300_000, data.length);
            assertArrayEquals(model, Files.readAllBytes(server));
            byte[] out = new byte[model.length];
            assertEquals(model.length, f.read(0, out, 0, out.length));
            assertArrayEquals(model, out, "reads after the direct write see it, not the stale folios");
        }
    }

    @Test
    void writebackFillsTheCacheWhichThenAgreesWithTheServer() throws IOException {
        byte[] model = new byte[2_000_000];
        new Random(13).nextBytes(model);
        Path server = server(model);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            CacheFiles cache = new CacheFiles(dir.resolve("cache"), 65536, OccupancyMethod.AUTO, writer);
            Coherency c = new Coherency(1, 1, model.length);
            try (Netfs n = netfs(32L << 20); LocalTestFs fs = new LocalTestFs(server, 65536, 14);
                 CacheFile cf = cache.open("k", c); NetfsFile f = n.open(fs, model.length, cf)) {
                byte[] out = new byte[model.length];
                f.read(0, out, 0, out.length); // cold read fills the cache
                byte[] data = new byte[200_000];
                new Random(15).nextBytes(data);
                f.write(123_457, data, 0, data.length); // partial granules at both edges
                System.arraycopy(data, 0, model, 123_457, data.length);
                f.flush();
                cf.drain();
            }
            assertArrayEquals(model, Files.readAllBytes(server));
            try (Netfs n = netfs(32L << 20); LocalTestFs fs = new LocalTestFs(server, 65536, 16);
                 CacheFile cf = cache.open("k", c); NetfsFile f = n.open(fs, model.length, cf)) {
                byte[] out = new byte[model.length];
                assertEquals(model.length, f.read(0, out, 0, out.length));
                assertArrayEquals(model, out, "the cache never serves the old bytes of a written range");
                assertTrue(n.stats().bytesFromCache() > model.length / 2, n.stats().toString());
            }
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void manyDirtyFoliosAreWrittenBackUnderPressure() throws IOException {
        Path server = server(new byte[0]);
        try (Netfs n = netfs(4L << 20); LocalTestFs fs = new LocalTestFs(server, 65536, 17)) {
            NetfsFile f = n.open(fs, 0, null);
            byte[] chunk = new byte[1 << 20];
            byte[] model = new byte[24 << 20];
            new Random(18).nextBytes(model);
            for (int pos = 0; pos < model.length; pos += chunk.length) {
                System.arraycopy(model, pos, chunk, 0, chunk.length);
                f.write(pos, chunk, 0, chunk.length);
            }
            assertTrue(fs.writeRpcs.get() > 0, "writeback started before the end");
            f.close();
            assertArrayEquals(model, Files.readAllBytes(server));
        }
    }

    @Test
    void foliosWrittenBackAndEvictedPastTheOldEndAreReadBackFromTheServer() throws IOException {
        Path server = server(new byte[0]);
        try (Netfs n = netfs(1L << 20); LocalTestFs fs = new LocalTestFs(server, 65536, 19)) {
            NetfsFile f = n.open(fs, 0, null);
            byte[] model = new byte[8 << 20];
            new Random(20).nextBytes(model);
            for (int pos = 0; pos < model.length; pos += 65536) {
                f.write(pos, model, pos, 65536);
            }
            f.flush();
            assertTrue(n.pageCache().evictions() > 0, "the page cache of 1 MiB evicted written-back folios");
            byte[] back = new byte[model.length];
            for (int pos = 0; pos < back.length; pos += 1 << 20) {
                assertEquals(1 << 20, f.read(pos, back, pos, 1 << 20));
            }
            // the server acknowledged every byte: nothing past the size it had at open reads as zeroes now
            assertArrayEquals(model, back);
            f.close();
        }
    }

    @Test
    void closeWaitsForABackgroundWritebackInFlight() throws IOException {
        Path server = server(new byte[0]);
        try (Netfs n = netfs(8L << 20); LocalTestFs fs = new LocalTestFs(server, 65536, 21)) {
            fs.delayMicros = 20_000; // each Twrite completes 20 ms later, on another thread
            NetfsFile f = n.open(fs, 0, null);
            byte[] model = new byte[1 << 20]; // past a sixteenth of the page cache: background writeback starts
            new Random(22).nextBytes(model);
            f.write(0, model, 0, model.length);
            assertFalse(f.inode().mapping().hasDirty(), "every folio is under writeback, none dirty");
            f.close();
            assertArrayEquals(model, Files.readAllBytes(server), "close returned before the writeback ended");
        }
    }
}
