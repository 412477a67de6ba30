package io.jnetfs.netfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.NativeIoException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine under the workloads real programs bring (issue 20), against a local test filesystem
 * over a real file: memory pressure, streaming writes, direct I/O mixed with buffered I/O, and limits
 * that change between issue and retry.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RealWorkloadTest {
    @TempDir
    Path dir;

    private Path server(byte[] initial) throws IOException {
        Path p = dir.resolve("server.bin");
        Files.write(p, initial);
        return p;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * A file 8 times the page cache, read and written at once by several threads, with a pool no
     * larger than the page cache: every allocation past the first few waits for eviction and writeback
     * (before issue 20 this threw "folio pool exhausted").
     */
    @Test
    void aFileEightTimesThePageCacheIsReadAndWrittenByManyThreadsAtOnce() throws Exception {
        int pageCache = 4 << 20;
        int size = 8 * pageCache;
        byte[] model = random(size, 1);
        Path server = server(model);
        try (Netfs n = new Netfs(Netfs.Config.defaults().withMemory(pageCache, pageCache).withFolioSize(65536)
                .withReadahead(65536, 1 << 20).withTimeout(60, TimeUnit.SECONDS));
             LocalTestFs fs = new LocalTestFs(server, 65536, 2)) {
            fs.delayMicros = 200; // a slow server: writeback and reads stay in flight while others allocate
            NetfsFile f = n.open(fs, size, null);
            int half = size / 2;
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> jobs = new ArrayList<>();
                for (int t = 0; t < 3; t++) { // writers: each its own quarter of the second half
                    int id = t;
                    jobs.add(pool.submit(() -> {
                        Random r = new Random(10 + id);
                        int from = half + id * (half / 3);
                        int to = half + (id + 1) * (half / 3);
                        byte[] chunk = new byte[300_000];
                        for (int pos = from; pos < to; pos += chunk.length) {
                            int len = Math.min(chunk.length, to - pos);
                            r.nextBytes(chunk);
                            synchronized (model) {
                                System.arraycopy(chunk, 0, model, pos, len);
                            }
                            f.write(pos, chunk, 0, len);
                        }
                        return null;
                    }));
                }
                byte[] firstHalf = Arrays.copyOf(model, half);
                for (int t = 0; t < 3; t++) { // readers of the first half, which nobody writes
                    int id = t;
                    jobs.add(pool.submit(() -> {
                        Random r = new Random(20 + id);
                        byte[] out = new byte[1 << 20];
                        for (int i = 0; i < 40; i++) {
                            int pos = r.nextInt(half - out.length);
                            assertEquals(out.length, f.read(pos, out, 0, out.length));
                            assertArrayEquals(Arrays.copyOfRange(firstHalf, pos, pos + out.length), out,
                                    "read at " + pos);
                        }
                        return null;
                    }));
                }
                for (Future<?> j : jobs) {
                    j.get(100, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            f.close();
            assertArrayEquals(model, Files.readAllBytes(server), "the server holds every write");
            assertTrue(n.pool().leasedBytes() <= n.pool().maxBytes());
            assertTrue(n.pageCache().memoryWaits() > 0 || n.pageCache().evictions() > 0,
                    "the page cache was under pressure: waits=" + n.pageCache().memoryWaits());
        }
    }

    /**
     * A sequential read through a page cache much smaller than the readahead maximum reads every byte
     * from the server once: readahead never runs so far ahead that it evicts what the reader has not
     * consumed yet.
     */
    @Test
    void aSequentialReadThroughASmallPageCacheReadsEachByteOnce() throws IOException {
        int size = 32 << 20;
        byte[] model = random(size, 7);
        Path server = server(model);
        try (Netfs n = new Netfs(Netfs.Config.defaults().withMemory(8L << 20, 4L << 20).withFolioSize(65536)
                .withTimeout(30, TimeUnit.SECONDS)); // readahead up to the default 16 MiB
             LocalTestFs fs = new LocalTestFs(server, 65536, 8)) {
            fs.delayMicros = 100;
            NetfsFile f = n.open(fs, size, null);
            byte[] out = new byte[1 << 20];
            for (int pos = 0; pos < size; pos += out.length) {
                assertEquals(out.length, f.read(pos, out, 0, out.length));
                assertArrayEquals(Arrays.copyOfRange(model, pos, pos + out.length), out, "read at " + pos);
            }
            assertEquals(size, n.stats().bytesFromServer(), "each byte read from the server once");
        }
    }

    /** A writeback that fails fails the writer's next write with the upload's own errno. */
    @Test
    void aFailedWritebackFailsTheNextWriteWithTheUploadsErrno() throws Exception {
        byte[] model = random(1 << 20, 3);
        Path server = server(model);
        try (Netfs n = new Netfs(Netfs.Config.defaults().withMemory(4 << 20, 4 << 20).withFolioSize(65536)
                .withReadahead(65536, 1 << 20).withTimeout(30, TimeUnit.SECONDS));
             LocalTestFs fs = new LocalTestFs(server, 65536, 4)) {
            NetfsFile f = n.open(fs, model.length, null);
            fs.writeErrno = Errno.ECONNRESET;
            byte[] chunk = random(1 << 20, 5);
            IOException e = assertThrows(IOException.class, () -> {
                for (long pos = 0; pos < (64L << 20); pos += chunk.length) {
                    f.write(pos, chunk, 0, chunk.length); // 64 MiB into a 4 MiB pool: stops at the failure
                }
            });
            NativeIoException nie = assertInstanceOf(NativeIoException.class, e, e.toString());
            assertEquals(Errno.ECONNRESET, nie.errno(), e.getMessage());
            assertThrows(IOException.class, f::close); // the dirty data is not lost silently
        }
    }

    /**
     * Small writes at 4 KiB-unaligned places never read the folio first: zero Treads, and the bytes on
     * the server are right; a later buffered read of a written folio fetches only its gaps.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void unalignedSmallWritesSendNoReadsAndReadsFillTheGaps(long seed) throws IOException {
        Random r = new Random(seed);
        byte[] model = random(2_000_000, seed);
        Path server = server(model);
        try (Netfs n = new Netfs(Netfs.Config.defaults().withMemory(16L << 20, 16L << 20).withFolioSize(65536)
                .withReadahead(65536, 1 << 20).withTimeout(30, TimeUnit.SECONDS));
             LocalTestFs fs = new LocalTestFs(server, 65536, seed)) {
            NetfsFile f = n.open(fs, model.length, null);
            int pos = 1000;
            for (int i = 0; i < 200; i++) { // sequential appends of odd sizes (a log, cp of a small file)
                byte[] d = random(1 + r.nextInt(3000), seed * 100 + i);
                f.write(pos, d, 0, d.length);
                System.arraycopy(d, 0, model, pos, d.length);
                pos += d.length;
            }
            for (int i = 0; i < 50; i++) { // and scattered ones, apart from each other in their folios
                int at = r.nextInt(model.length - 5000);
                byte[] d = random(1 + r.nextInt(4000), seed * 1000 + i);
                f.write(at, d, 0, d.length);
                System.arraycopy(d, 0, model, at, d.length);
            }
            f.flush();
            assertEquals(0, fs.rpcs.get(), "no write read from the server first");
            assertArrayEquals(model, Files.readAllBytes(server), "the server holds the written bytes and no others");
            byte[] d = random(777, 9);
            f.write(70_001, d, 0, d.length); // dirty, not yet written back: the read fills around it
            System.arraycopy(d, 0, model, 70_001, d.length);
            byte[] out = new byte[model.length];
            assertEquals(model.length, f.read(0, out, 0, out.length));
            assertArrayEquals(model, out, "a read of streaming-write folios sees the written bytes and the server's");
            assertTrue(n.stats().gapReads() > 0, "the gaps were read");
            f.close();
            assertArrayEquals(model, Files.readAllBytes(server));
        }
    }

    /**
     * Direct reads and writes mixed with buffered ones, checked against a model: a direct read sees
     * buffered writes not yet written back (past the server's end too), a buffered read sees direct
     * writes.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void directAndBufferedIoMixedMatchAModel(long seed) throws IOException {
        Random r = new Random(seed);
        byte[] model = random(600_000, seed);
        Path server = server(model);
        try (Netfs n = new Netfs(Netfs.Config.defaults().withMemory(32L << 20, 32L << 20).withFolioSize(65536)
                .withReadahead(65536, 1 << 20).withTimeout(30, TimeUnit.SECONDS));
             LocalTestFs fs = new LocalTestFs(server, 65536, seed);
             Arena arena = Arena.ofConfined()) {
            NetfsFile f = n.open(fs, model.length, null);
            for (int op = 0; op < 120; op++) {
                int kind = r.nextInt(4);
                int pos = r.nextInt(model.length + 100_000);
                int len = 1 + r.nextInt(150_000);
                if (kind == 0 || kind == 1) {
                    byte[] d = random(len, seed * 7919 + op);
                    if (kind == 0) {
                        f.write(pos, d, 0, len);
                    } else {
                        MemorySegment m = arena.allocate(len);
                        MemorySegment.copy(d, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, len);
                        assertEquals(len, f.writeDirect(pos, m));
                    }
                    if (pos + len > model.length) {
                        model = Arrays.copyOf(model, pos + len);
                    }
                    System.arraycopy(d, 0, model, pos, len);
                } else {
                    int p = r.nextInt(model.length);
                    int l = Math.min(len, model.length - p);
                    byte[] out = new byte[l];
                    if (kind == 2) {
                        MemorySegment m = arena.allocate(l);
                        assertEquals(l, f.readDirect(p, m), "direct read at " + p);
                        MemorySegment.copy(m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, out, 0, l);
                    } else {
                        assertEquals(l, f.read(p, out, 0, l));
                    }
                    assertArrayEquals(Arrays.copyOfRange(model, p, p + l), out,
                            (kind == 2 ? "direct" : "buffered") + " read at " + p + " len " + l + " (op " + op + ")");
                }
            }
            f.close();
            assertArrayEquals(model, Files.readAllBytes(server));
        }
    }

    /**
     * The filesystem's maximum subrequest size shrinks between issue and retry (the first issue of
     * every subrequest fails with ECONNRESET and the limit drops meanwhile): the retry resplits to the
     * new limit and the data is right, for reads and for writeback.
     */
    @Test
    void retriesResplitToLimitsThatShrankSinceTheIssue() throws IOException {
        byte[] model = random(3_000_000, 11);
        Path server = server(model);
        try (Netfs n = new Netfs(Netfs.Config.defaults().withMemory(32L << 20, 32L << 20).withFolioSize(65536)
                .withReadahead(1 << 20, 1 << 20).withTimeout(30, TimeUnit.SECONDS));
             LocalTestFs fs = new LocalTestFs(server, 256 << 10, 12)) {
            NetfsFile f = n.open(fs, model.length, null);
            fs.shrinkTo = 20_000;
            long subreqs = n.stats().subrequests();
            byte[] out = new byte[1 << 20];
            assertEquals(out.length, f.read(0, out, 0, out.length));
            assertArrayEquals(Arrays.copyOf(model, out.length), out, "read after a resplit");
            assertTrue(fs.maxIssuedSinceShrink.get() <= 20_000,
                    "no read retried larger than the new limit: " + fs.maxIssuedSinceShrink.get());
            assertTrue(n.stats().subrequests() - subreqs > (1 << 20) / (256 << 10),
                    "the retry cut the subrequests again: " + (n.stats().subrequests() - subreqs));
            assertTrue(n.stats().retries() > 0);

            fs.maxLen = 256 << 10;
            fs.shrinkTo = 30_000;
            byte[] d = random(2 << 20, 13);
            f.write(100_000, d, 0, d.length);
            System.arraycopy(d, 0, model, 100_000, d.length);
            f.flush();
            assertTrue(fs.maxIssuedSinceShrink.get() <= 30_000,
                    "no upload retried larger than the new limit: " + fs.maxIssuedSinceShrink.get());
            assertArrayEquals(model, Files.readAllBytes(server), "the server's bytes after resplit uploads");
        }
    }
}
