package io.jnetfs.p9;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a 9P connection moves bytes: {@code sendmsg} and {@code recvmsg} of a {@code struct msghdr}
 * the connection built, on one connected stream socket. What every transport shares is here: the
 * send flags, the {@code EINTR} loop and the count of sends, shutdown and close of the socket; a
 * transport supplies one send ({@link #sendOnce}), its receive and what it holds besides the socket.
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
abstract class Transport implements AutoCloseable {
    static final int MSG_NOSIGNAL = LibC.MSG_NOSIGNAL();
    static final int MSG_DONTWAIT = LibC.MSG_DONTWAIT();
    static final int MSG_WAITALL = LibC.MSG_WAITALL();

    /** The socket descriptor. */
    final int fd;
    private final String kind;
    /** Flags of a send that may wait: {@code MSG_NOSIGNAL}, and what the transport adds. */
    private final int waitingSendFlags;
    private final AtomicBoolean shut = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long sendmsgCalls;
    /** Counted by the transport's {@link #recvmsg}, on the receiving thread only. */
    volatile long recvmsgCalls;

    /**
     * @param fd the connected socket, owned from now on
     * @param kind what the transport is, for messages ({@code "socket"}, {@code "io_uring"})
     * @param waitingSendFlags flags added to {@code MSG_NOSIGNAL} for a send that may wait
     */
    Transport(int fd, String kind, int waitingSendFlags) {
        this.fd = fd;
        this.kind = kind;
        this.waitingSendFlags = MSG_NOSIGNAL | waitingSendFlags;
    }

    /**
     * {@code sendmsg(fd, msg, MSG_NOSIGNAL)} of the prepared message, waiting up to the send timeout.
     *
     * @param m the msghdr and its iovecs, prepared
     * @return bytes sent, or {@code -errno} ({@code -EAGAIN}: no progress within the send timeout)
     */
    final long sendmsg(MsgBuffers m) {
        return send(m, waitingSendFlags);
    }

    /**
     * {@code sendmsg(fd, msg, MSG_NOSIGNAL | MSG_DONTWAIT)}: what the socket takes now, without waiting.
     *
     * @param m the msghdr and its iovecs, prepared
     * @return bytes sent (possibly fewer than prepared), {@code -EAGAIN} when the socket takes nothing
     *     now, or {@code -errno}
     */
    final long sendmsgNow(MsgBuffers m) {
        return send(m, MSG_NOSIGNAL | MSG_DONTWAIT);
    }

    private long send(MsgBuffers m, int flags) {
        long r;
        do {
            r = sendOnce(m, flags);
            sendmsgCalls++; // one sender at a time (the connection's send lock)
        } while (r == -Errno.EINTR);
        return r;
    }

    /**
     * One {@code sendmsg} (a system call, or a SENDMSG submission and its completion).
     *
     * @return bytes sent, or {@code -errno}; {@code -EINTR} is retried by the caller
     */
    abstract long sendOnce(MsgBuffers m, int flags);

    /**
     * {@code recvmsg(fd, msg, flags)} into the prepared message.
     *
     * @param m the msghdr and its iovecs, prepared
     * @param flags {@code MSG_*} flags, such as {@code MSG_WAITALL}
     * @return bytes received, 0 at end of stream, {@code -EAGAIN} when a tick passed with nothing, or
     *     {@code -errno}
     */
    abstract long recvmsg(MsgBuffers m, int flags);

    /** Shuts the socket down both ways, waking a blocked send or receive. Idempotent. */
    final void shutdown() {
        if (shut.compareAndSet(false, true)) {
            Native.shutdown(fd, LibC.SHUT_RDWR());
        }
    }

    /** {@return how many {@code sendmsg} calls were made (system calls or SENDMSG SQEs)} */
    final long sendmsgCalls() {
        return sendmsgCalls;
    }

    /** {@return how many {@code recvmsg} calls were made (system calls or RECVMSG SQEs)} */
    final long recvmsgCalls() {
        return recvmsgCalls;
    }

    /** {@return what the transport is, for messages: {@code "socket fd=7"}, {@code "io_uring fd=7"}} */
    final String describe() {
        return kind + " fd=" + fd;
    }

    /** {@return the socket descriptor} */
    final int fd() {
        return fd;
    }

    /** Releases the socket and what the transport holds. Called after both threads stopped using it. Idempotent. */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                closeResources();
            } finally {
                Native.close(fd);
            }
        }
    }

    /** Frees what the transport holds besides the socket (the socket is closed after it). */
    void closeResources() {
    }
}
