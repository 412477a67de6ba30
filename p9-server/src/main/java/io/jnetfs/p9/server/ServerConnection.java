package io.jnetfs.p9.server;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.p9.P9Descriptor;
import io.jnetfs.p9.P9Type;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * One client connection: its reader thread's loop, the session messages (Tversion, Tflush), running a
 * request and sending its reply, and teardown. The parts, one job each:
 *
 * <pre>
 *   socket ──&gt; RequestReceiver ──&gt; reader loop (here) ─┬─ Tversion, Tflush: handled on the reader
 *              (framing, Twrite     │                   ├─ run on the reader ─┐
 *               payloads straight   │                   └─ ServerWorkers ─────┤ (a Tread with more
 *               into DataBuffers)   │                      (queue, threads)   │  requests waiting
 *                                   │                                         │  behind it; Tfsync)
 *              InFlightRequests: slots, data buffers, queue, flight count     v
 *                                                 ServerDispatcher.execute: decode, fid, export op
 *                                                                             │
 *   socket &lt;── ReplySender: ONE sendmsg per reply, under the send lock &lt;──────┘
 *              (Rread: [header[11], data iovecs])
 *   ServerFidTable: the client's fids (the connection's only table)
 * </pre>
 *
 * <p>Bounds: at most {@code maxRequests} slots (the reader stops reading while all are in flight, so
 * TCP pushes back on the client), at most {@code maxInFlightBytes} of data buffers, and no message
 * above the negotiated msize (see {@link RequestReceiver}); a message that is merely malformed inside
 * is answered with {@code Rlerror(EPROTO)}. A message begun must arrive whole within the message
 * timeout, a reply must leave within it ({@code SO_SNDTIMEO}), and a connection with nothing in flight
 * that sends nothing for the idle timeout is closed.
 *
 * <p>Tflush: a request still queued is dropped and Rflush sent at once; one being executed gets its
 * reply first, then the Rflush (so a client never sees an Rflush before the reply it cancels); an
 * unknown tag is answered at once.
 */
final class ServerConnection {
    private static final System.Logger LOG = System.getLogger("io.jnetfs.p9.server");
    /** The smallest msize granted (the Linux client's own minimum). */
    static final int MIN_MSIZE = 4096;

    private final P9Server server;
    private final ServerConfig cfg;
    private final Stats stats;
    final int fd;
    final String peer;
    private final ServerFidTable fids;
    private final ServerDispatcher dispatcher;
    private final InFlightRequests inFlight;
    private final RequestReceiver receiver;
    private final ReplySender sender;
    private final ServerWorkers workers;
    private final Thread reader;
    /** Guards the descriptor's close against a concurrent {@link #shutdown()}. */
    private final Object fdLock = new Object();
    private boolean fdClosed;
    private volatile int msize;

    ServerConnection(P9Server server, ServerConfig cfg, Stats stats, FolioPool pool, DirExport dir, CtlExport ctl,
                     int fd, String peer) {
        this.server = server;
        this.cfg = cfg;
        this.stats = stats;
        this.fd = fd;
        this.peer = peer;
        this.fids = new ServerFidTable(cfg.maxFids());
        this.dispatcher = new ServerDispatcher(this, dir, ctl, fids);
        this.inFlight = new InFlightRequests(cfg, pool, peer);
        this.receiver = new RequestReceiver(this, inFlight, cfg, stats, fd);
        this.sender = new ReplySender(this, fd, stats);
        this.workers = new ServerWorkers(this, inFlight);
        this.reader = new Thread(this::readLoop, "p9-server-" + peer);
        reader.setDaemon(true);
    }

    void start() {
        reader.start();
    }

    /** {@return the negotiated msize (0 before Tversion)} */
    int msize() {
        return msize;
    }

    /** {@return whether the connection is closing: replies are dropped, waits end} */
    boolean closing() {
        return inFlight.closing();
    }

    /** {@return the reader thread, which ends once the connection is torn down} */
    Thread readerThread() {
        return reader;
    }

    /** {@return the number of fids the client holds} */
    int fidCount() {
        return fids.size();
    }

    /** Asks the connection to close: the reader wakes (the socket is shut down) and tears it down. */
    void shutdown() {
        inFlight.close();
        synchronized (fdLock) {
            if (!fdClosed) {
                Native.shutdown(fd, LibC.SHUT_RDWR());
            }
        }
    }

    // ---- the reader ---------------------------------------------------------------------------------

    private void readLoop() {
        String why = "closed";
        Scratch s = new Scratch();
        try {
            if (cfg.ioUring() && receiver.useRing()) {
                stats.ringConnections.increment();
            }
            while (!inFlight.closing()) {
                ServerRequest r = inFlight.take();
                if (r == null) {
                    break;
                }
                long rc = receiver.receive(s, r);
                if (rc < 0) {
                    inFlight.free(r);
                    why = receiver.reason(rc);
                    break;
                }
                switch (r.type) {
                    case P9Type.Tversion -> {
                        if (!version(s, r)) {
                            why = "malformed Tversion";
                            inFlight.close();
                        }
                    }
                    case P9Type.Tflush -> flush(s, r);
                    default -> dispatch(s, r);
                }
            }
        } catch (RuntimeException | Error e) {
            why = "failed: " + e;
            LOG.log(System.Logger.Level.ERROR, "p9 server connection " + peer + " failed", e);
        } finally {
            teardown(why);
            s.close();
        }
    }

    // ---- Tversion, Tflush -----------------------------------------------------------------------------

    /**
     * Tversion: waits until nothing is in flight, clunks every fid, grants {@code min(msize, maxMsize)}.
     *
     * @return false if the message is malformed (the connection closes)
     */
    private boolean version(Scratch s, ServerRequest r) {
        r.startBody();
        long clientMsize = Integer.toUnsignedLong(r.u32());
        long v = r.string();
        if (!r.exact() || r.oversize) {
            inFlight.free(r);
            return false;
        }
        String version = new String(r.mem.asSlice(v, r.stringLength(v)).toArray(ValueLayout.JAVA_BYTE),
                StandardCharsets.UTF_8);
        inFlight.awaitNone();
        for (ServerFid f : fids.clear()) {
            f.put();
        }
        int granted = (int) Math.min(clientMsize, cfg.maxMsize());
        boolean known = version.equals(P9Descriptor.VERSION_9P2000_L) || version.startsWith(P9Descriptor.VERSION_9P2000_L + ".");
        int size;
        if (known && granted < MIN_MSIZE) {
            size = Replies.rlerror(r, Errno.EINVAL);
        } else {
            byte[] answer = (known ? P9Descriptor.VERSION_9P2000_L : "unknown").getBytes(StandardCharsets.UTF_8);
            int m = known ? granted : 0;
            if (m != msize) {
                inFlight.resize(m); // nothing in flight: every buffer is free
                msize = m;
            }
            size = HEADER_SIZE + 4 + 2 + answer.length;
            r.header(size, P9Type.Rversion);
            r.put32(HEADER_SIZE, granted);
            r.put16(HEADER_SIZE + 4, answer.length);
            MemorySegment.copy(MemorySegment.ofArray(answer), 0, r.mem, HEADER_SIZE + 6, answer.length);
        }
        sender.reply(s, r, size);
        inFlight.free(r);
        return true;
    }

    private void flush(Scratch s, ServerRequest r) {
        stats.flushes.increment();
        r.startBody();
        int oldTag = r.u16();
        if (!r.exact() || r.oversize) {
            sender.reply(s, r, Replies.rlerror(r, Errno.EPROTO));
            inFlight.free(r);
            return;
        }
        for (int tag : inFlight.flush(r, oldTag)) {
            sender.rflush(s, tag);
        }
    }

    // ---- execution ------------------------------------------------------------------------------------

    /**
     * Whether a request goes to a worker rather than running on the reader: a Tread when further
     * requests already wait on the socket (so the {@code preadv2} of one overlaps the {@code sendmsg} of
     * another, and the reader goes on reading), and every Tfsync (it may take long). Everything else,
     * and a Tread with nothing behind it, runs on the reader: no thread handoff for a client with one
     * request in flight, and Twrite payloads land in the page cache as fast as they arrive.
     */
    /** {@return whether this connection receives on io_uring} */
    boolean onRing() {
        return receiver.onRing();
    }

    private boolean offload(Scratch s, ServerRequest r) {
        return switch (r.type) {
            case P9Type.Tfsync -> true;
            case P9Type.Tread -> receiver.pending(s);
            default -> false;
        };
    }

    private void dispatch(Scratch s, ServerRequest r) {
        if (cfg.workers() == 0 || !offload(s, r)) {
            inFlight.run(r);
            execute(s, r);
        } else {
            workers.submit(r);
        }
    }

    /** Runs {@code r} on the calling thread (the reader or a worker), sends its reply and completes it. */
    void execute(Scratch s, ServerRequest r) {
        int rc;
        try {
            rc = r.data == null && needsData(r.type) ? -Errno.ENOMEM : dispatcher.execute(s, r);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "p9 server: " + P9Type.name(r.type) + " from " + peer + " failed", e);
            rc = -Errno.EIO;
        }
        if (rc == ServerDispatcher.RREAD) {
            sender.rread(s, r);
        } else if (rc == ServerDispatcher.DATA_REPLY) {
            sender.send(s, r.data.mem.address(), s.dataReplySize);
        } else {
            int size = rc < 0 ? Replies.rlerror(r, -rc) : rc;
            if (size > msize && msize > 0) {
                size = Replies.rlerror(r, Errno.EMSGSIZE);
            }
            if (rc < 0) {
                stats.errors.increment();
            }
            sender.reply(s, r, size);
        }
        int[] flushes = inFlight.complete(r);
        receiver.touch();
        if (flushes != null) {
            for (int t : flushes) {
                sender.rflush(s, t);
            }
        }
    }

    private static boolean needsData(int type) {
        return type == P9Type.Twrite || type == P9Type.Treaddir;
    }

    // ---- teardown ---------------------------------------------------------------------------------

    private void teardown(String why) {
        shutdown();
        boolean stuck = workers.join();
        for (ServerFid f : fids.clear()) {
            f.put();
        }
        inFlight.dropQueued();
        receiver.close(); // the ring (on this thread, its issuer) before the socket it receives from
        synchronized (fdLock) {
            fdClosed = true;
            Native.close(fd);
        }
        if (stuck) {
            LOG.log(System.Logger.Level.WARNING, "p9 server: a worker of " + peer + " is still in a system call; "
                    + "its buffers are left to it");
        } else {
            inFlight.release();
        }
        LOG.log(System.Logger.Level.DEBUG, "p9 server: connection " + peer + " " + why);
        server.removed(this);
    }
}
