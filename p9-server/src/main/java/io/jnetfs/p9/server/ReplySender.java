package io.jnetfs.p9.server;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;

import io.jnetfs.ffm.Errno;
import io.jnetfs.p9.P9Descriptor;
import io.jnetfs.p9.P9Type;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The one way out of a connection: every reply leaves here, whole, under the send lock, so replies
 * from the reader and the workers never interleave on the stream.
 *
 * <pre>
 *   small reply:  sendmsg [reply]                                   (from the slot, or Scratch#reply)
 *   Rread:        sendmsg [header[11], data iovecs]                 ONE message (copying path)
 *   Rread:        sendmsg [header[11]] MSG_MORE, splice pipe -&gt; socket  (spliced, see SplicePipe)
 *   Rreaddir:     sendmsg [reply encoded in the data buffer]
 * </pre>
 *
 * <p>A send that fails or outlasts {@code SO_SNDTIMEO} shuts the connection down (the stream is no
 * longer in step); once closing, replies are dropped.
 */
final class ReplySender {
    private static final System.Logger LOG = System.getLogger("io.jnetfs.p9.server");

    private final ServerConnection conn;
    private final int fd;
    private final Stats stats;
    private final Object sendLock = new Object();

    ReplySender(ServerConnection conn, int fd, Stats stats) {
        this.conn = conn;
        this.fd = fd;
        this.stats = stats;
    }

    /** Sends {@code len} bytes at {@code address} as one reply. */
    void send(Scratch s, long address, long len) {
        int rc;
        synchronized (sendLock) {
            if (conn.closing()) {
                return;
            }
            rc = s.send(fd, address, len);
        }
        if (rc < 0) {
            fail("sending a reply: " + Errno.name(-rc));
        }
    }

    /** Sends {@code r}'s reply of {@code size} bytes, encoded in its slot. */
    void reply(Scratch s, ServerRequest r, int size) {
        send(s, r.address, size);
    }

    /** Sends an Rflush for {@code tag}, built in the thread's scratch. */
    void rflush(Scratch s, int tag) {
        MemorySegment m = s.reply;
        m.set(ServerRequest.U32, 0, HEADER_SIZE);
        m.set(ServerRequest.U8, 4, (byte) P9Type.Rflush);
        m.set(ServerRequest.U16, 5, (short) tag);
        send(s, m.address(), HEADER_SIZE);
    }

    /**
     * Sends an Rread of {@link Scratch#readCount} bytes from {@link Scratch#readChain}: the 11-byte
     * header and the data iovecs in one {@code sendmsg}.
     */
    void rread(Scratch s, ServerRequest r) {
        long n = s.readCount;
        r.header((int) (P9Descriptor.RREAD_HEADER_SIZE + n), P9Type.Rread);
        r.put32(HEADER_SIZE, (int) n);
        if (s.readSpliced) {
            rreadSpliced(s, r, n);
            return;
        }
        if (n == 0) { // end of file: the header alone
            send(s, r.address, P9Descriptor.RREAD_HEADER_SIZE);
            stats.rreads.increment();
            stats.rreadSendmsgs.increment();
            return;
        }
        boolean ok;
        synchronized (sendLock) {
            if (conn.closing()) {
                return;
            }
            long before = s.io.sendmsgCalls();
            try {
                long sent = s.io.sendmsg(fd, r.rreadHeader, s.iter.init(s.readChain, 0, n), n, null, 0);
                ok = sent == P9Descriptor.RREAD_HEADER_SIZE + n;
            } catch (IOException e) {
                ok = false;
            }
            stats.rreadSendmsgs.add(s.io.sendmsgCalls() - before);
        }
        stats.rreads.increment();
        stats.bytesRead.add(n);
        if (!ok) {
            fail("sending an Rread failed or timed out");
        }
    }

    /**
     * An Rread whose data waits in the thread's pipe: the header by {@code sendmsg} with
     * {@code MSG_MORE} (TCP holds it for the data), then the pipe spliced into the socket.
     */
    private void rreadSpliced(Scratch s, ServerRequest r, long n) {
        SplicePipe p = s.pipe();
        int rc;
        synchronized (sendLock) {
            if (conn.closing()) {
                return; // the pipe keeps the bytes; its next fill starts with a new one
            }
            rc = s.send(fd, r.address, P9Descriptor.RREAD_HEADER_SIZE, Scratch.MSG_MORE);
            if (rc == 0) {
                rc = p.drainTo(fd);
            }
        }
        stats.rreads.increment();
        stats.rreadSplices.increment();
        stats.bytesRead.add(n);
        if (rc < 0) {
            fail("splicing an Rread: " + Errno.name(-rc));
        }
    }

    private void fail(String why) {
        if (!conn.closing()) {
            LOG.log(System.Logger.Level.DEBUG, "p9 server: closing " + conn.peer + ": " + why);
        }
        conn.shutdown();
    }
}
