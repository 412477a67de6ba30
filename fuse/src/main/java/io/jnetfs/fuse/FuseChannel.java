package io.jnetfs.fuse;

import java.lang.foreign.MemorySegment;

/**
 * One worker thread's path to the kernel: receives one request at a time into a buffer of its own and
 * sends replies described by an iovec array. Used by one thread only.
 *
 * <p>Results follow the kernel's convention: a length or 0 on success, {@code -errno} on failure.
 */
public interface FuseChannel extends AutoCloseable {
    /** {@link #receive(int)}'s answer when nothing arrived in time: call again. */
    long TIMED_OUT = -11; // -EAGAIN

    /**
     * Waits for the next request, at most {@code timeoutMillis}.
     *
     * @param timeoutMillis how long to wait, at least 0
     * @return the request's length in {@link #requestBuffer()}, {@link #TIMED_OUT}, or another
     *     {@code -errno}: {@code -ENODEV} once the filesystem is unmounted (the channel is finished)
     */
    long receive(int timeoutMillis);

    /** @return the buffer the last request was received into (page-aligned, native) */
    MemorySegment requestBuffer();

    /**
     * Sends one reply as one message: {@code iovCount} iovecs at {@code iovAddress}, the out-header
     * first, {@code len} bytes in all.
     *
     * @param iovAddress the address of a native {@code struct iovec} array
     * @param iovCount its entries, at least 1
     * @param len the bytes they describe, equal to the out-header's {@code len}
     * @return 0, or {@code -errno}: {@code -ENOENT} when the request was interrupted and is gone
     *     (normal), {@code -ENODEV} after an unmount, {@code -EINVAL} for a malformed reply
     */
    int send(long iovAddress, int iovCount, long len);

    /** Frees the buffer and the channel's own descriptor, if any. Idempotent. */
    @Override
    void close();
}
