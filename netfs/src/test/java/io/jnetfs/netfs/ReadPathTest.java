package io.jnetfs.netfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.NativeIoException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The read path over a local test filesystem that injects short reads, errors and delays. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadPathTest {
    @TempDir
    Path dir;

    private byte[] source(int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Files.write(dir.resolve("server.bin"), b);
        return b;
    }

    private static Netfs netfs(int folioSize) {
        return new Netfs(Netfs.Config.defaults().withMemory(64L << 20, 32L << 20).withFolioSize(folioSize)
                .withReadahead(Math.max(folioSize, 64 << 10), 1 << 20).withTimeout(30, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 65536, 262144})
    void randomReadsEqualTheSourceFile(int folioSize) throws IOException {
        byte[] src = source(3_000_017, 1);
        try (Netfs n = netfs(folioSize); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65512, 2);
             NetfsFile f = n.open(fs, src.length, null)) {
            fs.delayMicros = 50;
            Random r = new Random(3);
            for (int i = 0; i < 300; i++) {
                int pos = r.nextInt(src.length + 100);
                int len = r.nextInt(200_000);
                byte[] out = new byte[len];
                int got = f.read(pos, out, 0, len);
                if (pos >= src.length) {
                    assertEquals(len == 0 ? 0 : -1, got);
                    continue;
                }
                int expect = Math.min(len, src.length - pos);
                assertEquals(expect, got, "read at " + pos + " len " + len);
                assertArrayEquals(Arrays.copyOfRange(src, pos, pos + expect), Arrays.copyOf(out, expect));
            }
            assertTrue(n.stats().pageCacheHits() > 0, "some reads were served from the page cache");
            long fromServer = n.stats().bytesFromServer();
            assertTrue(fromServer >= src.length, "every byte came from the server at least once: " + fromServer
                    + " bytes from the server for a file of " + src.length);
            assertTrue(n.stats().bytesZeroFill() > 0 || src.length % folioSize == 0, "the tail past EOF was zero-filled");
        }
    }

    @Test
    void dontcacheReadsDropWhatTheyConsumedAndReadTheSameBytes() throws IOException {
        byte[] src = source(8 << 20, 21);
        try (Netfs n = netfs(65536); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 22);
             NetfsFile f = n.open(fs, src.length, null); Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(1 << 20, 4096);
            byte[] out = new byte[src.length];
            for (long pos = 0; pos < src.length; pos += buf.byteSize()) {
                assertEquals(buf.byteSize(), f.read(pos, buf, NetfsFile.READ_DONTCACHE));
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, out, (int) pos, (int) buf.byteSize());
            }
            assertArrayEquals(src, out);
            // what was read is gone; what readahead brought in ahead of the reader (at most the window)
            // may stay, so the page cache holds far less than the 8 MiB a plain read leaves behind
            long cached = (long) f.inode().mapping.size() * 65536;
            assertTrue(cached <= n.config().readaheadMax() + (1 << 20), "cached after a DONTCACHE stream: " + cached);
            assertEquals(0, f.inode().mapping.range(0, (src.length - (2L << 20)) / 65536).size(),
                    "no folio the reader consumed stays cached");
            assertThrows(IllegalArgumentException.class, () -> f.read(0, buf, 2));
        }
    }

    @Test
    void aZeroCopyReadHandsOverThePageCacheInFileOrder() throws IOException {
        byte[] src = source(3_000_017, 25);
        try (Netfs n = netfs(65536); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 26);
             NetfsFile f = n.open(fs, src.length, null)) {
            fs.shortReadPercent = 20;
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            long[] calls = {0};
            NetfsFile.FolioReader collect = (folio, offset, length) -> {
                assertTrue(offset >= 0 && length > 0 && offset + length <= folio.byteSize(), "inside one folio");
                out.write(folio.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE), 0, (int) length);
                calls[0]++;
            };
            long pos = 12_345;
            assertEquals(src.length - pos, f.read(pos, Long.MAX_VALUE / 2, 0, collect), "to end of file");
            assertArrayEquals(Arrays.copyOfRange(src, (int) pos, src.length), out.toByteArray());
            assertTrue(calls[0] >= (src.length - pos) / 65536, "one call per folio: " + calls[0]);
            assertEquals(-1, f.read(src.length, 10, 0, collect), "at end of file");
            // a reader's exception stops the read and reaches the caller
            IOException stop = new IOException("reader stops");
            assertSame(stop, assertThrows(IOException.class, () -> f.read(0, 1 << 20, 0, (folio, o, l) -> {
                throw stop;
            })));
            assertThrows(IllegalArgumentException.class, () -> f.read(0, -1, 0, collect));
        }
    }

    @Test
    void anEngineOnACallersPoolGivesEveryFolioBackOnClose() throws IOException {
        byte[] src = source(4 << 20, 23);
        try (FolioPool pool = new FolioPool(64L << 20)) {
            try (Netfs n = new Netfs(Netfs.Config.defaults().withMemory(64L << 20, 32L << 20).withFolioSize(65536), pool);
                 LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 24);
                 NetfsFile f = n.open(fs, src.length, null)) {
                byte[] out = new byte[src.length];
                assertEquals(src.length, f.read(0, out, 0, out.length));
                assertArrayEquals(src, out);
                assertTrue(pool.leasedBytes() >= src.length, "the page cache holds the file: " + pool.leasedBytes());
            }
            assertEquals(0, pool.leasedBytes(), "closing the engine returned every folio");
            pool.allocate(65536).put(); // the pool stays open for its owner
            assertThrows(IllegalArgumentException.class, () -> new Netfs(
                    Netfs.Config.defaults().withMemory(1L << 30, 128L << 20), pool), "budget larger than the pool");
        }
    }

    @Test
    void shortReadsAndTransientErrorsAreRetriedAndDataIsRight() throws IOException {
        byte[] src = source(4 << 20, 5);
        try (Netfs n = netfs(65536); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 32768, 6);
             NetfsFile f = n.open(fs, src.length, null)) {
            fs.shortReadPercent = 30;
            fs.transientErrorPercent = 10;
            fs.delayMicros = 20;
            byte[] out = new byte[src.length];
            assertEquals(src.length, f.read(0, out, 0, out.length));
            assertArrayEquals(src, out);
            assertTrue(n.stats().retries() > 10, "retries=" + n.stats().retries());
            assertEquals(0, n.stats().failedRequests());
        }
    }

    @Test
    void aPermanentErrorReachesTheCallerWithItsErrno() throws IOException {
        byte[] src = source(1 << 20, 7);
        try (Netfs n = netfs(65536); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 8);
             NetfsFile f = n.open(fs, src.length, null)) {
            fs.permanentErrorAt = 300_000;
            byte[] out = new byte[src.length];
            IOException e = assertThrows(IOException.class, () -> f.read(0, out, 0, out.length));
            assertEquals(Errno.EACCES, assertInstanceOf(NativeIoException.class, e).errno(), e.getMessage());
            assertTrue(e.getMessage().contains("EACCES"), e.getMessage());
            // the part before the error was read and stays readable; after the fault clears, all is right
            byte[] head = new byte[200_000];
            assertEquals(head.length, f.read(0, head, 0, head.length));
            assertArrayEquals(Arrays.copyOf(src, head.length), head);
            fs.permanentErrorAt = -1;
            assertEquals(src.length, f.read(0, out, 0, out.length));
            assertArrayEquals(src, out);
        }
    }

    @Test
    void aTransientErrorThatPersistsFailsAfterBoundedRetries() throws IOException {
        byte[] src = source(1 << 20, 9);
        try (Netfs n = netfs(65536); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 10);
             NetfsFile f = n.open(fs, src.length, null)) {
            fs.transientErrorPercent = 100;
            IOException e = assertThrows(IOException.class, () -> f.read(0, new byte[100], 0, 100));
            assertTrue(e.getMessage().contains("ECONNRESET"), e.getMessage());
            assertTrue(fs.rpcs.get() <= 1 + 3 + 16 * 4, "bounded: rpcs=" + fs.rpcs.get());
        }
    }

    @Test
    void noProgressIsEnodataAndMoreThanAskedIsEio() throws IOException {
        byte[] src = source(1 << 20, 11);
        try (Netfs n = netfs(65536); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 12);
             NetfsFile f = n.open(fs, src.length, null)) {
            fs.noProgressOnce = true;
            IOException e = assertThrows(IOException.class, () -> f.read(0, new byte[10], 0, 10));
            assertTrue(e.getMessage().contains("ENODATA"), e.getMessage());
        }
        try (Netfs n = netfs(65536); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 12);
             NetfsFile f = n.open(fs, src.length, null)) {
            fs.overrun = true;
            IOException e = assertThrows(IOException.class, () -> f.read(0, new byte[10], 0, 10));
            assertTrue(e.getMessage().contains("EIO"), e.getMessage());
        }
    }

    @Test
    void sequentialReadsGrowTheReadaheadWindowAndKeepManySubrequestsInFlight() throws IOException {
        byte[] src = source(16 << 20, 13);
        try (Netfs n = netfs(65536); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 14);
             NetfsFile f = n.open(fs, src.length, null)) {
            fs.delayMicros = 200;
            byte[] chunk = new byte[64 << 10];
            for (int pos = 0; pos < src.length; pos += chunk.length) {
                assertEquals(chunk.length, f.read(pos, chunk, 0, chunk.length));
                assertArrayEquals(Arrays.copyOfRange(src, pos, pos + chunk.length), chunk);
            }
            long requests = n.stats().requests();
            assertTrue(requests < 64, "the window grew: " + requests + " requests for 256 reads");
            assertTrue(fs.maxInFlight.get() >= 4, "many subrequests in flight: " + fs.maxInFlight.get());
            assertEquals(src.length, n.stats().bytesFromServer(), "no byte read twice");
        }
    }

    @Test
    void concurrentReadersOfOneFileSeeTheRightBytes() throws Exception {
        byte[] src = source(8 << 20, 15);
        try (Netfs n = netfs(65536); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 16);
             NetfsFile f = n.open(fs, src.length, null)) {
            fs.delayMicros = 30;
            fs.shortReadPercent = 10;
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                int seed = t;
                Thread th = new Thread(() -> {
                    Random r = new Random(seed);
                    try {
                        for (int i = 0; i < 200; i++) {
                            int pos = r.nextInt(src.length);
                            int len = Math.min(src.length - pos, 1 + r.nextInt(300_000));
                            byte[] out = new byte[len];
                            assertEquals(len, f.read(pos, out, 0, len));
                            assertArrayEquals(Arrays.copyOfRange(src, pos, pos + len), out);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(60_000);
            }
            assertEquals(List.of(), failures);
        }
    }

    @Test
    void aSmallPageCacheEvictsAndStillReadsRight() throws IOException {
        byte[] src = source(6 << 20, 17);
        try (Netfs n = new Netfs(Netfs.Config.defaults().withMemory(16L << 20, 2L << 20).withFolioSize(65536)
                .withReadahead(65536, 512 << 10));
             LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 18); NetfsFile f = n.open(fs, src.length, null)) {
            byte[] out = new byte[src.length];
            assertEquals(src.length, f.read(0, out, 0, out.length));
            assertArrayEquals(src, out);
            assertTrue(n.pageCache().evictions() > 0, "evictions=" + n.pageCache().evictions());
            assertTrue(n.pageCache().bytes() <= (2 << 20) + (1 << 20), "cache bytes=" + n.pageCache().bytes());
        }
    }

    @Test
    void directReadsGoStraightIntoTheCallersMemory() throws IOException {
        byte[] src = source(1_000_001, 19);
        try (Netfs n = netfs(65536); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 20);
             NetfsFile f = n.open(fs, src.length, null); Arena a = Arena.ofConfined()) {
            fs.shortReadPercent = 20;
            MemorySegment dst = a.allocate(600_000, 4096);
            assertEquals(500_001, f.readDirect(500_000, dst), "short only at end of file");
            assertArrayEquals(Arrays.copyOfRange(src, 500_000, 1_000_001), Arrays.copyOf(dst.toArray(ValueLayout.JAVA_BYTE), 500_001));
            assertEquals(0, n.pageCache().bytes(), "the page cache was bypassed");
            assertEquals(-1, f.readDirect(src.length, dst));
            ByteBuffer heap = ByteBuffer.allocate(10);
            assertThrows(IllegalArgumentException.class, () -> f.readDirect(0, MemorySegment.ofBuffer(heap)));
        }
    }

    @Test
    void readSingleReadsAWholeSmallObject() throws IOException {
        byte[] src = source(200_000, 21);
        try (Netfs n = netfs(65536); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 22);
             NetfsFile f = n.open(fs, src.length, null)) {
            assertArrayEquals(src, f.readSingle());
        }
    }

    @Test
    void readsIntoByteBuffersAdvanceTheirPosition() throws IOException {
        byte[] src = source(100_000, 23);
        try (Netfs n = netfs(65536); LocalTestFs fs = new LocalTestFs(dir.resolve("server.bin"), 65536, 24);
             NetfsFile f = n.open(fs, src.length, null)) {
            ByteBuffer bb = ByteBuffer.allocateDirect(1000);
            bb.position(10);
            assertEquals(990, f.read(5, bb));
            assertEquals(1000, bb.position());
            byte[] got = new byte[990];
            bb.position(10);
            bb.get(got);
            assertArrayEquals(Arrays.copyOfRange(src, 5, 995), got);
        }
    }
}
