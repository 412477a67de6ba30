package io.jnetfs.p9;

import io.jnetfs.ffm.Errno;
import io.jnetfs.uring.CompletionCallback;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The io_uring transport: every {@code sendmsg} is an {@code IORING_OP_SENDMSG} SQE and every
 * {@code recvmsg} an {@code IORING_OP_RECVMSG} SQE on the same msghdr and iovecs the socket transport
 * hands to the system calls, so a Twrite is still ONE SENDMSG of [header, chain iovecs].
 *
 * <pre>
 *   send ring  (whoever holds the connection's send lock): prep SENDMSG, submit and wait  -- one enter
 *   recv ring  (the receiving thread): prep RECVMSG, submit and wait up to one tick;
 *              no completion yet: -EAGAIN, the RECVMSG stays in flight and the next call waits on it
 * </pre>
 *
 * Two rings because a ring is used by one thread at a time, and sends and receives run on different
 * threads. Sends carry {@code MSG_WAITALL} so a stream socket's partial send is retried by the kernel
 * within the one SQE. {@link #shutdown()} completes a RECVMSG in flight (end of stream); {@link #close()}
 * closes the rings (cancelling anything still in flight) and then the socket.
 */
final class UringTransport extends Transport {
    private static final long SEND = 1;
    private static final long RECV = 2;
    private static final long CANCEL = 3;

    /** The outcome of {@link #open}: a transport, or why there is none. */
    record Result(Transport transport, int errno, String why) {
    }

    private final IoUring sendRing;
    private final IoUring recvRing;
    private final long tickNanos;
    private final long sendTimeoutNanos;

    private int sendRes;
    private boolean sendDone;
    private final CompletionCallback onSend = (res, flags, userData) -> {
        if (userData == SEND) {
            sendRes = res;
            sendDone = true;
        }
    };
    private boolean recvPending;
    private long recvMsgAddress;
    private int recvRes;
    private boolean recvDone;
    private final CompletionCallback onRecv = (res, flags, userData) -> {
        if (userData == RECV) {
            recvRes = res;
            recvDone = true;
        }
    };

    private UringTransport(int fd, IoUring sendRing, IoUring recvRing, long tickNanos, long sendTimeoutNanos) {
        super(fd, "io_uring", MSG_WAITALL);
        this.sendRing = sendRing;
        this.recvRing = recvRing;
        this.tickNanos = tickNanos;
        this.sendTimeoutNanos = sendTimeoutNanos;
    }

    /**
     * Sets up the two rings for a connected socket.
     *
     * @return the transport (owning {@code fd} from now on), or the errno and reason why io_uring cannot
     *     be used here (the caller keeps {@code fd})
     */
    static Result open(int fd, long tickNanos, long sendTimeoutNanos) {
        if (!IoUring.isAvailable()) {
            return new Result(null, Errno.ENOSYS, "io_uring is not available: " + IoUring.unavailableReason());
        }
        IoUring send = null;
        try {
            send = IoUring.builder().entries(8).build();
            IoUring recv = IoUring.builder().entries(8).build();
            return new Result(new UringTransport(fd, send, recv, tickNanos, sendTimeoutNanos), 0, null);
        } catch (IOException e) {
            if (send != null) {
                send.close();
            }
            return new Result(null, Errno.EIO, "io_uring setup failed: " + e.getMessage());
        }
    }

    /**
     * One SENDMSG, waited for up to the send timeout. With {@code MSG_DONTWAIT} the SENDMSG is final at
     * once (no poll armed): it completes within the tick.
     */
    @Override
    long sendOnce(MsgBuffers m, int flags) {
        try {
            long token = sendRing.prepSendmsg(fd, m.msg, flags, 0, SEND);
            sendDone = false;
            long deadline = System.nanoTime() + sendTimeoutNanos;
            while (true) {
                if (sendRing.submitAndWait(1, tickNanos, TimeUnit.NANOSECONDS) > 0) {
                    sendRing.complete(onSend);
                    if (sendDone) {
                        return sendRes;
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    // no progress within the send timeout: take the SQE back, report it like SO_SNDTIMEO
                    sendRing.prepCancel(token, 0, 0, CANCEL);
                    while (!sendDone) {
                        sendRing.submitAndWait(1);
                        sendRing.complete(onSend);
                    }
                    return sendRes > 0 ? sendRes : -Errno.EAGAIN;
                }
            }
        } catch (RuntimeException e) {
            return -Errno.EIO; // the ring itself failed (io_uring_enter): the connection fails
        }
    }

    @Override
    long recvmsg(MsgBuffers m, int flags) {
        try {
            if (!recvPending) {
                recvRing.prepRecvmsg(fd, m.msg, flags, 0, RECV);
                recvPending = true;
                recvDone = false;
                recvMsgAddress = m.msgAddress;
                recvmsgCalls++; // the receiving thread only
            } else if (recvMsgAddress != m.msgAddress) {
                throw new IllegalStateException("recvmsg with another msghdr while a RECVMSG is in flight");
            }
            if (recvRing.submitAndWait(1, tickNanos, TimeUnit.NANOSECONDS) > 0) {
                recvRing.complete(onRecv);
            }
            if (!recvDone) {
                return -Errno.EAGAIN; // the RECVMSG stays in flight; the caller comes back with the same msghdr
            }
            recvPending = false;
            return recvRes == -Errno.EINTR ? -Errno.EAGAIN : recvRes;
        } catch (RuntimeException e) {
            if (e instanceof IllegalStateException) {
                throw e;
            }
            return -Errno.EIO;
        }
    }

    /** Closes the rings (cancelling anything still in flight); the socket is closed after them. */
    @Override
    void closeResources() {
        try {
            recvRing.close();
        } finally {
            sendRing.close();
        }
    }
}
