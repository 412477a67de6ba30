package io.jnetfs.fiemap;

import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_DATA_ENCRYPTED;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_DATA_INLINE;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_DATA_TAIL;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_DELALLOC;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_ENCODED;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_LAST;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_MERGED;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_NOT_ALIGNED;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_SHARED;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_UNKNOWN;
import static io.jnetfs.fiemap.FiemapExtentFlags.FIEMAP_EXTENT_UNWRITTEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The flag table against the values in {@code include/uapi/linux/fiemap.h}, and its decoding. */
class FiemapExtentFlagsTest {
    @Test
    void valuesAreTheKernels() {
        assertEquals(0x1, FIEMAP_EXTENT_LAST);
        assertEquals(0x2, FIEMAP_EXTENT_UNKNOWN);
        assertEquals(0x4, FIEMAP_EXTENT_DELALLOC);
        assertEquals(0x8, FIEMAP_EXTENT_ENCODED);
        assertEquals(0x80, FIEMAP_EXTENT_DATA_ENCRYPTED);
        assertEquals(0x100, FIEMAP_EXTENT_NOT_ALIGNED);
        assertEquals(0x200, FIEMAP_EXTENT_DATA_INLINE);
        assertEquals(0x400, FIEMAP_EXTENT_DATA_TAIL);
        assertEquals(0x800, FIEMAP_EXTENT_UNWRITTEN);
        assertEquals(0x1000, FIEMAP_EXTENT_MERGED);
        assertEquals(0x2000, FIEMAP_EXTENT_SHARED);
        assertEquals(0x3F8F, FiemapExtentFlags.KNOWN_FLAGS);
        assertEquals(1, Fiemap.FIEMAP_FLAG_SYNC);
        assertEquals(2, Fiemap.FIEMAP_FLAG_XATTR);
        assertEquals(4, Fiemap.FIEMAP_FLAG_CACHE);
    }

    @Test
    void everyFlagDecodesToItsKernelName() {
        assertEquals("FIEMAP_EXTENT_LAST", FiemapExtentFlags.name(FIEMAP_EXTENT_LAST));
        assertEquals("FIEMAP_EXTENT_DATA_ENCRYPTED", FiemapExtentFlags.name(FIEMAP_EXTENT_DATA_ENCRYPTED));
        assertEquals("FIEMAP_EXTENT_SHARED", FiemapExtentFlags.name(FIEMAP_EXTENT_SHARED));
        assertThrows(IllegalArgumentException.class, () -> FiemapExtentFlags.name(0x4000));
        assertThrows(IllegalArgumentException.class, () -> FiemapExtentFlags.name(3));
        assertEquals("", FiemapExtentFlags.names(0));
        assertEquals("LAST|UNKNOWN|DELALLOC", FiemapExtentFlags.names(0x7));
        assertEquals("LAST|UNKNOWN|DELALLOC|ENCODED|DATA_ENCRYPTED|NOT_ALIGNED|DATA_INLINE|DATA_TAIL"
                + "|UNWRITTEN|MERGED|SHARED", FiemapExtentFlags.names(FiemapExtentFlags.KNOWN_FLAGS));
        assertEquals("SHARED|0x10|0x4000", FiemapExtentFlags.names(FIEMAP_EXTENT_SHARED | 0x4000 | 0x10));
    }

    @Test
    void filefragWords() {
        assertEquals("last,unknown_loc,delalloc", FiemapExtentFlags.filefragNames(0x7));
        assertEquals("last,unknown_loc,delalloc,encoded,encrypted,not_aligned,inline,tail_packed,unwritten,merged,shared",
                FiemapExtentFlags.filefragNames(FiemapExtentFlags.KNOWN_FLAGS));
        assertEquals("0x10,0x80000000", FiemapExtentFlags.filefragNames(0x10 | 0x8000_0000));
    }

    @Test
    void occupancyRuleForEachFlag() {
        assertTrue(FiemapOccupancy.countsAsData(0, false));
        assertTrue(FiemapOccupancy.countsAsData(FIEMAP_EXTENT_LAST | FIEMAP_EXTENT_SHARED | FIEMAP_EXTENT_ENCODED
                | FIEMAP_EXTENT_DATA_ENCRYPTED | FIEMAP_EXTENT_NOT_ALIGNED | FIEMAP_EXTENT_DATA_INLINE
                | FIEMAP_EXTENT_DATA_TAIL | FIEMAP_EXTENT_MERGED, false));
        assertFalse(FiemapOccupancy.countsAsData(FIEMAP_EXTENT_UNWRITTEN, false));
        assertFalse(FiemapOccupancy.countsAsData(FIEMAP_EXTENT_UNWRITTEN, true));
        assertFalse(FiemapOccupancy.countsAsData(FIEMAP_EXTENT_DELALLOC | FIEMAP_EXTENT_UNKNOWN, false));
        assertFalse(FiemapOccupancy.countsAsData(FIEMAP_EXTENT_UNKNOWN, false));
        assertTrue(FiemapOccupancy.countsAsData(FIEMAP_EXTENT_DELALLOC | FIEMAP_EXTENT_UNKNOWN, true));
        assertTrue(FiemapOccupancy.countsAsData(FIEMAP_EXTENT_UNKNOWN, true));
    }
}
