package io.jnetfs.p9;

/**
 * Completion of an asynchronous request: a primitive callback, so completing allocates nothing.
 *
 * <p>Called once per request: on the connection's receiving thread when the reply arrives or the
 * connection fails, or on the thread that cancels the request. It must not block; it may issue new
 * requests (they are queued, never waited for, when no tag is free they fail with {@code -EAGAIN}).
 */
@FunctionalInterface
public interface P9Callback {
    /**
     * The request completed.
     *
     * @param cookie the value given when the request was issued
     * @param result bytes transferred (a read's count, 0 at end of file), or {@code -errno}: the
     *     server's Rlerror, {@code -ETIMEDOUT} or {@code -ECANCELED} for a flushed request,
     *     {@code -EPROTO} or {@code -ECONNRESET} when the connection failed
     */
    void complete(long cookie, long result);
}
