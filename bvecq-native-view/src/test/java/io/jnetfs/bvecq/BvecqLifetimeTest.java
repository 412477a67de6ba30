package io.jnetfs.bvecq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad use gives a clear exception, never a crash or a read of freed native memory. */
class BvecqLifetimeTest {
    private FolioPool pool;

    @BeforeEach
    void pool() {
        pool = new FolioPool(16L << 20);
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void aClosedIteratorRefusesUseAndItsScratchArrayIsReused() {
        BvecqBuffer b = BvecqBuffer.allocate(pool, 3 * 4096, 4096);
        BvecqIter it = new BvecqIter().init(b, 1, 4096); // a partial first entry: the scratch array
        assertTrue(it.nextIov(4096) > 0 && !it.iovDirect());
        int free = IovecArrayPool.freeCount(IovecDescriptor.IOV_MAX);
        it.close();
        it.close(); // idempotent: the array goes back once
        assertEquals(free + 1, IovecArrayPool.freeCount(IovecDescriptor.IOV_MAX));
        assertThrows(IllegalStateException.class, () -> it.init(b, 0, 1));
        for (int i = 0; i < 1000; i++) { // no arena per iterator: closing never frees, the pool reuses
            new BvecqIter().close();
        }
        assertEquals(free + 1, IovecArrayPool.freeCount(IovecDescriptor.IOV_MAX));
        b.release();
    }

    @Test
    void useAfterReleaseThrows() {
        BvecqBuffer b = BvecqBuffer.allocate(pool, 10000, 4096);
        Bvecq head = b.head();
        b.release();
        IllegalStateException e = assertThrows(IllegalStateException.class, b::length);
        assertTrue(e.getMessage().contains("after release"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> b.zero(0, 1));
        assertThrows(IllegalStateException.class, head::bv);
        assertThrows(IllegalStateException.class, () -> head.append(4096, 1, null));
        assertFalse(head.isLive());
        assertEquals(0, pool.leasedBytes());
    }

    @Test
    void doubleReleaseThrows() {
        BvecqBuffer b = BvecqBuffer.allocate(pool, 100, 4096);
        b.release();
        IllegalStateException e = assertThrows(IllegalStateException.class, b::release);
        assertTrue(e.getMessage().contains("released twice"), e.getMessage());
        b.close(); // close after release is a no-op
    }

    @Test
    void segmentPutTwiceThrows() {
        Bvecq s = Bvecq.allocate(4, MemType.EXTERNAL);
        s.put(RefTrace.NEW);
        assertThrows(IllegalStateException.class, () -> s.put(RefTrace.NEW));
        assertThrows(IllegalStateException.class, () -> s.get(RefTrace.POS));
    }

    @Test
    void sliceBeyondTheChainThrows() {
        try (BvecqBuffer b = BvecqBuffer.allocate(pool, 100, 4096)) {
            assertThrows(IndexOutOfBoundsException.class, () -> b.slice(50, 51));
            assertThrows(IndexOutOfBoundsException.class, () -> b.slice(-1, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> b.copyWithHeaderTrailer(0, 101, null, null));
        }
    }

    @Test
    void revertPastTheStartThrows() {
        try (BvecqBuffer b = BvecqBuffer.allocate(pool, 20000, 4096); BvecqIter it = new BvecqIter()) {
            it.init(b, 5000, 10000);
            it.advance(3000);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> it.revert(3001));
            assertTrue(e.getMessage().contains("only 3000 bytes were advanced"), e.getMessage());
            it.revert(3000);
            assertEquals(10000, it.count());
            assertThrows(IllegalArgumentException.class, () -> it.advance(10001));
        }
    }

    @Test
    void moreThan65535SlotsPerSegmentThrows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bvecq.allocate(65536, MemType.EXTERNAL));
        assertTrue(e.getMessage().contains("max_slots=65536"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BvecqBuffer(70000));
        Bvecq s = Bvecq.allocate(2, MemType.EXTERNAL);
        s.append(4096, 1, null);
        s.append(8192, 1, null);
        assertThrows(IllegalStateException.class, () -> s.append(12288, 1, null));
        s.put(RefTrace.NEW);
    }

    @Test
    void aSliceKeepsPooledMemoryAliveAfterTheChainIsReleased() {
        BvecqBuffer b = BvecqBuffer.allocate(pool, 3 * 4096, 4096);
        b.copyFrom(new byte[] {1, 2, 3}, 0, 4096, 3);
        BvecqBuffer s = b.slice(4096, 3);
        b.release();
        assertTrue(pool.leasedBytes() >= 4096, "the sliced folio is still leased");
        byte[] out = new byte[3];
        s.copyTo(0, out, 0, 3);
        assertEquals(2, out[1]);
        s.release();
        assertEquals(0, pool.leasedBytes());
    }

    @Test
    void aPositionKeepsItsSegmentAliveAfterDeleteSpent() {
        BvecqBuffer b = new BvecqBuffer(2);
        b.expand(pool, 6 * 4096, 4096); // 3 segments of 2 slots
        assertEquals(3, b.segmentCount());
        BvecqPos p = b.pos(5 * 4096);
        Bvecq third = p.segment();
        assertEquals(4 * 4096, b.deleteSpent(p));
        assertEquals(1, b.segmentCount());
        assertEquals(2 * 4096, b.length());
        assertEquals(4 * 4096, b.fpos());
        b.release();
        assertTrue(third.isLive(), "the position still holds its segment");
        p.close();
        assertFalse(third.isLive());
        assertEquals(0, pool.leasedBytes());
    }

    @Test
    void heapArraysAreCopiedAndSaySo() {
        byte[] heap = {9, 8, 7};
        try (BvecqBuffer b = BvecqBuffer.extract(pool, heap, 0, 3)) {
            assertTrue(b.copied());
            heap[0] = 0;
            assertEquals(9, b.byteAt(0));
        }
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment direct = a.allocate(10);
            try (BvecqBuffer b = BvecqBuffer.extract(pool, direct)) {
                assertFalse(b.copied());
                direct.set(ValueLayout.JAVA_BYTE, 2, (byte) 5);
                assertEquals(5, b.byteAt(2));
            }
            try (BvecqBuffer b = BvecqBuffer.extract(pool, java.nio.ByteBuffer.allocateDirect(10), java.nio.ByteBuffer.wrap(heap))) {
                assertTrue(b.copied());
                assertEquals(13, b.length());
            }
        }
    }

    @Test
    void closedPoolMakesStaleFolioAccessFail() {
        Folio f = pool.allocate(4096);
        MemorySegment m = f.segment();
        pool.close();
        assertThrows(IllegalStateException.class, () -> m.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> pool.allocate(4096));
    }
}
