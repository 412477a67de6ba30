package io.jnetfs.netfs;

/**
 * The operations a network filesystem fills in for the engine (the kernel's
 * {@code struct netfs_request_ops}), grouped into read handling and write handling. The engine calls
 * them; the filesystem never drives a request itself.
 *
 * <p>Issue methods start the I/O and return; the filesystem reports the outcome, from any thread,
 * with {@link NetfsIoSubrequest#terminated(long)}.
 */
public interface NetfsRequestOps {
    // ---- read handling -------------------------------------------------------------------------

    /**
     * A request was made: set up per-request state (optional).
     *
     * @param rreq the new request
     */
    default void initRequest(NetfsIoRequest rreq) {
    }

    /**
     * How much buffer to accumulate before dispatching subrequests: typically the filesystem's
     * preferred I/O size times the number it likes in flight.
     *
     * @param rreq the request
     * @return bytes, at least 1
     */
    long estimate(NetfsIoRequest rreq);

    /**
     * Limits a server subrequest: set {@link NetfsIoSubrequest#maxLen(long)} and optionally
     * {@link NetfsIoSubrequest#maxSegs(int)}; the engine then cuts the subrequest to fit.
     *
     * @param subreq a subrequest sourced from the server
     * @return 0, or {@code -errno} to fail it
     */
    int prepareRead(NetfsIoSubrequest subreq);

    /**
     * Starts reading {@code subreq.remaining()} bytes at {@code subreq.position()} into
     * {@code subreq.iter()}.
     *
     * @param subreq the subrequest
     */
    void issueRead(NetfsIoSubrequest subreq);

    /**
     * The dispatcher is about to issue a run of subrequests: what they send may be held until {@link
     * #endIssue()}, so the run leaves together (the block layer's plug). Always paired with {@code
     * endIssue()} on the same thread, and nothing between the two waits for an RPC to end. Default:
     * nothing.
     */
    default void beginIssue() {
    }

    /** The run started by {@link #beginIssue()} is complete: send what was held. */
    default void endIssue() {
    }

    /**
     * Whether an error may go away on a retry (the connection was lost, the server was busy).
     *
     * @param errno a positive errno
     * @return true to retry (a bounded number of times)
     */
    default boolean isTransient(int errno) {
        return switch (errno) {
            case 11, 4, 104, 110, 32, 107, 103, 5 -> true; // EAGAIN EINTR ECONNRESET ETIMEDOUT EPIPE ENOTCONN ECONNABORTED EIO
            default -> false;
        };
    }

    // ---- write handling ------------------------------------------------------------------------

    /**
     * Limits an upload subrequest, as {@link #prepareRead} does for reads.
     *
     * @param subreq a subrequest uploading to the server
     * @return 0, or {@code -errno}
     */
    default int prepareWrite(NetfsIoSubrequest subreq) {
        return -95; // EOPNOTSUPP
    }

    /**
     * Starts writing {@code subreq.remaining()} bytes of {@code subreq.iter()} at
     * {@code subreq.position()} to the server.
     *
     * @param subreq the subrequest
     */
    default void issueWrite(NetfsIoSubrequest subreq) {
        subreq.terminated(-95);
    }

    /**
     * Makes the data written so far durable on the server (Tfsync).
     *
     * @return 0 or {@code -errno}
     */
    default int fsync() {
        return 0;
    }

    /**
     * Changes the file's size on the server.
     *
     * @param size the new size
     * @return 0 or {@code -errno}
     */
    default int truncate(long size) {
        return -95;
    }
}
