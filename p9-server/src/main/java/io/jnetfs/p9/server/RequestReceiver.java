package io.jnetfs.p9.server;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;

import io.jnetfs.bvecq.BvecqIo;
import io.jnetfs.ffm.Errno;
import io.jnetfs.p9.P9Descriptor;
import io.jnetfs.p9.P9Type;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * The framing of a connection's incoming stream: receives one T-message at a time into a slot, on
 * the connection's reader thread only.
 *
 * <pre>
 *   header[7]: size type tag ─┬─ Twrite: ONE recvmsg (MSG_WAITALL) of [fid offset count[16], data buffer]:
 *                             │           the payload lands straight in pooled memory
 *                             ├─ Tread/Treaddir: the body; a data buffer taken for the reply
 *                             ├─ body larger than the slot: read and dropped (answered ENAMETOOLONG)
 *                             └─ others: the body into the slot's buffer
 * </pre>
 *
 * <p>Strict: a size outside {@code 7 .. msize}, a message before Tversion, or a Twrite whose count
 * disagrees with its size is a broken stream ({@code -EPROTO}: the connection closes). Time: the socket
 * has a receive tick ({@code SO_RCVTIMEO}); between messages a tick is idling (the idle timeout applies
 * while nothing is in flight), inside one it counts against the message timeout.
 */
final class RequestReceiver {
    private static final System.Logger LOG = System.getLogger("io.jnetfs.p9.server");
    /** {@link #receive} at end of stream between messages. */
    static final long EOF = Long.MIN_VALUE;
    /** {@link #receive} when the idle timeout expired between messages. */
    static final long IDLE = Long.MIN_VALUE + 1;

    private final ServerConnection conn;
    private final InFlightRequests inFlight;
    private final ServerConfig cfg;
    private final Stats stats;
    private final int fd;
    /** The io_uring receive, or null: the blocking one ({@code recvmsg} with the receive tick). */
    private RingInbound ring;
    private volatile long lastActivity = System.nanoTime();
    private long messageStart;

    RequestReceiver(ServerConnection conn, InFlightRequests inFlight, ServerConfig cfg, Stats stats, int fd) {
        this.conn = conn;
        this.inFlight = inFlight;
        this.cfg = cfg;
        this.stats = stats;
        this.fd = fd;
    }

    /**
     * Receives on io_uring from now on ({@link ServerConfig#ioUring()}); called by the reader before its
     * first message, as the ring's single issuer.
     *
     * @return false if the kernel refused the ring (the blocking receive stays)
     */
    boolean useRing() {
        try {
            ring = RingInbound.open(fd, cfg.tickNanos());
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "p9 server: " + conn.peer + " receives without io_uring: " + e);
            return false;
        }
    }

    /** {@return whether the ring receives for this connection} */
    boolean onRing() {
        return ring != null;
    }

    /** Closes the ring, if any (teardown, on the reader). */
    void close() {
        if (ring != null) {
            ring.close();
            ring = null;
        }
    }

    /** {@return whether bytes of another message wait to be received} */
    boolean pending(Scratch s) {
        return ring != null ? ring.pending() : s.pending(fd);
    }

    /** Notes activity (a reply left): the idle timeout counts from here. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    /** {@return why {@link #receive} said to close, in words} */
    String reason(long rc) {
        if (rc == EOF) {
            return "closed by the client";
        }
        if (rc == IDLE) {
            return "idle for " + TimeUnit.NANOSECONDS.toSeconds(cfg.idleTimeoutNanos()) + " s";
        }
        return Errno.name((int) -rc);
    }

    /**
     * Receives one T-message into {@code r}.
     *
     * @return 0, or a reason to close: {@link #EOF}, {@link #IDLE}, {@code -errno}
     *     ({@code -EPROTO}: the framing is broken)
     */
    long receive(Scratch s, ServerRequest r) {
        long rc = recvFully(s, r.address, HEADER_SIZE, true);
        if (rc < 0) {
            return rc;
        }
        MemorySegment m = r.mem;
        int msize = conn.msize();
        long size = Integer.toUnsignedLong(m.get(ServerRequest.U32, 0));
        int type = m.get(ServerRequest.U8, 4) & 0xFF;
        int limit = msize == 0 ? ServerRequest.SMALL : msize;
        if (size < HEADER_SIZE || size > limit || msize == 0 && type != P9Type.Tversion) {
            stats.protocolErrors.increment();
            LOG.log(System.Logger.Level.WARNING, "p9 server: closing " + conn.peer + ": " + P9Type.name(type) + " size="
                    + size + (msize == 0 ? " before Tversion" : " outside " + HEADER_SIZE + " .. msize=" + msize));
            return -Errno.EPROTO;
        }
        r.size = (int) size;
        r.type = type;
        r.tag = m.get(ServerRequest.U16, 5) & 0xFFFF;
        r.oversize = false;
        r.data = null;
        long body = size - HEADER_SIZE;
        if (type == P9Type.Twrite) {
            rc = receiveTwrite(s, r, body);
        } else if (body > ServerRequest.SMALL - HEADER_SIZE) {
            r.oversize = true;
            rc = discard(s, r, body);
        } else {
            rc = recvFully(s, r.address + HEADER_SIZE, body, false);
            if (rc >= 0 && type == P9Type.Treaddir) { // a Tread takes one only if it is copied
                r.data = inFlight.takeData();
            }
        }
        if (rc >= 0) {
            stats.requests.increment();
            lastActivity = System.nanoTime();
        }
        return rc;
    }

    /**
     * The rest of a Twrite: its {@code fid offset count} fields and its payload in one {@code recvmsg}
     * of [fields, data buffer] (the payload's length is known from the message size, and checked
     * against {@code count} once the fields are in).
     */
    private long receiveTwrite(Scratch s, ServerRequest r, long body) {
        int fixed = P9Descriptor.TWRITE_HEADER_SIZE - HEADER_SIZE;
        if (body < fixed) {
            stats.protocolErrors.increment();
            return -Errno.EPROTO;
        }
        long payload = body - fixed;
        r.data = inFlight.takeData();
        if (r.data == null) {
            return inFlight.closing() ? -Errno.ECONNABORTED : discard(s, r, body);
        }
        if (ring != null) { // the fields, then the payload copied from the provided buffers
            long rc = recvFully(s, r.address + HEADER_SIZE, fixed, false);
            if (rc == 0) {
                rc = recvFully(s, r.data.mem.address(), payload, false);
            }
            if (rc < 0) {
                return rc;
            }
            return twriteFields(r, payload);
        }
        long before = s.io.recvmsgCalls();
        s.iter.init(r.data.chain, 0, payload);
        long want = fixed + payload;
        long got = 0;
        while (got < want) {
            long n;
            try {
                if (got == 0) {
                    n = s.io.recvmsg(fd, r.twriteFields, s.iter, payload, null, Scratch.MSG_WAITALL);
                } else if (got < fixed) { // the fields came in parts: only after a receive tick
                    n = s.io.recvmsg(fd, r.twriteFields.asSlice(got), s.iter, payload, null, Scratch.MSG_WAITALL);
                } else {
                    n = s.io.recvmsg(fd, null, s.iter, want - got, null, Scratch.MSG_WAITALL);
                }
            } catch (IOException e) {
                return -Errno.ECONNRESET;
            }
            if (n > 0) {
                got += n;
            } else if (n == 0) {
                return -Errno.ECONNRESET;
            } else if (n == BvecqIo.WOULD_BLOCK) {
                long t = tick();
                if (t < 0) {
                    return t;
                }
            }
        }
        stats.twriteRecvmsgs.add(s.io.recvmsgCalls() - before);
        return twriteFields(r, payload);
    }

    /** Decodes a Twrite's {@code fid offset count} and checks the count against the payload received. */
    private long twriteFields(ServerRequest r, long payload) {
        r.fid = r.mem.get(ServerRequest.U32, 7);
        r.offset = r.mem.get(ServerRequest.U64, 11);
        long count = Integer.toUnsignedLong(r.mem.get(ServerRequest.U32, 19));
        if (count != payload) {
            stats.protocolErrors.increment();
            LOG.log(System.Logger.Level.WARNING, "p9 server: closing " + conn.peer + ": Twrite count=" + count
                    + " disagrees with size=" + r.size);
            return -Errno.EPROTO;
        }
        r.count = (int) count;
        stats.twrites.increment();
        stats.bytesWritten.add(count);
        return 0;
    }

    /** Reads and drops {@code len} bytes of a message's body. */
    private long discard(Scratch s, ServerRequest r, long len) {
        long left = len;
        while (left > 0) {
            long n = Math.min(left, ServerRequest.SMALL - HEADER_SIZE);
            long rc = recvFully(s, r.address + HEADER_SIZE, n, false);
            if (rc < 0) {
                return rc;
            }
            left -= n;
        }
        return 0;
    }

    /** A receive tick passed inside a message: 0 to go on, or why to stop. */
    private long tick() {
        if (inFlight.closing()) {
            return -Errno.ECONNABORTED;
        }
        if (System.nanoTime() - messageStart > cfg.messageTimeoutNanos()) {
            return -Errno.ETIMEDOUT;
        }
        return 0;
    }

    /**
     * Receives exactly {@code len} bytes.
     *
     * @param between whether this is the start of a message (where waiting is idling, not a stall)
     * @return 0, or {@link #EOF}, {@link #IDLE}, {@code -errno}
     */
    private long recvFully(Scratch s, long address, long len, boolean between) {
        long done = 0;
        while (done < len) {
            long n = ring != null ? ring.recv(address + done, len - done) : s.recvOnce(fd, address + done, len - done);
            if (n > 0) {
                if (between && done == 0) {
                    messageStart = System.nanoTime();
                }
                done += n;
            } else if (n == 0) {
                return between && done == 0 ? EOF : -Errno.ECONNRESET;
            } else if (n == -Errno.EAGAIN) {
                if (between && done == 0) {
                    if (inFlight.closing()) {
                        return -Errno.ECONNABORTED;
                    }
                    if (cfg.idleTimeoutNanos() > 0 && inFlight.count() == 0
                            && System.nanoTime() - lastActivity > cfg.idleTimeoutNanos()) {
                        return IDLE;
                    }
                } else {
                    long t = tick();
                    if (t < 0) {
                        return t;
                    }
                }
            } else {
                return n;
            }
        }
        return 0;
    }
}
