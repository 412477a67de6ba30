package io.jnetfs.p9.server;

/**
 * A snapshot of a {@link P9Server}'s counters since it started.
 *
 * @param accepted connections accepted and served
 * @param refused connections closed at once because {@code maxConnections} were open
 * @param open connections open now
 * @param requests T-messages received whole
 * @param errors requests answered with Rlerror
 * @param protocolErrors connections closed for a broken message (size outside 7 .. msize, a message
 *     before Tversion, a Twrite whose count disagrees with its size)
 * @param ringConnections connections that received on io_uring (the others received with blocking
 *     {@code recvmsg})
 * @param flushes Tflush requests
 * @param rreads Rread replies sent
 * @param rreadSendmsgs {@code sendmsg} calls those took ([header, data iovecs] is one call unless the
 *     socket took it in parts)
 * @param rreadSplices Rread replies whose data went from the file to the socket by {@code splice} (their
 *     header by one {@code sendmsg}, not counted in {@code rreadSendmsgs})
 * @param twrites Twrite payloads received into data buffers
 * @param twriteRecvmsgs {@code recvmsg} calls those payloads took
 * @param bytesRead bytes of file data sent in Rread replies
 * @param bytesWritten bytes of Twrite payload received
 */
public record ServerStats(long accepted, long refused, int open, long requests, long errors, long protocolErrors,
                          long ringConnections, long flushes, long rreads, long rreadSendmsgs, long rreadSplices, long twrites, long twriteRecvmsgs,
                          long bytesRead, long bytesWritten) {
}
