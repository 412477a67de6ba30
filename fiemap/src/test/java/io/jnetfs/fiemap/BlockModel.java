package io.jnetfs.fiemap;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What an extent-based filesystem with 4 KiB blocks holds after writes, hole punches and truncations
 * (no preallocation): which blocks are data, and the file size. From it, the granule ranges the
 * {@link CacheOccupancy} rules say are present, computed the slow, obvious way.
 */
final class BlockModel {
    private static final long B = TestFiles.BLOCK;

    private final BitSet data = new BitSet();
    private long size;

    long size() {
        return size;
    }

    /** A write makes every block it touches data. */
    void write(long offset, long length) {
        data.set(Math.toIntExact(offset / B), Math.toIntExact(Math.ceilDiv(offset + length, B)));
        size = Math.max(size, offset + length);
    }

    /**
     * A punched hole frees only the blocks it covers whole; partial blocks are zeroed but stay data.
     * A punch that runs past the end of the file reaches the end of the page holding the last byte
     * (ext4_punch_hole extends it so), so the file's last, partial block is freed too.
     */
    void punch(long offset, long length) {
        long end = offset + length;
        if (end > size) {
            end = Math.max(end, (size / B + 1) * B);
        }
        long from = Math.ceilDiv(offset, B);
        long to = end / B;
        if (from < to) {
            data.clear(Math.toIntExact(from), Math.toIntExact(to));
        }
    }

    /** Truncation frees the blocks past the new end; growing adds a hole. */
    void truncate(long newSize) {
        int from = Math.toIntExact(Math.ceilDiv(newSize, B));
        data.clear(from, Math.max(from, data.length()));
        size = newSize;
    }

    /** The present granules of {@code [start, end)} as {start, end} pairs. */
    List<long[]> ranges(long granule, long start, long end) {
        List<long[]> out = new ArrayList<>();
        for (long g = start; g < end; g++) {
            long from = g * granule;
            if (from >= size) {
                break;
            }
            long to = Math.min(from + granule, size);
            boolean present = true;
            for (long b = from / B; b < Math.ceilDiv(to, B); b++) {
                present &= data.get(Math.toIntExact(b));
            }
            if (!present) {
                continue;
            }
            if (!out.isEmpty() && out.getLast()[1] == g) {
                out.getLast()[1] = g + 1;
            } else {
                out.add(new long[] {g, g + 1});
            }
        }
        return out;
    }

    /** The ranges of an answer as {start, end} pairs, for comparison with {@link #ranges}. */
    static List<long[]> ranges(GranuleRanges r) {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < r.count(); i++) {
            out.add(new long[] {r.start(i), r.end(i)});
        }
        return out;
    }

    static String show(List<long[]> ranges) {
        StringBuilder b = new StringBuilder();
        for (long[] r : ranges) {
            b.append('[').append(r[0]).append(", ").append(r[1]).append(") ");
        }
        return b.toString();
    }
}
