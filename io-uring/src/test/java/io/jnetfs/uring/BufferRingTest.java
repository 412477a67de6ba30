package io.jnetfs.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Provided-buffer rings against the kernel, over real loopback TCP connections: multishot receives that
 * pick buffers, give them back and run out of them, incremental consumption checked against a model
 * of where each completion's bytes must be, the kernel-allocated (mmapped) ring, and misuse.
 */
@Timeout(60)
class BufferRingTest {
    private static final int RECV = 7;

    @BeforeEach
    void uring() {
        Fixtures.requireOps(Opcode.IORING_OP_RECV);
        Fixtures.require("register/PBUF_RING", IoUringFeatures.missingBufferRing(0));
    }

    /** One completion of a receive, as seen by the test. */
    private record Cqe(int res, int flags) {
        boolean more() {
            return (flags & LibC.IORING_CQE_F_MORE()) != 0;
        }
    }

    private static List<Cqe> poll(IoUring ring, long timeoutMillis) {
        List<Cqe> got = new ArrayList<>();
        ring.submitAndWait(1, timeoutMillis, TimeUnit.MILLISECONDS);
        ring.complete((res, flags, userData) -> {
            assertEquals(RECV, userData);
            got.add(new Cqe(res, flags));
        });
        return got;
    }

    private static void send(int fd, byte[] bytes, int from, int len) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(Math.max(1, len));
            MemorySegment.copy(bytes, from, m, ValueLayout.JAVA_BYTE, 0, len);
            long n = Native.write(fd, m, len);
            assertEquals(len, n, "write: " + Errno.describe((int) -n));
        }
    }

    private static byte[] random(int n, int seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aMultishotReceiveFillsBuffersTheCallerGivesBack() throws Exception {
        Fixtures.require("recv/MULTISHOT", IoUringFeatures.missingRecvMultishot());
        byte[] sent = random(64 * 1024, 1);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            BufferRing b = ring.registerBufferRing(1, 8, 1024, 0);
            assertEquals(8, b.entries());
            ring.prepRecvMultishot(tcp.server(), b, 0, 0, RECV);
            ring.submit();
            int withBuffer = 0;
            boolean ended = false;
            for (int off = 0; !ended; ) {
                if (off < sent.length) {
                    send(tcp.client(), sent, off, 4096);
                    off += 4096;
                    if (off == sent.length) {
                        Native.shutdown(tcp.client(), LibC.SHUT_WR());
                    }
                }
                for (Cqe c : poll(ring, 100)) {
                    if (c.res() > 0) {
                        assertTrue(BufferRing.hasBuffer(c.flags()));
                        long at = b.use(c.res(), c.flags());
                        got.write(b.buffers().asSlice(at, c.res()).toArray(ValueLayout.JAVA_BYTE));
                        b.recycle(BufferRing.bufferId(c.flags()));
                        withBuffer++;
                        assertTrue(c.more(), "the receive goes on");
                    } else {
                        assertEquals(0, c.res(), "end of stream, not " + Errno.describe(-c.res()));
                        assertFalse(c.more(), "the end of the stream ends the multishot receive");
                        ended = true;
                    }
                }
            }
            assertArrayEquals(sent, got.toByteArray());
            assertTrue(withBuffer >= 64, "64 KiB through 1 KiB buffers takes at least 64 completions: " + withBuffer);
            assertEquals(0, b.held());
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void runningOutOfBuffersEndsTheReceiveWithEnobufsAndLosesNoByte() throws Exception {
        Fixtures.require("recv/MULTISHOT", IoUringFeatures.missingRecvMultishot());
        byte[] sent = random(1000, 2);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            BufferRing b = ring.registerBufferRing(3, 2, 64, 0);
            send(tcp.client(), sent, 0, sent.length);
            ring.prepRecvMultishot(tcp.server(), b, 0, 0, RECV);
            List<Integer> held = new ArrayList<>();
            int enobufs = 0;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (got.size() < sent.length) {
                assertTrue(System.nanoTime() < deadline, "received " + got.size() + " of " + sent.length);
                for (Cqe c : poll(ring, 100)) {
                    if (c.res() == -Errno.ENOBUFS) {
                        assertFalse(c.more(), "-ENOBUFS ends the multishot receive");
                        enobufs++;
                        // give both buffers back, then receive again
                        for (int bid : held) {
                            b.recycle(bid);
                        }
                        held.clear();
                        ring.prepRecvMultishot(tcp.server(), b, 0, 0, RECV);
                        continue;
                    }
                    assertTrue(c.res() > 0 && c.res() <= 64, "res=" + c.res());
                    long at = b.use(c.res(), c.flags());
                    got.write(b.buffers().asSlice(at, c.res()).toArray(ValueLayout.JAVA_BYTE));
                    held.add(BufferRing.bufferId(c.flags()));
                }
            }
            assertArrayEquals(sent, got.toByteArray());
            assertTrue(enobufs >= 1, "two 64-byte buffers cannot take 1000 bytes without running out");
            assertEquals(held.size(), b.held());
        }
    }

    @Test
    void incrementalConsumptionPutsEachCompletionAfterThePreviousOneInTheSameBuffer() throws Exception {
        Fixtures.require("recv/MULTISHOT", IoUringFeatures.missingRecvMultishot());
        Fixtures.require("register/PBUF_RING_INC", IoUringFeatures.missingBufferRing(BufferRing.IOU_PBUF_RING_INC));
        int size = 4096;
        byte[] sent = random(10 * 1000, 3);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            BufferRing b = ring.registerBufferRing(4, 2, size, BufferRing.IOU_PBUF_RING_INC);
            ring.prepRecvMultishot(tcp.server(), b, 0, 0, RECV);
            ring.submit();
            // the model: per buffer, how much the kernel has filled since it was last given back
            int[] filled = new int[2];
            int bufMore = 0;
            for (int off = 0; off < sent.length; off += 1000) {
                send(tcp.client(), sent, off, 1000);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (got.size() < off + 1000) {
                    assertTrue(System.nanoTime() < deadline, "waiting for bytes " + off + ".." + (off + 1000));
                    for (Cqe c : poll(ring, 100)) {
                        assertTrue(c.res() > 0, "res=" + c.res());
                        int bid = BufferRing.bufferId(c.flags());
                        long at = b.use(c.res(), c.flags());
                        assertEquals((long) bid * size + filled[bid], at, "bytes follow the previous ones in buffer " + bid);
                        got.write(b.buffers().asSlice(at, c.res()).toArray(ValueLayout.JAVA_BYTE));
                        filled[bid] += c.res();
                        if (BufferRing.bufferMore(c.flags())) {
                            bufMore++;
                            assertTrue(filled[bid] < size, "a buffer with room left stays the kernel's");
                        } else {
                            assertEquals(size, filled[bid], "a buffer is the caller's once full");
                            filled[bid] = 0;
                            b.recycle(bid);
                        }
                    }
                }
            }
            assertArrayEquals(sent, got.toByteArray());
            assertTrue(bufMore >= 4, "several completions shared a buffer: " + bufMore);
        }
    }

    @Test
    void aKernelAllocatedRingIsMappedAndAReceivePicksABufferOnlyWhenBytesArrive() throws Exception {
        Fixtures.require("register/PBUF_RING_MMAP", IoUringFeatures.missingBufferRing(BufferRing.IOU_PBUF_RING_MMAP));
        byte[] sent = random(300, 4);
        try (Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            BufferRing b = ring.registerBufferRing(5, 4, 512, BufferRing.IOU_PBUF_RING_MMAP);
            ring.prepRecvSelect(tcp.server(), b, 0, 0, 0, RECV);
            assertEquals(0, ring.submitAndWait(1, 20, TimeUnit.MILLISECONDS), "nothing arrived yet");
            assertEquals(0, b.held());
            send(tcp.client(), sent, 0, sent.length);
            List<Cqe> c = poll(ring, 5000);
            assertEquals(1, c.size());
            assertEquals(300, c.getFirst().res());
            assertFalse(c.getFirst().more());
            long at = b.use(300, c.getFirst().flags());
            assertArrayEquals(sent, b.buffers().asSlice(at, 300).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(1, b.held());
        }
    }

    @Test
    void closingWhileAReceivePicksFromItIsRefusedThenAllowed() throws Exception {
        Fixtures.require("recv/MULTISHOT", IoUringFeatures.missingRecvMultishot());
        Fixtures.requireOps(Opcode.IORING_OP_ASYNC_CANCEL);
        try (Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            BufferRing b = ring.registerBufferRing(6, 2, 64, 0);
            long token = ring.prepRecvMultishot(tcp.server(), b, 0, 0, RECV);
            ring.submit();
            var e = assertThrows(IllegalStateException.class, b::close);
            assertTrue(e.getMessage().contains("is in flight"), e.getMessage());
            ring.prepCancel(token, 0, 0, 99);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (ring.inFlight() > 0) {
                assertTrue(System.nanoTime() < deadline);
                ring.submitAndWait(1, 100, TimeUnit.MILLISECONDS);
                ring.complete((res, flags, userData) -> { });
            }
            b.close();
            assertTrue(b.isClosed());
            b.close();
            // its group id is free again
            ring.registerBufferRing(6, 2, 64, 0);
        }
    }

    @Test
    void misuseIsNamed() throws Exception {
        try (IoUring ring = IoUring.open(2); IoUring other = IoUring.open(2)) {
            BufferRing b = ring.registerBufferRing(7, 2, 64, 0);
            var e = assertThrows(IllegalStateException.class, () -> b.recycle(0));
            assertTrue(e.getMessage().contains("not held by the caller"), e.getMessage());
            var i = assertThrows(IllegalArgumentException.class, () -> b.use(10, 0));
            assertTrue(i.getMessage().contains("no provided buffer"), i.getMessage());
            assertThrows(IllegalStateException.class, () -> ring.registerBufferRing(7, 2, 64, 0));
            i = assertThrows(IllegalArgumentException.class, () -> ring.registerBufferRing(8, 3, 64, 0));
            assertTrue(i.getMessage().contains("power of two"), i.getMessage());
            i = assertThrows(IllegalArgumentException.class, () -> other.prepRecvMultishot(0, b, 0, 0, 1));
            assertTrue(i.getMessage().contains("not registered with this ring"), i.getMessage());
            assertEquals(0, other.inFlight());
        }
    }
}
