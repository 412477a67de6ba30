package io.jnetfs.fiemap;

import java.util.Arrays;
import java.util.Objects;

/**
 * The extents of one FIEMAP query, in primitive arrays: extent {@code i} is
 * {@code (logical(i), physical(i), length(i), flags(i))}, all offsets and lengths in bytes, in the
 * order the kernel returned them (ascending logical offset). Only mapped ranges appear; the gaps
 * between extents are holes.
 *
 * <p>An {@code Extents} is reusable: {@link Fiemap#query(int, long, long, int, Extents)} clears it and
 * fills it again, growing the arrays only when a file has more extents than any earlier answer, so a
 * long-lived instance reaches a steady state with no allocation. Not safe for concurrent use.
 */
public final class Extents implements ExtentSink {
    private static final int DEFAULT_CAPACITY = 16;

    private long[] logical;
    private long[] physical;
    private long[] length;
    private int[] flags;
    private int count;
    private long start;
    private long requestedLength;
    private int requestFlags;

    /** An empty result with room for 16 extents. */
    public Extents() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * An empty result.
     *
     * @param capacity the number of extents it holds before it grows
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public Extents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("invalid capacity=" + capacity);
        }
        logical = new long[capacity];
        physical = new long[capacity];
        length = new long[capacity];
        flags = new int[capacity];
    }

    /**
     * Forgets every extent and records the query about to fill this result.
     *
     * @param start the queried start, in bytes
     * @param requestedLength the queried length, in bytes
     * @param requestFlags the FIEMAP_FLAG_* bits of the query
     */
    void reset(long start, long requestedLength, int requestFlags) {
        this.count = 0;
        this.start = start;
        this.requestedLength = requestedLength;
        this.requestFlags = requestFlags;
    }

    /** Appends one extent; used by {@link Fiemap} while it reads the native buffer. */
    @Override
    public void extent(long logical, long physical, long length, int flags) {
        int n = count;
        if (n == this.logical.length) {
            grow();
        }
        this.logical[n] = logical;
        this.physical[n] = physical;
        this.length[n] = length;
        this.flags[n] = flags;
        count = n + 1;
    }

    private void grow() {
        int capacity = Math.max(DEFAULT_CAPACITY, logical.length * 2);
        logical = Arrays.copyOf(logical, capacity);
        physical = Arrays.copyOf(physical, capacity);
        length = Arrays.copyOf(length, capacity);
        flags = Arrays.copyOf(flags, capacity);
    }

    /** @return the number of extents */
    public int count() {
        return count;
    }

    /**
     * @param i extent index, {@code 0 <= i < count()}
     * @return {@code fe_logical}: byte offset of the extent in the file
     */
    public long logical(int i) {
        return logical[Objects.checkIndex(i, count)];
    }

    /**
     * @param i extent index
     * @return {@code fe_physical}: byte offset on the device (0 or meaningless when
     *     {@link FiemapExtentFlags#FIEMAP_EXTENT_UNKNOWN} is set)
     */
    public long physical(int i) {
        return physical[Objects.checkIndex(i, count)];
    }

    /**
     * @param i extent index
     * @return {@code fe_length}: length in bytes
     */
    public long length(int i) {
        return length[Objects.checkIndex(i, count)];
    }

    /**
     * @param i extent index
     * @return {@code fe_logical + fe_length}: the byte after the extent
     */
    public long end(int i) {
        return logical(i) + length[i];
    }

    /**
     * @param i extent index
     * @return {@code fe_flags}: {@link FiemapExtentFlags FIEMAP_EXTENT_*} bits
     */
    public int flags(int i) {
        return flags[Objects.checkIndex(i, count)];
    }

    /**
     * @param i extent index
     * @param flag one or more FIEMAP_EXTENT_* bits
     * @return whether extent {@code i} has all of them
     */
    public boolean has(int i, int flag) {
        return (flags(i) & flag) == flag;
    }

    /** @return whether the last extent carries {@link FiemapExtentFlags#FIEMAP_EXTENT_LAST} */
    public boolean endsWithLast() {
        return count > 0 && (flags[count - 1] & FiemapExtentFlags.FIEMAP_EXTENT_LAST) != 0;
    }

    /** @return the sum of the extents' lengths, in bytes */
    public long totalLength() {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += length[i];
        }
        return sum;
    }

    /** @return the start of the query that produced this result, in bytes */
    public long start() {
        return start;
    }

    /** @return the length of the query that produced this result, in bytes */
    public long requestedLength() {
        return requestedLength;
    }

    /** @return the FIEMAP_FLAG_* bits of the query that produced this result */
    public int requestFlags() {
        return requestFlags;
    }

    /** @return one line per extent: {@code [logical, end) physical=... flags=NAMES} */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Extents[count=").append(count).append(']');
        for (int i = 0; i < count; i++) {
            b.append("\n  [").append(logical[i]).append(", ").append(logical[i] + length[i])
                    .append(") physical=").append(physical[i])
                    .append(" flags=").append(FiemapExtentFlags.names(flags[i]));
        }
        return b.toString();
    }
}
