package io.jnetfs.benchmarks.support;

import io.jnetfs.ffm.gen.iovec;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GatherBuffersTest {
    @Test
    void nioBuffersAndIovecsDescribeTheSamePageAlignedMemory() {
        try (GatherBuffers b = GatherBuffers.ofShape("4x8192")) {
            assertEquals(4, b.iovcnt());
            assertEquals(8192, b.iovlen());
            assertEquals(4 * 8192, b.totalBytes());
            for (int i = 0; i < 4; i++) {
                ByteBuffer bb = b.buffers()[i];
                long base = iovec.iov_base(iovec.asSlice(b.iov(), i)).address();
                assertEquals(0, base % GatherBuffers.PAGE);
                assertEquals(8192, iovec.iov_len(iovec.asSlice(b.iov(), i)));
                assertEquals(base, MemorySegment.ofBuffer(bb).address());
                assertEquals((byte) 0x5a, bb.get(8191));
            }
            b.buffers()[2].position(100);
            b.rewind();
            assertEquals(0, b.buffers()[2].position());
        }
    }

    @Test
    void buffersSmallerThanAPageStartOnAPage() {
        try (GatherBuffers b = new GatherBuffers(1, 64)) {
            assertEquals(64, b.buffers()[0].capacity());
            assertEquals(0, MemorySegment.ofBuffer(b.buffers()[0]).address() % GatherBuffers.PAGE);
            assertEquals(64, b.data().byteSize());
        }
    }

    @Test
    void closeIsIdempotent() {
        GatherBuffers b = new GatherBuffers(1, 4096);
        b.close();
        b.close();
        assertThrows(IllegalStateException.class, () -> iovec.iov_len(b.iov()));
    }

    @Test
    void rejectsBadShapesWithTheirValue() {
        assertEquals("invalid shape=16", assertThrows(IllegalArgumentException.class,
                () -> GatherBuffers.ofShape("16")).getMessage().substring(0, 16));
        assertThrows(IllegalArgumentException.class, () -> GatherBuffers.ofShape("ax4096"));
        assertThrows(IllegalArgumentException.class, () -> new GatherBuffers(0, 4096));
        assertThrows(IllegalArgumentException.class, () -> new GatherBuffers(1025, 4096));
        assertThrows(IllegalArgumentException.class, () -> new GatherBuffers(1024, 2 << 20));
    }
}
