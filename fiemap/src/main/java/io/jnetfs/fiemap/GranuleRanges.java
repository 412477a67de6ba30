package io.jnetfs.fiemap;

import java.util.Arrays;
import java.util.Objects;

/**
 * The answer of a {@link CacheOccupancy} query: the granules of a window {@code [windowStart,
 * windowEnd)} of a cache file that hold data, as sorted, disjoint, non-adjacent half-open ranges
 * {@code [start(i), end(i))} in granule units (granule {@code g} is bytes
 * {@code [g * granuleSize, (g + 1) * granuleSize)} of the file).
 *
 * <p>A granule is listed only when every byte of it below the end of the file is data; see
 * {@link CacheOccupancy} for what counts as data. Every granule of the window that is not listed is
 * absent. When {@link #isKnown()} is false the kernel could not say (no FIEMAP and no usable
 * SEEK_DATA): there are no ranges, and the cache must treat the whole window as absent.
 *
 * <pre>
 *   granule:   0    1    2    3    4    5    6    7          window [0, 8)
 *   bytes:   |DDDD|DDDD|DD..|....|..DD|DDDD|DDD.|            D data, . hole
 *   ranges:  [0, 2)                     [5, 6)               count() == 2
 * </pre>
 *
 * <p>Reusable: each query clears it and fills it again, growing the arrays only when an answer has
 * more ranges than any before, so a long-lived instance reaches a steady state with no allocation.
 * Not safe for concurrent use.
 */
public final class GranuleRanges {
    /** Which implementation produced an answer. */
    public enum Source {
        /** Nothing could answer: the window is to be treated as absent. */
        UNKNOWN,
        /** The FS_IOC_FIEMAP ioctl. */
        FIEMAP,
        /** lseek with SEEK_DATA and SEEK_HOLE. */
        SEEK,
    }

    private static final int DEFAULT_CAPACITY = 16;

    private long[] starts;
    private long[] ends;
    private int count;
    private Source source = Source.UNKNOWN;
    private long windowStart;
    private long windowEnd;
    private long granuleSize;

    // the query being filled: window in bytes, file size, granule shift, pending data run
    private int shift;
    private long fileSize;
    private long runStart;
    private long runEnd;

    /** An empty answer (unknown, no ranges) with room for 16 ranges. */
    public GranuleRanges() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * An empty answer (unknown, no ranges).
     *
     * @param capacity ranges held before the arrays grow
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public GranuleRanges(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("invalid capacity=" + capacity);
        }
        starts = new long[capacity];
        ends = new long[capacity];
    }

    /** @return the number of ranges */
    public int count() {
        return count;
    }

    /**
     * @param i range index, {@code 0 <= i < count()}
     * @return the first granule of range {@code i}
     */
    public long start(int i) {
        return starts[Objects.checkIndex(i, count)];
    }

    /**
     * @param i range index, {@code 0 <= i < count()}
     * @return the granule after range {@code i}
     */
    public long end(int i) {
        return ends[Objects.checkIndex(i, count)];
    }

    /** @return whether the kernel answered; false means "treat the whole window as absent" */
    public boolean isKnown() {
        return source != Source.UNKNOWN;
    }

    /** @return the implementation that answered, or {@link Source#UNKNOWN} */
    public Source source() {
        return source;
    }

    /** @return the first granule of the queried window */
    public long windowStart() {
        return windowStart;
    }

    /** @return the granule after the queried window */
    public long windowEnd() {
        return windowEnd;
    }

    /** @return the granule size of the query, in bytes */
    public long granuleSize() {
        return granuleSize;
    }

    /** @return the number of granules listed as data */
    public long dataGranules() {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += ends[i] - starts[i];
        }
        return sum;
    }

    /**
     * @param granule a granule number
     * @return whether it is listed as data (false outside the window and when unknown)
     */
    public boolean isPresent(long granule) {
        int i = indexOf(granule);
        return i >= 0;
    }

    /**
     * @param start first granule
     * @param end granule after the last, {@code >= start}
     * @return whether every granule of {@code [start, end)} is listed as data (true when empty)
     */
    public boolean allPresent(long start, long end) {
        if (end < start) {
            throw new IllegalArgumentException("invalid end=" + end + " < start=" + start);
        }
        if (start == end) {
            return true;
        }
        int i = indexOf(start);
        return i >= 0 && ends[i] >= end;
    }

    /** Binary search: the range holding {@code granule}, or -1. */
    private int indexOf(long granule) {
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] <= granule) {
                lo = mid + 1;
            } else if (starts[mid] > granule) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    // ---- filling (package-private: the CacheOccupancy implementations) ----------------------------

    /** Starts an answer for a window; until {@link #finish()} the ranges are being built. */
    void begin(Source source, long windowStart, long windowEnd, int shift, long fileSize) {
        this.source = source;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.granuleSize = 1L << shift;
        this.shift = shift;
        this.fileSize = fileSize;
        this.count = 0;
        this.runStart = -1;
        this.runEnd = -1;
    }

    /** Marks the answer unknown: no ranges. */
    void unknown(long windowStart, long windowEnd, int shift) {
        begin(Source.UNKNOWN, windowStart, windowEnd, shift, 0);
    }

    /**
     * Adds bytes {@code [from, to)} as data. Calls come in ascending {@code from}; overlapping and
     * touching byte ranges are merged before they are cut into granules, so a granule spanning two
     * adjacent extents counts.
     */
    void addData(long from, long to) {
        if (to <= from) {
            return;
        }
        if (runStart >= 0 && from <= runEnd) {
            if (to > runEnd) {
                runEnd = to;
            }
            return;
        }
        flush();
        runStart = from;
        runEnd = to;
    }

    /** Ends the answer: the pending byte run becomes granules. */
    void finish() {
        flush();
        runStart = -1;
        runEnd = -1;
    }

    /**
     * Cuts the pending byte run into whole granules: a granule partly covered does not count, except
     * the granule holding the end of the file, which counts when the run reaches the end of the file.
     */
    private void flush() {
        if (runStart < 0) {
            return;
        }
        final long size = fileSize;
        final long to = Math.min(runEnd, size);
        final long from = runStart;
        if (from >= to) {
            return;
        }
        final long mask = (1L << shift) - 1;
        long gs = (from >>> shift) + ((from & mask) != 0 ? 1 : 0);
        long ge = to == size ? (size >>> shift) + ((size & mask) != 0 ? 1 : 0) : to >>> shift;
        gs = Math.max(gs, windowStart);
        ge = Math.min(ge, windowEnd);
        if (gs >= ge) {
            return;
        }
        int n = count;
        if (n > 0 && ends[n - 1] >= gs) {
            ends[n - 1] = Math.max(ends[n - 1], ge);
            return;
        }
        if (n == starts.length) {
            int capacity = n * 2;
            starts = Arrays.copyOf(starts, capacity);
            ends = Arrays.copyOf(ends, capacity);
        }
        starts[n] = gs;
        ends[n] = ge;
        count = n + 1;
    }

    /** @return for example {@code GranuleRanges[FIEMAP window=[0, 8) granule=4096: [0, 2) [5, 6)]} */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("GranuleRanges[").append(source)
                .append(" window=[").append(windowStart).append(", ").append(windowEnd)
                .append(") granule=").append(granuleSize).append(':');
        for (int i = 0; i < count; i++) {
            b.append(" [").append(starts[i]).append(", ").append(ends[i]).append(')');
        }
        return b.append(']').toString();
    }
}
