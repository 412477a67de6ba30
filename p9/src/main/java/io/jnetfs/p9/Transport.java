package io.jnetfs.p9;

/**
 * How a 9P connection moves bytes: {@code sendmsg} and {@code recvmsg} of a {@code struct msghdr}
 * the connection built, on one connected stream socket.
 *
 * <p>The connection calls {@link #sendmsg} from one thread at a time (whoever holds its send lock)
 * and {@link #recvmsg} from one thread at a time (the connecting thread for Tversion, then its
 * receiving thread). Results are {@code -errno}, never exceptions. Both calls block, but not forever:
 * {@link #recvmsg} returns {@code -EAGAIN} after each receive tick with nothing received (so the
 * receiving thread can run timeouts), and {@link #sendmsg} returns {@code -EAGAIN} when the send
 * timeout passed without progress.
 *
 * <p>After {@code -EAGAIN} from {@link #recvmsg} the caller calls it again with the same, unchanged
 * message: an io_uring transport keeps its RECVMSG in flight across ticks.
 */
interface Transport extends AutoCloseable {
    /**
     * {@code sendmsg(fd, msg, MSG_NOSIGNAL)} of the prepared message.
     *
     * @param m the msghdr and its iovecs, prepared
     * @return bytes sent, or {@code -errno}
     */
    long sendmsg(MsgBuffers m);

    /**
     * {@code sendmsg(fd, msg, MSG_NOSIGNAL | MSG_DONTWAIT)}: what the socket takes now, without waiting.
     *
     * @param m the msghdr and its iovecs, prepared
     * @return bytes sent (possibly fewer than prepared), {@code -EAGAIN} when the socket takes nothing
     *     now, or {@code -errno}
     */
    long sendmsgNow(MsgBuffers m);

    /**
     * {@code recvmsg(fd, msg, flags)} into the prepared message.
     *
     * @param m the msghdr and its iovecs, prepared
     * @param flags {@code MSG_*} flags, such as {@code MSG_WAITALL}
     * @return bytes received, 0 at end of stream, {@code -EAGAIN} when a tick passed with nothing, or
     *     {@code -errno}
     */
    long recvmsg(MsgBuffers m, int flags);

    /** Shuts the socket down both ways, waking a blocked send or receive. Idempotent. */
    void shutdown();

    /** {@return how many {@code sendmsg} calls were made (system calls or SENDMSG SQEs)} */
    long sendmsgCalls();

    /** {@return how many {@code recvmsg} calls were made (system calls or RECVMSG SQEs)} */
    long recvmsgCalls();

    /** {@return what the transport is, for messages: {@code "socket fd=7"}, {@code "io_uring fd=7"}} */
    String describe();

    /** {@return the socket descriptor} */
    int fd();

    /** Releases the socket and any ring. Called after both threads stopped using it. Idempotent. */
    @Override
    void close();
}
