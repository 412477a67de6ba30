package io.jnetfs.bvecq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Positions: set, unset, transfer, move, step and advance, with the references they hold. */
class BvecqPosTest {
    private FolioPool pool;
    private BvecqBuffer chain;

    @BeforeEach
    void chain() {
        pool = new FolioPool(8L << 20);
        chain = new BvecqBuffer(2);
        chain.expand(pool, 5 * 4096 - 100, 4096); // segments: [4096, 4096] [4096, 4096] [3996]
    }

    @AfterEach
    void release() {
        chain.close();
        assertEquals(0, pool.leasedBytes());
        pool.close();
    }

    @Test
    void setTakesAReferenceAndUnsetPutsIt() {
        Bvecq head = chain.head();
        int before = head.refs();
        BvecqPos p = new BvecqPos().set(head, 1, 10);
        assertEquals(before + 1, head.refs());
        assertEquals(1, p.slot());
        assertEquals(10, p.offset());
        p.unset();
        p.unset(); // idempotent
        assertEquals(before, head.refs());
        assertFalse(p.isSet());
        assertThrows(IllegalArgumentException.class, () -> p.set(head, -1, 0));
    }

    @Test
    void transferMovesTheReferenceAndMoveTakesItsOwn() {
        Bvecq head = chain.head();
        int before = head.refs();
        BvecqPos a = new BvecqPos().set(head, 0, 5);
        BvecqPos b = new BvecqPos().transfer(a);
        assertFalse(a.isSet());
        assertEquals(before + 1, head.refs(), "transfer keeps one reference");
        assertEquals(5, b.offset());
        BvecqPos c = new BvecqPos().move(b);
        assertEquals(before + 2, head.refs(), "move takes its own");
        assertEquals(5, c.offset());
        b.close();
        c.close();
        assertEquals(before, head.refs());
    }

    @Test
    void stepCrossesSegmentsAndStopsAtTheEnd() {
        BvecqPos p = chain.pos(0);
        Bvecq first = p.segment();
        assertTrue(p.step());
        assertSame(first, p.segment());
        assertEquals(1, p.slot());
        assertTrue(p.step());
        assertSame(first.next(), p.segment(), "into the next segment");
        assertEquals(0, p.slot());
        assertTrue(p.step());
        assertTrue(p.step());
        assertEquals(0, p.slot());
        assertFalse(p.step(), "no slot after the last");
        p.close();
    }

    @Test
    void advanceCountsBytesAcrossSlotsAndSegments() {
        BvecqPos p = chain.pos(100);
        assertEquals(10_000, p.advance(10_000));
        // 100 + 10000 = 10100 = 2 * 4096 + 1908: third slot, i.e. segment 1 slot 0
        assertSame(chain.head().next(), p.segment());
        assertEquals(0, p.slot());
        assertEquals(1908, p.offset());
        assertEquals(5 * 4096 - 100 - 10_100, p.advance(1 << 20), "stops at the end of the chain");
        assertThrows(IllegalArgumentException.class, () -> p.advance(-1));
        p.close();
        assertThrows(IllegalStateException.class, () -> p.advance(1));
    }
}
