package io.jnetfs.p9.server;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.uring.BufferRing;
import io.jnetfs.uring.CompletionCallback;
import io.jnetfs.uring.IoUring;
import io.jnetfs.uring.IoUringFeatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * A connection's incoming stream on io_uring: one multishot receive ({@code IORING_OP_RECV} with
 * {@code IORING_RECV_MULTISHOT}) picks buffers from a provided-buffer ring and completes once per
 * arrival, so the reader makes no receive system call while bytes keep coming; it only waits for
 * completions ({@code io_uring_enter} with GETEVENTS) when it has consumed every byte already in.
 *
 * <pre>
 *   ring: SINGLE_ISSUER | DEFER_TASKRUN, its fd registered (IORING_REGISTER_RING_FDS), made and used by
 *         the connection's reader thread only
 *   socket ──multishot RECV──&gt; buffer ring [bid 0 | bid 1 | ... ]   (BUFFERS x BUFFER_SIZE)
 *   CQE (res, bid) ──&gt; chunks: a FIFO of (bid, offset, bytes) not yet consumed
 *   recv(address, len) ──&gt; copies from the oldest chunk; a chunk used up goes back to the ring (recycle)
 *   the receive ends (no IORING_CQE_F_MORE: -ENOBUFS when every buffer waited in the FIFO) ──&gt; re-armed
 * </pre>
 *
 * <p>Replies do not use the ring: workers send on the socket themselves (the ring has a single issuer).
 * Twrite payloads are copied from the provided buffers into the request's data buffer (the blocking
 * path receives them straight there). The same contract as the blocking receive: {@link #recv} returns
 * bytes, 0 at end of stream, {@code -EAGAIN} when the receive tick passed with nothing, or
 * {@code -errno}.
 */
final class RingInbound implements CompletionCallback, AutoCloseable {
    /** Provided buffers per connection. */
    static final int BUFFERS = 32;
    /** Bytes per provided buffer. */
    static final int BUFFER_SIZE = 64 << 10;
    private static final int CQE_F_MORE = LibC.IORING_CQE_F_MORE();
    private static final long RECV = 1;
    /** All of memory, to copy to an address the receiver gives (the slots' and data buffers' memory). */
    private static final MemorySegment EVERYWHERE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final IoUring ring;
    private final BufferRing buffers;
    private final MemorySegment base;
    private final int fd;
    private final long tickNanos;
    private boolean armed;
    private boolean eof;
    private int error;
    // the FIFO of chunks received and not yet consumed (at most one per buffer)
    private final int[] chunkBid = new int[BUFFERS];
    private final long[] chunkAt = new long[BUFFERS];
    private final int[] chunkLeft = new int[BUFFERS];
    private int head;
    private int count;

    private RingInbound(IoUring ring, BufferRing buffers, int fd, long tickNanos) {
        this.ring = ring;
        this.buffers = buffers;
        this.base = buffers.buffers();
        this.fd = fd;
        this.tickNanos = tickNanos;
    }

    /** {@return null if this kernel lets the server receive on io_uring, else why not} */
    static String unavailableReason() {
        String r = IoUring.unavailableReason();
        if (r == null) {
            r = IoUringFeatures.missingSetupFlags(LibC.IORING_SETUP_SINGLE_ISSUER() | LibC.IORING_SETUP_DEFER_TASKRUN());
        }
        if (r == null) {
            r = IoUringFeatures.missingRecvMultishot();
        }
        if (r == null) {
            r = IoUringFeatures.missingRegisteredRingFd();
        }
        return r;
    }

    /**
     * Makes the ring and its buffers on the calling thread (the connection's reader, its only issuer) and
     * arms the receive.
     *
     * @throws IOException if the kernel refuses the ring or a registration
     */
    static RingInbound open(int fd, long tickNanos) throws IOException {
        IoUring ring = IoUring.builder().entries(8).singleIssuer().deferTaskrun().build();
        try {
            ring.registerRingFd();
            BufferRing b = ring.registerBufferRing(0, BUFFERS, BUFFER_SIZE, 0);
            RingInbound in = new RingInbound(ring, b, fd, tickNanos);
            in.arm();
            return in;
        } catch (IOException | RuntimeException e) {
            ring.close();
            throw e;
        }
    }

    private void arm() {
        ring.prepRecvMultishot(fd, buffers, 0, 0, RECV);
        ring.submit();
        armed = true;
    }

    @Override
    public void complete(int res, int flags, long userData) {
        if ((flags & CQE_F_MORE) == 0) {
            armed = false;
        }
        if (res > 0) {
            long at = buffers.use(res, flags);
            int i = (head + count) % BUFFERS;
            chunkBid[i] = BufferRing.bufferId(flags);
            chunkAt[i] = at;
            chunkLeft[i] = res;
            count++;
        } else if (res == 0) {
            eof = true;
        } else if (res != -Errno.ENOBUFS) {
            error = res; // ENOBUFS: every buffer waits in the FIFO; re-armed once one is consumed
        }
    }

    /**
     * Receives up to {@code len} bytes into {@code address}, waiting at most one receive tick for them.
     *
     * @return bytes (at least 1), 0 at end of stream, {@code -EAGAIN} if the tick passed, or {@code -errno}
     */
    long recv(long address, long len) {
        if (count == 0) {
            long rc = await();
            if (rc <= 0) {
                return rc;
            }
        }
        int i = head;
        int n = (int) Math.min(len, chunkLeft[i]);
        MemorySegment.copy(base, chunkAt[i], EVERYWHERE, address, n);
        chunkAt[i] += n;
        chunkLeft[i] -= n;
        if (chunkLeft[i] == 0) {
            buffers.recycle(chunkBid[i]);
            head = (head + 1) % BUFFERS;
            count--;
        }
        return n;
    }

    /** Waits for a chunk: 1 when one is in, 0 at end of stream, {@code -EAGAIN} after a tick, {@code -errno}. */
    private long await() {
        try {
            while (count == 0) {
                if (eof) {
                    return 0;
                }
                if (error != 0) {
                    return error;
                }
                if (!armed) {
                    arm();
                }
                ring.submitAndWait(1, tickNanos, TimeUnit.NANOSECONDS);
                if (ring.complete(this) == 0 && count == 0 && !eof && error == 0) {
                    return -Errno.EAGAIN;
                }
            }
            return 1;
        } catch (UncheckedIOException e) {
            return -Errno.EIO;
        }
    }

    /** {@return whether bytes wait to be consumed (already in, or a completion ready), without waiting} */
    boolean pending() {
        if (count > 0) {
            return true;
        }
        try {
            ring.complete(this);
        } catch (UncheckedIOException e) {
            return false;
        }
        return count > 0;
    }

    @Override
    public void close() {
        ring.close(); // the socket is shut down by now: the receive has ended; the buffers go with the ring
    }
}
