package io.jnetfs.p9;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;

import io.jnetfs.ffm.Errno;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The receiving thread of a connection (the kernel's {@code p9_read_work} in net/9p/trans_fd.c): takes
 * replies off the socket, matches each to its request by tag, checks it strictly and completes it. How
 * the bytes come off the socket is the subclass's: {@link DirectReceiver} (header first, then the body
 * straight into the request's buffers) or {@link BulkReceiver} (pooled chunks, sliced), chosen by
 * {@link ReceiveMode}. This class holds what both share.
 *
 * <pre>
 *   loop: header [size type tag] ──&gt; accept: size and type sane, tag in flight and wholly sent,
 *             body within what the request allows (data count &lt;= requested, else &lt;= FCALL_CAPACITY)
 *         ──&gt; INFLIGHT -&gt; RECEIVING (or CANCELLED: a late reply, received and dropped)
 *         ──&gt; body (the subclass) ──&gt; finishData (Rread, Rreaddir) or finishReply (the rest):
 *             check strictly ──&gt; complete ──&gt; replied: count, and run timeouts if a tick passed
 *   a recvmsg that returns nothing: end of stream, a tick (timeouts), or an error -- {@link #nothingReceived}
 *   the loop ends (failure) ──&gt; the connection completes everything in flight with the failure
 * </pre>
 *
 * <p>The receiving thread never blocks on anything but its socket, which wakes it every tick; before
 * each recvmsg that may block it sends what its completion callbacks queued. Only this thread completes
 * in-flight requests on failure, after the senders let go of them. Any malformed reply fails the
 * connection with {@code -EPROTO}.
 */
abstract class Receiver {
    final P9Connection conn;
    final Transport transport;
    final TagTable tags;
    final SendQueue sends;
    final Cancellation cancellation;
    final int msize;
    final long timeoutNanos;
    /** The receiving thread's message buffers, for every recvmsg. */
    final MsgBuffers recvBufs = new MsgBuffers();
    /** When the last byte arrived: a reply stalled mid-message past the timeout fails the connection. */
    long lastProgress;
    /** DIRECT shortens a chain grown for a read to what arrived; BULK appends only what arrived. */
    private final boolean shortensAppends;
    private volatile long repliesReceived;
    volatile long bytesCopied;
    private volatile long rerrorsReceived;

    Receiver(P9Connection conn, boolean shortensAppends) {
        this.conn = conn;
        this.transport = conn.transport();
        this.tags = conn.tags();
        this.sends = conn.sends();
        this.cancellation = conn.cancellation();
        this.msize = conn.msize();
        this.timeoutNanos = conn.timeoutNanos();
        this.shortensAppends = shortensAppends;
    }

    long repliesReceived() {
        return repliesReceived;
    }

    long bytesCopied() {
        return bytesCopied;
    }

    long rerrorsReceived() {
        return rerrorsReceived;
    }

    /** The thread's body: receives until the connection fails, then completes everything in flight. */
    final void run() {
        try {
            loop();
        } catch (RuntimeException | Error e) {
            conn.fail(Errno.EIO, "receiving thread failed: " + e);
            throw e;
        } finally {
            conn.failAll();
            stopped();
        }
    }

    /** Receives and completes replies while the connection works. */
    abstract void loop();

    /** After the last completion: frees what the receiving thread held (its chunk). */
    void stopped() {
    }

    /**
     * On the receiving thread, from a completion callback: whether the start of another reply is
     * already here, so another completion follows without waiting for the socket.
     */
    abstract boolean replyArriving();

    /** Frees the buffers; after the thread ended and under the send lock. */
    void close() {
        recvBufs.close();
    }

    // ---- one reply ------------------------------------------------------------------------------------

    /**
     * The type a reply is handled as: NFS-Ganesha answers a 9P2000.L session's failures with Rerror (107)
     * whose body is a 4-byte errno, which is an Rlerror in all but its type. Read as Rlerror (and counted)
     * where the options accept it; anything else keeps its type, and an Rerror then fails the header check.
     *
     * @param size the reply's size field
     * @param type its type field
     * @return {@link P9Type#Rlerror} for an accepted Rerror, else {@code type}
     */
    final int dialect(long size, int type) {
        if (type == P9Type.Rerror && size == HEADER_SIZE + 4 && conn.acceptsRerror) {
            rerrorsReceived++; // only the receiving thread writes it
            return P9Type.Rlerror;
        }
        return type;
    }

    /** Whether a reply carries data into the request's destination (Rread to Tread, Rreaddir to Treaddir). */
    static boolean isData(int type, P9Request r) {
        return (type == P9Type.Rread && r.type == P9Type.Tread) || (type == P9Type.Rreaddir && r.type == P9Type.Treaddir);
    }

    /**
     * Checks a reply's header before its body is taken in: sane size and type, a tag in flight, and a
     * body no larger than its request allows.
     *
     * @return the request, or {@code null} (the connection has then been failed)
     */
    final P9Request accept(long size, int type, int tag) {
        String bad = P9Codec.checkHeader(size, type, msize);
        if (bad != null) {
            protocolError(bad + " (tag=" + tag + ")");
            return null;
        }
        P9Request r = inFlight(tag, type);
        if (r == null) {
            return null;
        }
        long body = size - HEADER_SIZE;
        if (isData(type, r)) {
            // check the count (from the size) before taking the data in: never more than requested
            if (dataCount(r, type, body) < 0) {
                return null;
            }
        } else if (body > P9Request.FCALL_CAPACITY) {
            protocolError(P9Type.name(type) + " of " + size + " bytes in reply to " + P9Type.name(r.type)
                    + " is larger than any such reply");
            return null;
        }
        return r;
    }

    /** The request a reply's tag names, if it is in flight and wholly sent; else a protocol error. */
    private P9Request inFlight(int tag, int type) {
        P9Request r = tags.lookup(tag);
        int s = r == null ? P9Request.FREE : r.state();
        if (s != P9Request.INFLIGHT && s != P9Request.CANCELLED) {
            protocolError(P9Type.name(type) + " for tag=" + tag + ", which is not in flight");
            return null;
        }
        // a legitimate reply can overtake the sender's bookkeeping by a few instructions, not more
        long deadline = System.nanoTime() + timeoutNanos;
        for (int spins = 0; !r.isSent(); spins++) {
            if (conn.failErrno() != 0) {
                return null;
            }
            if (System.nanoTime() - deadline > 0) {
                protocolError(P9Type.name(type) + " for tag=" + tag + " before its request was sent");
                return null;
            }
            // the sender is returning from sendmsg (or waiting for its SENDMSG completion): spin a
            // little, then give it the CPU
            if (spins < 100) {
                Thread.onSpinWait();
            } else if (spins < 200) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(this, 10_000);
            }
        }
        return r;
    }

    /** The data count an Rread/Rreaddir header announces, after checking it. @return count or -1 */
    final long dataCount(P9Request r, int type, long body) {
        if (body < 4) {
            protocolError("truncated " + P9Type.name(type) + ": body of " + body + " bytes has no count");
            return -1;
        }
        long count = body - 4;
        if (count > r.requested) {
            protocolError(P9Type.name(type) + " count=" + count + " larger than requested count=" + r.requested
                    + " (tag=" + r.tag + ")");
            return -1;
        }
        return count;
    }

    /**
     * After an Rread/Rreaddir's data: check the count field and complete (or note a late reply).
     *
     * @param live whether the request was still wanted (not flushed) when its reply began
     * @return false if the reply was malformed (the connection has then been failed)
     */
    final boolean finishData(P9Request r, boolean live, int type, long count) {
        long field = Integer.toUnsignedLong(P9Codec.u32(r.rc, 0));
        if (field != count) {
            protocolError(P9Type.name(type) + " count field=" + field + " disagrees with its size (count "
                    + count + ")");
            return false;
        }
        if (!live) {
            return true; // flushed: the data was discarded; the tag waits for Rflush
        }
        if (type == P9Type.Rreaddir) {
            String bad = P9Codec.checkDirents(r.direntDest, count);
            if (bad != null) {
                protocolError(bad);
                return false;
            }
        }
        if (r.appendTo != null && shortensAppends && count < r.requested) {
            r.appendTo.shorten(r.requested - count);
        }
        tags.complete(r, count, true);
        return true;
    }

    /**
     * After a non-data reply's body is in rc: check it strictly and complete.
     *
     * @return false if the reply was malformed (the connection has then been failed)
     */
    final boolean finishReply(P9Request r, boolean live, int type, long body) {
        String bad = P9Codec.checkReply(r.type, type, r.rc, body, r.requested);
        if (bad != null) {
            protocolError(bad + " (tag=" + r.tag + ")");
            return false;
        }
        long result = 0;
        if (type == P9Type.Rlerror) {
            int ecode = P9Codec.u32(r.rc, 0);
            if (ecode <= 0 || ecode >= 4096) {
                protocolError("Rlerror ecode=" + Integer.toUnsignedString(ecode) + " is no errno");
                return false;
            }
            result = -ecode;
        } else if (type == P9Type.Rwrite) {
            result = Integer.toUnsignedLong(P9Codec.u32(r.rc, 0));
        }
        r.replyType = type;
        r.replyLen = (int) body;
        if (!live) {
            cancellation.lateReply(r, type);
            return true;
        }
        tags.complete(r, result, true);
        return true;
    }

    /** A reply was completed: count it, and run timeouts if a tick passed (replies may never stop). */
    final void replied() {
        repliesReceived++;
        cancellation.scanTimeouts(System.nanoTime());
    }

    // ---- the socket -----------------------------------------------------------------------------------

    /**
     * A recvmsg that returned nothing ({@code r <= 0}): end of stream, a tick with nothing received (run
     * timeouts; a reply stalled mid-message past the timeout fails the connection), or an error.
     *
     * @param atBoundary whether nothing of the current reply was received yet
     * @return 0 to call recvmsg again, or {@code -errno} (the connection has then been failed)
     */
    final long nothingReceived(long r, boolean atBoundary) {
        if (r == 0) {
            conn.fail(Errno.ECONNRESET, atBoundary ? "server closed the connection (end of stream)"
                    : "end of stream in the middle of a reply");
            return -Errno.ECONNRESET;
        }
        if (r == -Errno.EAGAIN) {
            int failed = conn.failErrno();
            if (failed != 0) {
                return -failed;
            }
            long now = System.nanoTime();
            if (!atBoundary && now - lastProgress > timeoutNanos) {
                conn.fail(Errno.ETIMEDOUT, "reply stalled mid-message for more than "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                return -Errno.ETIMEDOUT;
            }
            cancellation.scanTimeouts(now);
            failed = conn.failErrno();
            return failed != 0 ? -failed : 0;
        }
        if (conn.failErrno() == 0) {
            conn.fail((int) -r, "recvmsg failed: " + Errno.describe((int) -r));
        }
        return r;
    }

    final void protocolError(String what) {
        conn.fail(Errno.EPROTO, "protocol error: " + what);
    }
}
