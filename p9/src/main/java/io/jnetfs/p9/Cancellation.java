package io.jnetfs.p9;

import io.jnetfs.ffm.Errno;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Cancelling requests: by handle ({@link #cancel}) and by timeout ({@link #scanTimeouts}, on the
 * receiving thread at every tick), each with a Tflush; and the clean-up of what a flushed request left
 * behind (the kernel's {@code p9_client_flush} in net/9p/client.c).
 *
 * <pre>
 *   INFLIGHT, wholly sent ──cancel / deadline──&gt; CANCELLED ──&gt; Tflush(oldtag) queued,
 *       the request completed to its owner at once (-ECANCELED / -ETIMEDOUT), its tag still held by the wire
 *   Rflush (or the connection's failure) ──&gt; flushDone: the flushed tag (and the Tflush's) go free;
 *       a fid the flushed Twalk/Tattach would have made is given back to the fid table
 *   the flushed request's own reply before the Rflush ──&gt; lateReply: a fid it made is clunked
 *       (background Tclunk) and given back when the Rclunk comes
 * </pre>
 *
 * <p>9P forbids reusing a flushed tag before its Rflush: an unanswered Tflush, a request not sent
 * within the timeout, or no free tag for a Tflush fails the connection.
 */
final class Cancellation {
    private final P9Connection conn;
    private final TagTable tags;
    private final long timeoutNanos;
    private final long tickNanos;
    /** Receiving thread only: when {@link #scanTimeouts} looks at the slots next. */
    private long nextScan;
    private IntConsumer fidRecycler = fid -> { };

    Cancellation(P9Connection conn, TagTable tags, long timeoutNanos, long tickNanos) {
        this.conn = conn;
        this.tags = tags;
        this.timeoutNanos = timeoutNanos;
        this.tickNanos = tickNanos;
    }

    /** Before the receiving thread starts: the first scan is one tick from {@code now}. */
    void start(long now) {
        nextScan = now + tickNanos;
    }

    /** Where fid numbers a flushed request leaves behind go back to (the session's fid table). */
    void fidRecycler(IntConsumer recycler) {
        this.fidRecycler = recycler;
    }

    /**
     * Cancels a request by handle: sends Tflush for it and completes it with {@code -errno} at once.
     * Its tag stays held until the Rflush arrives.
     *
     * @param handle the value {@link P9Request#handle()} had when it was issued
     * @return 0 if cancelled, {@code -EALREADY} if its reply is already being received or it completed,
     *     {@code -ESRCH} if the handle names no request in flight, {@code -ETIMEDOUT} if it was not
     *     wholly sent within the timeout
     */
    int cancel(long handle, int errno) {
        P9Request r = tags.lookup((int) (handle & 0xFFFF));
        if (r == null) {
            return -P9Connection.ESRCH;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        // a request is only cancelled once wholly sent: its buffers go back to the caller at once
        int t;
        while ((t = tags.tryCancel(r, handle)) > 0) {
            if (System.nanoTime() - deadline > 0) {
                return -Errno.ETIMEDOUT;
            }
            LockSupport.parkNanos(this, 20_000);
        }
        if (t < 0) {
            return t;
        }
        flushCancelled(r, errno);
        return 0;
    }

    /** Cancels expired requests (Tflush); fails the connection for an expired Tflush or unsent request. */
    void scanTimeouts(long now) {
        if (now - nextScan < 0) {
            return;
        }
        nextScan = now + tickNanos;
        for (int tag = 0, n = tags.maxTags(); tag < n; tag++) {
            P9Request r = tags.slot(tag);
            if (r.state() != P9Request.INFLIGHT || now - r.deadline < 0) {
                continue;
            }
            if (r.type == P9Type.Tflush) {
                conn.fail(Errno.ETIMEDOUT, "Tflush(oldtag=" + r.flushLink.tag + ") not answered within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                return;
            }
            if (!r.isSent()) {
                conn.fail(Errno.ETIMEDOUT, P9Type.name(r.type) + "(tag=" + r.tag + ") not sent within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                return;
            }
            if (r.casState(P9Request.INFLIGHT, P9Request.CANCELLED)) {
                flushCancelled(r, Errno.ETIMEDOUT);
            }
        }
    }

    /** After INFLIGHT -&gt; CANCELLED: queue the Tflush, then complete the request to its owner. */
    private void flushCancelled(P9Request r, int errno) {
        r.cancelled = true;
        int ft = conn.allocate();
        if (ft < 0) {
            // no tag for the Tflush: the tag of r can never be reused safely; give up the connection
            tags.complete(r, -errno, false);
            conn.fail(Errno.ETIMEDOUT, "no free tag to send Tflush(oldtag=" + r.tag + ")");
            return;
        }
        P9Request f = tags.slot(ft);
        f.type = P9Type.Tflush;
        f.tcLen = P9Codec.tflush(f.tc, ft, r.tag);
        f.flushLink = r;
        r.flushLink = f;
        f.internal = () -> flushDone(f);
        f.waiter = null;
        tags.completeToOwner(r, -errno);
        if (conn.submit(f) < 0) {
            tags.release(f);
        }
    }

    /** The Tflush's reply (or the connection's failure) arrived: the flushed tag may be reused now. */
    private void flushDone(P9Request f) {
        P9Request r = f.flushLink;
        if (r.createsFid >= 0) {
            fidRecycler.accept(r.createsFid); // the server never made it (no successful late reply)
            r.createsFid = -1;
        }
        tags.putHolds(r, P9Request.HOLD_WIRE);
        tags.putHolds(f, P9Request.HOLD_WIRE | P9Request.HOLD_OWNER);
    }

    /** The reply to a flushed request came before the Rflush: a fid it made must be clunked. */
    void lateReply(P9Request r, int type) {
        if (r.createsFid < 0 || type == P9Type.Rlerror) {
            return;
        }
        boolean made = type == P9Type.Rattach || (type == P9Type.Rwalk && P9Codec.u16(r.rc, 0) == r.requested);
        if (!made) {
            return;
        }
        int fid = r.createsFid;
        r.createsFid = -1; // the flush's completion must not recycle it: the clunk's will
        int ct = conn.allocate();
        if (ct < 0) {
            return; // no tag: the fid number stays taken on the server and here
        }
        P9Request c = tags.slot(ct);
        c.type = P9Type.Tclunk;
        c.tcLen = P9Codec.tclunk(c.tc, ct, fid);
        c.waiter = null;
        c.internal = () -> {
            fidRecycler.accept(fid);
            tags.putHolds(c, P9Request.HOLD_WIRE | P9Request.HOLD_OWNER);
        };
        if (conn.submit(c) < 0) {
            tags.release(c);
        }
    }
}
