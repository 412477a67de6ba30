package io.jnetfs.netfs;

import io.jnetfs.bvecq.BvecqBuffer;

/**
 * The disk cache's operations for one file (the kernel's {@code struct netfs_cache_ops}): which ranges
 * hold data, reading them, and writing downloaded data. A cache that fails switches itself off for the
 * file ({@link #enabled()} becomes false) and never returns wrong data.
 */
public interface NetfsCache {
    /** @return whether the cache may be used for this file */
    boolean enabled();

    /**
     * Switches the cache off for this file.
     *
     * @param why said once in a warning
     */
    void disable(String why);

    /** @return the cache granule: the unit in which occupancy is tracked */
    long granule();

    /**
     * The ranges of {@code [start, end)} that hold valid data, granule aligned, as pairs
     * {@code [s0, e0, s1, e1, ...]} into {@code out}.
     *
     * @return the number of ranges, or -1 if unknown (treat as absent)
     */
    int queryOccupancy(long start, long end, long[] out);

    /**
     * Reads {@code subreq.remaining()} bytes at {@code subreq.position()} into {@code subreq.iter()};
     * terminates the subrequest.
     *
     * @param subreq a subrequest sourced from the cache
     */
    void read(NetfsIoSubrequest subreq);

    /**
     * Writes {@code data} at {@code fpos} in the background, then releases {@code data} (the buffer is
     * handed over).
     *
     * @param fpos the file position of data's first byte
     * @param data a buffer the cache now owns
     */
    void write(long fpos, BvecqBuffer data);

    /**
     * Writes {@code subreq.remaining()} bytes of {@code subreq.iter()} at {@code subreq.position()} (the
     * cache stream of writeback); terminates the subrequest.
     *
     * @param subreq a subrequest of the cache stream
     */
    void writeSubreq(NetfsIoSubrequest subreq);

    /**
     * Forgets what is cached of {@code [start, end)} (a direct write went around the cache).
     *
     * @param start the first byte
     * @param end the byte after the range
     */
    void invalidateRange(long start, long end);

    /** Waits until the background writes issued so far are done (tests, shutdown). */
    void drain();

    /**
     * Forgets everything cached for the file (the server's copy changed, or it was truncated).
     */
    void invalidate();
}
