package io.jnetfs.bvecq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.NativeIoException;
import io.jnetfs.ffm.gen.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Chains handed to the real kernel: files on the test machine's filesystem and loopback TCP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BvecqKernelIoTest {
    private static FolioPool pool;

    @BeforeAll
    static void pool() {
        pool = new FolioPool(128L << 20);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Test
    void writevOfMoreThanIovMaxSlotsAcrossSegmentsThenPreadv2Back(@TempDir Path dir) throws IOException {
        int slots = 2500; // > IOV_MAX, over 20 segments of 128 slots
        byte[] expected = new byte[slots * 4096 - 1234];
        new Random(7).nextBytes(expected);
        Path file = dir.resolve("chain.bin");
        try (Arena a = Arena.ofConfined(); BvecqIo io = new BvecqIo(); BvecqIter it = new BvecqIter();
             BvecqBuffer chain = BvecqBuffer.allocate(pool, expected.length, 4096)) {
            assertEquals(slots, chain.slotCount());
            assertTrue(chain.segmentCount() > 10, "segments=" + chain.segmentCount());
            chain.copyFrom(expected, 0, 0, expected.length);
            int fd = Native.open(a.allocateFrom(file.toString()), LibC.O_CREAT() | LibC.O_RDWR() | LibC.O_TRUNC(), 0644);
            try {
                it.init(chain, 0, chain.length());
                assertEquals(expected.length, io.writev(fd, it, expected.length));
                assertEquals(0, it.count());
                assertTrue(io.syscalls() >= 3, "IOV_MAX forces several calls: " + io.syscalls());
                assertArrayEquals(expected, Files.readAllBytes(file));

                try (BvecqBuffer back = BvecqBuffer.allocate(pool, expected.length, 65536)) {
                    it.init(back, 0, back.length());
                    assertEquals(expected.length, io.preadv2(fd, it, back.length(), 0, 0));
                    assertArrayEquals(expected, BvecqModelPropertiesTest.bytes(back));
                    // at end of file a read returns what there was
                    it.init(back, 0, back.length());
                    assertEquals(1234 + 5, io.preadv2(fd, it, back.length(), expected.length - 1234 - 5, 0));
                }
                // pwritev2 of a sub-range (partial first and last entries) at an offset
                it.init(chain, 100, 10_000);
                assertEquals(10_000, io.pwritev2(fd, it, 10_000, 7, 0));
                byte[] file2 = Files.readAllBytes(file);
                assertArrayEquals(Arrays.copyOfRange(expected, 100, 10_100), Arrays.copyOfRange(file2, 7, 10_007));
            } finally {
                Native.close(fd);
            }
        }
    }

    @Test
    void wholeEntriesInsideOneSegmentGoToTheKernelAsTheSegmentsOwnArray() {
        try (BvecqBuffer chain = BvecqBuffer.allocate(pool, 16 * 65536, 65536); BvecqIter it = new BvecqIter()) {
            it.init(chain, 0, chain.length());
            assertEquals(16, it.nextIov(chain.length()));
            assertTrue(it.iovDirect());
            assertEquals(chain.head().bvAddress(), it.iovAddress());
            it.init(chain, 10, 65536);
            it.nextIov(65536);
            assertTrue(!it.iovDirect(), "a partial first entry needs the scratch array");
        }
    }

    @Test
    void headerPlus64DataSlotsPlusTrailerTakeOneSendmsg() throws IOException {
        byte[] data = new byte[64 * 4096];
        new Random(3).nextBytes(data);
        try (Arena a = Arena.ofConfined(); Loopback lo = Loopback.open(); BvecqIo io = new BvecqIo();
             BvecqIter it = new BvecqIter(); BvecqBuffer chain = BvecqBuffer.allocate(pool, data.length, 4096)) {
            chain.copyFrom(data, 0, 0, data.length);
            assertEquals(64, chain.slotCount());
            MemorySegment header = a.allocate(23).fill((byte) 'H');
            MemorySegment trailer = a.allocate(5).fill((byte) 'T');
            it.init(chain, 0, chain.length());
            long sent = io.sendmsg(lo.client, header, it, chain.length(), trailer, 0);
            assertEquals(23 + data.length + 5, sent);
            assertEquals(1, io.sendmsgCalls(), "header + 64 slots + trailer in ONE sendmsg");

            // receive the same message straight into another chain between a header and trailer buffer
            try (BvecqBuffer dst = BvecqBuffer.allocate(pool, data.length, 16384)) {
                MemorySegment rh = a.allocate(23);
                MemorySegment rt = a.allocate(5);
                it.init(dst, 0, dst.length());
                assertEquals(sent, io.recvmsg(lo.server, rh, it, dst.length(), rt, LibC.MSG_WAITALL()));
                assertArrayEquals(header.toArray(ValueLayout.JAVA_BYTE), rh.toArray(ValueLayout.JAVA_BYTE));
                assertArrayEquals(trailer.toArray(ValueLayout.JAVA_BYTE), rt.toArray(ValueLayout.JAVA_BYTE));
                assertArrayEquals(data, BvecqModelPropertiesTest.bytes(dst));
            }
        }
    }

    @Test
    void eagainOnANonBlockingSocketIsAResult() throws IOException {
        try (Loopback lo = Loopback.open(); BvecqIo io = new BvecqIo(); BvecqIter it = new BvecqIter();
             BvecqBuffer chain = BvecqBuffer.allocate(pool, 64 << 20, 1 << 20)) {
            Loopback.nonBlocking(lo.server);
            it.init(chain, 0, 4096);
            assertEquals(BvecqIo.WOULD_BLOCK, io.recvmsg(lo.server, null, it, 4096, null, 0), "nothing to read yet");
            Loopback.nonBlocking(lo.client);
            it.init(chain, 0, chain.length());
            long sent = io.sendmsg(lo.client, null, it, chain.length(), null, 0);
            assertTrue(sent > 0 && sent < chain.length(), "the socket buffer fills: sent=" + sent);
            assertEquals(chain.length() - sent, it.count());
            assertEquals(BvecqIo.WOULD_BLOCK, io.sendmsg(lo.client, null, it, it.count(), null, 0));
        }
    }

    @Test
    void writevOfAFullSocketIsShortThenWouldBlockAndTheRestFollowsOnceDrained() throws IOException, InterruptedException {
        try (Loopback lo = Loopback.open(); BvecqIo io = new BvecqIo(); BvecqIter it = new BvecqIter();
             BvecqBuffer chain = BvecqBuffer.allocate(pool, 32 << 20, 1 << 20)) {
            byte[] expected = new byte[(int) chain.length()];
            new Random(7).nextBytes(expected);
            chain.copyFrom(expected, 0, 0, expected.length);
            Loopback.nonBlocking(lo.client);
            it.init(chain, 0, chain.length());
            // 32 MiB is more than loopback's socket buffers hold: the kernel takes part of it and the
            // result is the bytes written, not an exception
            long first = io.writev(lo.client, it, chain.length());
            assertTrue(first > 0 && first < chain.length(), "the socket buffer fills: wrote " + first);
            assertEquals(chain.length() - first, it.count(), "advanced by exactly what was written");
            assertEquals(BvecqIo.WOULD_BLOCK, io.writev(lo.client, it, it.count()));
            assertEquals(chain.length() - first, it.count(), "a would-block advances nothing");
            // drain in a reader thread while the rest goes out blocking: every byte arrives in order
            Loopback.blocking(lo.client);
            byte[] got = new byte[expected.length];
            Thread reader = Thread.ofPlatform().start(() -> Loopback.readFully(lo.server, got));
            assertEquals(chain.length() - first, io.writev(lo.client, it, it.count()));
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(!reader.isAlive(), "the reader got every byte within 30 s");
            assertArrayEquals(expected, got);
        }
    }

    @Test
    void kernelErrorsNameTheCallAndErrno() {
        try (BvecqIo io = new BvecqIo(); BvecqIter it = new BvecqIter();
             BvecqBuffer chain = BvecqBuffer.allocate(pool, 8192, 4096)) {
            it.init(chain, 0, 8192);
            NativeIoException e = assertInstanceOf(NativeIoException.class,
                    assertThrows(IOException.class, () -> io.writev(999_999, it, 8192)));
            assertEquals(Errno.EBADF, e.errno());
            assertEquals("writev(fd=999999, iovcnt=2) failed: EBADF (Bad file descriptor)", e.getMessage());
            assertEquals(8192, it.count(), "nothing was advanced");
        }
    }
}
