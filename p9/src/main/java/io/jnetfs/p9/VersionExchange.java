package io.jnetfs.p9;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;

import io.jnetfs.ffm.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Tversion, before the connection's receiving thread runs (the kernel's {@code p9_client_version}):
 * asks for an msize and "9P2000.L" on the bare transport, and checks the Rversion strictly.
 *
 * <pre>
 *   sendmsg [ Tversion tag=NOTAG msize version ]
 *   recvmsg [ size type tag ] ──&gt; recvmsg [ msize version ]   within the timeout, MSG_WAITALL
 * </pre>
 */
final class VersionExchange {
    private VersionExchange() {
    }

    /**
     * Tversion for {@code wantMsize} and "9P2000.L".
     *
     * @param why where the reason for {@code -EPROTO} or {@code -EPROTONOSUPPORT} is appended
     * @return the server's msize, or {@code -errno} ({@code -EPROTO} for a bad reply,
     *     {@code -EPROTONOSUPPORT} for another version)
     */
    static int version(Transport t, int wantMsize, long timeoutNanos, StringBuilder why) {
        try (Arena a = Arena.ofConfined(); MsgBuffers m = new MsgBuffers()) {
            int r = exchange(t, a, m, wantMsize, timeoutNanos, why);
            if (r < 0) {
                // an io_uring RECVMSG may still be in flight into these buffers: end it before they go
                t.shutdown();
            }
            return r;
        }
    }

    private static int exchange(Transport t, Arena a, MsgBuffers m, int wantMsize, long timeoutNanos,
                                StringBuilder why) {
        MemorySegment b = a.allocate(64, 8);
        int len = P9Codec.tversion(b, wantMsize, P9Codec.utf8(P9Descriptor.VERSION_9P2000_L));
        m.set(0, b.address(), len);
        m.prepare(1);
        long done = 0;
        while (done < len) {
            long r = t.sendmsg(m);
            if (r < 0) {
                return (int) (r == -Errno.EAGAIN ? -Errno.ETIMEDOUT : r);
            }
            done += r;
            m.consume(r);
        }
        MemorySegment rb = a.allocate(P9Request.FCALL_CAPACITY, 8);
        long deadline = System.nanoTime() + timeoutNanos;
        int r = recvExactly(t, m, rb.address(), HEADER_SIZE, deadline);
        if (r < 0) {
            return r;
        }
        long size = Integer.toUnsignedLong(P9Codec.u32(rb, 0));
        int type = P9Codec.u8(rb, 4);
        int tag = P9Codec.u16(rb, 5);
        if (size < HEADER_SIZE || size > P9Request.FCALL_CAPACITY) {
            why.append("Rversion size=").append(size).append(" outside 7 .. ").append(P9Request.FCALL_CAPACITY);
            return -Errno.EPROTO;
        }
        r = recvExactly(t, m, rb.address() + HEADER_SIZE, (int) size - HEADER_SIZE, deadline);
        if (r < 0) {
            return r;
        }
        MemorySegment body = rb.asSlice(HEADER_SIZE);
        String bad = tag != P9Descriptor.NOTAG ? "reply to Tversion has tag=" + tag + ", not NOTAG"
                : P9Codec.checkReply(P9Type.Tversion, type, body, size - HEADER_SIZE, 0);
        if (bad != null) {
            why.append(bad);
            return -Errno.EPROTO;
        }
        if (type == P9Type.Rlerror) {
            return -P9Codec.u32(body, 0);
        }
        int got = P9Codec.u32(body, 0);
        String version = P9Codec.string(body, 4);
        if (!P9Descriptor.VERSION_9P2000_L.equals(version)) {
            why.append("server speaks ").append(version).append(", not ").append(P9Descriptor.VERSION_9P2000_L);
            return -P9Connection.EPROTONOSUPPORT;
        }
        if (got < 4096 || Integer.compareUnsigned(got, wantMsize) > 0) {
            why.append("Rversion msize=").append(Integer.toUnsignedString(got)).append(" outside 4096 .. ")
                    .append(wantMsize);
            return -Errno.EPROTO;
        }
        return got;
    }

    private static int recvExactly(Transport t, MsgBuffers m, long address, int len, long deadline) {
        if (len == 0) {
            return 0;
        }
        m.set(0, address, len);
        m.prepare(1);
        long done = 0;
        while (done < len) {
            long r = t.recvmsg(m, Transport.MSG_WAITALL);
            if (r == -Errno.EAGAIN) {
                if (System.nanoTime() - deadline > 0) {
                    return -Errno.ETIMEDOUT;
                }
                continue;
            }
            if (r < 0) {
                return (int) r;
            }
            if (r == 0) {
                return -Errno.ECONNRESET;
            }
            done += r;
            m.consume(r);
        }
        return 0;
    }
}
