package io.jnetfs.fiemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Cutting byte runs into whole granules, and the lookups on the answer. */
class GranuleRangesTest {
    private static final int SHIFT = 12;

    @Test
    void runsAreMergedThenCutIntoWholeGranules() {
        GranuleRanges r = new GranuleRanges(1);
        r.begin(GranuleRanges.Source.FIEMAP, 0, 100, SHIFT, 100 * 4096);
        r.addData(0, 4096);
        r.addData(4096, 3 * 4096 - 1);     // touches the first: one run [0, 12287)
        r.addData(5 * 4096 + 1, 8 * 4096); // granule 5 partial: [6, 8)
        r.addData(7 * 4096, 9 * 4096);     // overlaps: [6, 9)
        r.addData(20 * 4096, 20 * 4096);   // empty
        r.addData(30 * 4096, 31 * 4096);
        r.finish();
        assertEquals("GranuleRanges[FIEMAP window=[0, 100) granule=4096: [0, 2) [6, 9) [30, 31)]", r.toString());
        assertEquals(3, r.count());
        assertEquals(6, r.dataGranules());
        assertTrue(r.isPresent(0));
        assertTrue(r.isPresent(8));
        assertFalse(r.isPresent(2));
        assertFalse(r.isPresent(9));
        assertFalse(r.isPresent(-1));
        assertTrue(r.allPresent(6, 9));
        assertTrue(r.allPresent(4, 4));
        assertFalse(r.allPresent(5, 9));
        assertFalse(r.allPresent(0, 3));
        assertThrows(IllegalArgumentException.class, () -> r.allPresent(3, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> r.start(3));
    }

    @Test
    void theWindowAndTheEndOfFileClip() {
        GranuleRanges r = new GranuleRanges();
        // file of 10000 bytes: granule 2 is cut by the end of the file at 10000
        r.begin(GranuleRanges.Source.SEEK, 1, 3, SHIFT, 10_000);
        r.addData(0, 10_000);
        r.finish();
        assertEquals("GranuleRanges[SEEK window=[1, 3) granule=4096: [1, 3)]", r.toString());
        // a run ending before the end of the file does not complete the tail granule
        r.begin(GranuleRanges.Source.SEEK, 0, 3, SHIFT, 10_000);
        r.addData(0, 9_000);
        r.finish();
        assertEquals(2, r.end(0));
        // bytes at or past the end of the file never count
        r.begin(GranuleRanges.Source.FIEMAP, 0, 10, SHIFT, 8192);
        r.addData(8192, 40960);
        r.finish();
        assertEquals(0, r.count());
        assertTrue(r.isKnown());
        r.unknown(0, 10, SHIFT);
        assertFalse(r.isKnown());
        assertEquals(GranuleRanges.Source.UNKNOWN, r.source());
    }

    @Test
    void growsAndIsReused() {
        GranuleRanges r = new GranuleRanges(1);
        r.begin(GranuleRanges.Source.FIEMAP, 0, 1000, SHIFT, 1000L * 4096);
        for (int i = 0; i < 500; i++) {
            r.addData(2L * i * 4096, (2L * i + 1) * 4096);
        }
        r.finish();
        assertEquals(500, r.count());
        assertEquals(998, r.start(499));
        r.begin(GranuleRanges.Source.FIEMAP, 0, 1000, SHIFT, 1000L * 4096);
        r.finish();
        assertEquals(0, r.count());
        assertThrows(IllegalArgumentException.class, () -> new GranuleRanges(0));
    }
}
