package io.jnetfs.p9.server;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;

import io.jnetfs.bvecq.BvecqIo;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.p9.P9Descriptor;
import io.jnetfs.p9.P9Type;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: a reader thread that receives T-messages, optional worker threads that
 * execute them, and the send path every reply leaves by.
 *
 * <pre>
 *   socket ──recvmsg──&gt; reader: header[7] ─┬─ Twrite: ONE recvmsg (MSG_WAITALL) of [fid offset count[16], data buffer]:
 *                                          │           the payload lands straight in pooled memory
 *                                          ├─ Tread/Treaddir: body; a data buffer taken for the reply
 *                                          ├─ Tversion, Tflush: handled by the reader itself
 *                                          └─ others: body into the slot's buffer
 *          ──&gt; run on the reader, or queue ──&gt; worker: Dispatcher.execute ──&gt; reply
 *              (workers take a Tread when more requests wait on the socket, and every Tfsync)
 *   reply ──sendmsg──&gt; [Rread header[11], data iovecs]  ONE message, under the send lock
 * </pre>
 *
 * <p>Bounds: at most {@code maxRequests} slots (the reader stops reading while all are in flight, so
 * TCP pushes back on the client), at most {@code maxInFlightBytes} of data buffers, and no message
 * above the negotiated msize: a size outside {@code 7 .. msize}, a message before Tversion, or a
 * Twrite whose count disagrees with its size closes the connection (the stream cannot be trusted to
 * stay in step); a message that is merely malformed inside is answered with {@code Rlerror(EPROTO)}.
 * A message begun must arrive whole within the message timeout, a reply must leave within it
 * ({@code SO_SNDTIMEO}), and a connection with nothing in flight that sends nothing for the idle
 * timeout is closed.
 *
 * <p>Tflush: a request still queued is dropped and Rflush sent at once; one being executed gets its
 * reply first, then the Rflush (so a client never sees an Rflush before the reply it cancels); an
 * unknown tag is answered at once.
 */
final class Connection {
    private static final System.Logger LOG = System.getLogger("io.jnetfs.p9.server");
    /** {@link #recvFully} at end of stream between messages. */
    private static final long EOF = Long.MIN_VALUE;
    /** {@link #recvFully} when the idle timeout expired between messages. */
    private static final long IDLE = Long.MIN_VALUE + 1;
    /** The smallest msize granted (the Linux client's own minimum). */
    static final int MIN_MSIZE = 4096;

    private final P9Server server;
    private final ServerConfig cfg;
    private final Stats stats;
    private final FolioPool pool;
    final int fd;
    final String peer;
    private final ServerFidTable fids;
    private final Dispatcher dispatcher;
    private final Arena arena = Arena.ofShared();
    private final Thread reader;
    private final Object sendLock = new Object();

    // guarded by this
    private final List<Request> slots = new ArrayList<>();
    private final ArrayDeque<Request> freeRequests = new ArrayDeque<>();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private final ArrayDeque<DataBuffer> freeData = new ArrayDeque<>();
    private final List<Thread> workers = new ArrayList<>();
    private int dataCount;
    private int dataMax;
    private long dataSize;
    private int idleWorkers;
    private int flying;
    private boolean fdClosed;

    private volatile boolean closing;
    private volatile int msize;
    private volatile long lastActivity = System.nanoTime();
    private long messageStart;

    Connection(P9Server server, ServerConfig cfg, Stats stats, FolioPool pool, DirExport dir, CtlExport ctl, int fd,
               String peer) {
        this.server = server;
        this.cfg = cfg;
        this.stats = stats;
        this.pool = pool;
        this.fd = fd;
        this.peer = peer;
        this.fids = new ServerFidTable(cfg.maxFids());
        this.dispatcher = new Dispatcher(this, dir, ctl, fids);
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
        closing = true;
        synchronized (this) {
            if (!fdClosed) {
                Native.shutdown(fd, LibC.SHUT_RDWR());
            }
            notifyAll();
        }
    }

    // ---- the reader ---------------------------------------------------------------------------------

    private void readLoop() {
        String why = "closed";
        Scratch s = new Scratch();
        try {
            while (!closing) {
                Request r = takeRequest();
                if (r == null) {
                    break;
                }
                long rc = receive(s, r);
                if (rc < 0) {
                    freeSlot(r);
                    why = reason(rc);
                    break;
                }
                switch (r.type) {
                    case P9Type.Tversion -> {
                        if (!version(s, r)) {
                            why = "malformed Tversion";
                            closing = true;
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
            teardown(s, why);
            s.close();
        }
    }

    private String reason(long rc) {
        if (rc == EOF) {
            return "closed by the client";
        }
        if (rc == IDLE) {
            return "idle for " + TimeUnit.NANOSECONDS.toSeconds(cfg.idleTimeoutNanos()) + " s";
        }
        return Errno.name((int) -rc);
    }

    private synchronized Request takeRequest() {
        while (!closing) {
            Request r = freeRequests.pollFirst();
            if (r != null) {
                return r;
            }
            if (slots.size() < cfg.maxRequests()) {
                r = new Request(arena.allocate(Request.SMALL, 8));
                slots.add(r);
                return r;
            }
            waitHere();
        }
        return null;
    }

    private void waitHere() {
        try {
            wait();
        } catch (InterruptedException e) {
            closing = true;
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Receives one T-message into {@code r}.
     *
     * @return 0, or a reason to close: {@link #EOF}, {@link #IDLE}, {@code -errno}
     *     ({@code -EPROTO}: the framing is broken)
     */
    private long receive(Scratch s, Request r) {
        long rc = recvFully(s, r.address, HEADER_SIZE, true);
        if (rc < 0) {
            return rc;
        }
        MemorySegment m = r.mem;
        long size = Integer.toUnsignedLong(m.get(Request.U32, 0));
        int type = m.get(Request.U8, 4) & 0xFF;
        int limit = msize == 0 ? Request.SMALL : msize;
        if (size < HEADER_SIZE || size > limit || msize == 0 && type != P9Type.Tversion) {
            stats.protocolErrors.increment();
            LOG.log(System.Logger.Level.WARNING, "p9 server: closing " + peer + ": " + P9Type.name(type) + " size="
                    + size + (msize == 0 ? " before Tversion" : " outside " + HEADER_SIZE + " .. msize=" + msize));
            return -Errno.EPROTO;
        }
        r.size = (int) size;
        r.type = type;
        r.tag = m.get(Request.U16, 5) & 0xFFFF;
        r.oversize = false;
        r.data = null;
        long body = size - HEADER_SIZE;
        if (type == P9Type.Twrite) {
            rc = receiveTwrite(s, r, body);
        } else if (body > Request.SMALL - HEADER_SIZE) {
            r.oversize = true;
            rc = discard(s, r, body);
        } else {
            rc = recvFully(s, r.address + HEADER_SIZE, body, false);
            if (rc >= 0 && (type == P9Type.Tread || type == P9Type.Treaddir)) {
                r.data = takeData();
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
    private long receiveTwrite(Scratch s, Request r, long body) {
        int fixed = P9Descriptor.TWRITE_HEADER_SIZE - HEADER_SIZE;
        if (body < fixed) {
            stats.protocolErrors.increment();
            return -Errno.EPROTO;
        }
        long payload = body - fixed;
        r.data = takeData();
        if (r.data == null) {
            return closing ? -Errno.ECONNABORTED : discard(s, r, body);
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
        r.writeFid = r.mem.get(Request.U32, 7);
        r.writeOffset = r.mem.get(Request.U64, 11);
        long count = Integer.toUnsignedLong(r.mem.get(Request.U32, 19));
        if (count != payload) {
            stats.protocolErrors.increment();
            LOG.log(System.Logger.Level.WARNING, "p9 server: closing " + peer + ": Twrite count=" + count
                    + " disagrees with size=" + r.size);
            return -Errno.EPROTO;
        }
        r.writeCount = (int) count;
        stats.twrites.increment();
        stats.twriteRecvmsgs.add(s.io.recvmsgCalls() - before);
        stats.bytesWritten.add(count);
        return 0;
    }

    /** Reads and drops {@code len} bytes of a message's body. */
    private long discard(Scratch s, Request r, long len) {
        long left = len;
        while (left > 0) {
            long n = Math.min(left, Request.SMALL - HEADER_SIZE);
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
        if (closing) {
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
            long n = s.recvOnce(fd, address + done, len - done);
            if (n > 0) {
                if (between && done == 0) {
                    messageStart = System.nanoTime();
                }
                done += n;
            } else if (n == 0) {
                return between && done == 0 ? EOF : -Errno.ECONNRESET;
            } else if (n == -Errno.EAGAIN) {
                if (between && done == 0) {
                    if (closing) {
                        return -Errno.ECONNABORTED;
                    }
                    if (cfg.idleTimeoutNanos() > 0 && inFlight() == 0
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

    private synchronized int inFlight() {
        return flying;
    }

    /**
     * A data buffer for a Tread, Treaddir or Twrite: a free one, a new one while under the connection's
     * bytes in flight, else wait for one to come back.
     *
     * @return the buffer, or null if the connection is closing or the pool has no memory for its first
     */
    private synchronized DataBuffer takeData() {
        while (!closing) {
            DataBuffer d = freeData.pollFirst();
            if (d != null) {
                return d;
            }
            if (dataCount < dataMax) {
                try {
                    d = new DataBuffer(pool, dataSize);
                    dataCount++;
                    return d;
                } catch (IllegalStateException e) {
                    if (dataCount == 0) {
                        LOG.log(System.Logger.Level.WARNING, "p9 server: no buffer memory for " + peer + ": " + e.getMessage());
                        return null;
                    }
                }
            }
            waitHere();
        }
        return null;
    }

    // ---- Tversion, Tflush -----------------------------------------------------------------------------

    /**
     * Tversion: waits until nothing is in flight, clunks every fid, grants {@code min(msize, maxMsize)}.
     *
     * @return false if the message is malformed (the connection closes)
     */
    private boolean version(Scratch s, Request r) {
        r.startBody();
        long clientMsize = Integer.toUnsignedLong(r.u32());
        long v = r.string();
        if (!r.exact() || r.oversize) {
            freeSlot(r);
            return false;
        }
        String version = new String(r.mem.asSlice(v, r.stringLength(v)).toArray(ValueLayout.JAVA_BYTE),
                StandardCharsets.UTF_8);
        synchronized (this) {
            while (flying > 0 && !closing) {
                waitHere();
            }
        }
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
            setMsize(known ? granted : 0);
            size = HEADER_SIZE + 4 + 2 + answer.length;
            r.header(size, P9Type.Rversion);
            r.put32(HEADER_SIZE, granted);
            r.put16(HEADER_SIZE + 4, answer.length);
            MemorySegment.copy(MemorySegment.ofArray(answer), 0, r.mem, HEADER_SIZE + 6, answer.length);
        }
        send(s, r.address, size);
        freeSlot(r);
        return true;
    }

    private synchronized void setMsize(int m) {
        if (m != msize) {
            for (DataBuffer d : freeData) { // nothing is in flight: every buffer is free
                d.release();
            }
            freeData.clear();
            dataCount = 0;
            msize = m;
            if (m > 0) {
                dataSize = (long) FolioPool.PAGE_SIZE << FolioPool.orderFor(m);
                dataMax = Math.clamp(cfg.maxInFlightBytes() / dataSize, 2, cfg.maxRequests());
            }
        }
    }

    private void flush(Scratch s, Request r) {
        stats.flushes.increment();
        r.startBody();
        int oldTag = r.u16();
        int tag = r.tag;
        if (!r.exact() || r.oversize) {
            int size = Replies.rlerror(r, Errno.EPROTO);
            send(s, r.address, size);
            freeSlot(r);
            return;
        }
        int[] answerNow = null;
        boolean now = true;
        synchronized (this) {
            for (Request t : slots) {
                if (t != r && t.state != Request.FREE && t.tag == oldTag) {
                    if (t.state == Request.QUEUED) {
                        queue.remove(t); // never started: dropped without a reply
                        answerNow = java.util.Arrays.copyOf(t.flushTags, t.flushCount);
                        t.flushCount = 0;
                        releaseLocked(t);
                    } else {
                        t.addFlush(tag); // answered after its reply
                        now = false;
                    }
                    break;
                }
            }
            freeSlotLocked(r);
        }
        if (answerNow != null) {
            for (int t : answerNow) {
                sendFlush(s, t);
            }
        }
        if (now) {
            sendFlush(s, tag);
        }
    }

    private void sendFlush(Scratch s, int tag) {
        MemorySegment m = s.reply;
        m.set(Request.U32, 0, HEADER_SIZE);
        m.set(Request.U8, 4, (byte) P9Type.Rflush);
        m.set(Request.U16, 5, (short) tag);
        send(s, m.address(), HEADER_SIZE);
    }

    // ---- execution ------------------------------------------------------------------------------------

    /**
     * Whether a request goes to a worker rather than running on the reader: a Tread when further
     * requests already wait on the socket (so the {@code preadv2} of one overlaps the {@code sendmsg} of
     * another, and the reader goes on reading), and every Tfsync (it may take long). Everything else,
     * and a Tread with nothing behind it, runs on the reader: no thread handoff for a client with one
     * request in flight, and Twrite payloads land in the page cache as fast as they arrive.
     */
    private static boolean offload(Scratch s, Request r, int fd) {
        return switch (r.type) {
            case P9Type.Tfsync -> true;
            case P9Type.Tread -> s.pending(fd);
            default -> false;
        };
    }

    private void dispatch(Scratch s, Request r) {
        if (cfg.workers() == 0 || !offload(s, r, fd)) {
            synchronized (this) {
                r.state = Request.RUNNING;
                flying++;
            }
            execute(s, r);
            return;
        }
        synchronized (this) {
            r.state = Request.QUEUED;
            flying++;
            queue.addLast(r);
            if (idleWorkers == 0 && workers.size() < cfg.workers()) {
                Thread w = new Thread(this::workLoop, "p9-server-" + peer + "-w" + workers.size());
                w.setDaemon(true);
                workers.add(w);
                w.start();
            } else {
                notifyAll();
            }
        }
    }

    private void workLoop() {
        Scratch s = new Scratch();
        try {
            while (true) {
                Request r;
                synchronized (this) {
                    while (queue.isEmpty() && !closing) {
                        idleWorkers++;
                        try {
                            waitHere();
                        } finally {
                            idleWorkers--;
                        }
                    }
                    if (closing) {
                        return;
                    }
                    r = queue.pollFirst();
                    r.state = Request.RUNNING;
                }
                execute(s, r);
            }
        } finally {
            s.close();
        }
    }

    private void execute(Scratch s, Request r) {
        int rc;
        try {
            rc = r.data == null && needsData(r.type) ? -Errno.ENOMEM : dispatcher.execute(s, r);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "p9 server: " + P9Type.name(r.type) + " from " + peer + " failed", e);
            rc = -Errno.EIO;
        }
        if (rc == Dispatcher.RREAD) {
            sendRread(s, r);
        } else if (rc == Dispatcher.DATA_REPLY) {
            send(s, r.data.mem.address(), s.dataReplySize);
        } else {
            int size = rc < 0 ? Replies.rlerror(r, -rc) : rc;
            if (size > msize && msize > 0) {
                size = Replies.rlerror(r, Errno.EMSGSIZE);
            }
            if (rc < 0) {
                stats.errors.increment();
            }
            send(s, r.address, size);
        }
        complete(s, r);
    }

    private static boolean needsData(int type) {
        return type == P9Type.Tread || type == P9Type.Twrite || type == P9Type.Treaddir;
    }

    private void complete(Scratch s, Request r) {
        int[] flushes = null;
        synchronized (this) {
            if (r.flushCount > 0) {
                flushes = java.util.Arrays.copyOf(r.flushTags, r.flushCount);
                r.flushCount = 0;
            }
            releaseLocked(r);
        }
        lastActivity = System.nanoTime();
        if (flushes != null) {
            for (int t : flushes) {
                sendFlush(s, t);
            }
        }
    }

    /** A dispatched request is done (or dropped): its data buffer and slot go back. */
    private void releaseLocked(Request r) {
        if (r.data != null) {
            freeData.addFirst(r.data);
            r.data = null;
        }
        flying--;
        freeSlotLocked(r);
    }

    private synchronized void freeSlot(Request r) {
        if (r.data != null) {
            freeData.addFirst(r.data);
            r.data = null;
        }
        freeSlotLocked(r);
    }

    private void freeSlotLocked(Request r) {
        r.state = Request.FREE;
        freeRequests.addFirst(r);
        notifyAll();
    }

    // ---- sending ------------------------------------------------------------------------------------

    /** Sends an Rread: the 11-byte header and the data iovecs in one {@code sendmsg}. */
    private void sendRread(Scratch s, Request r) {
        long n = s.readCount;
        r.header((int) (P9Descriptor.RREAD_HEADER_SIZE + n), P9Type.Rread);
        r.put32(HEADER_SIZE, (int) n);
        boolean ok;
        synchronized (sendLock) {
            if (closing) {
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

    private void send(Scratch s, long address, long len) {
        int rc;
        synchronized (sendLock) {
            if (closing) {
                return;
            }
            rc = s.send(fd, address, len);
        }
        if (rc < 0) {
            fail("sending a reply: " + Errno.name(-rc));
        }
    }

    private void fail(String why) {
        if (!closing) {
            LOG.log(System.Logger.Level.DEBUG, "p9 server: closing " + peer + ": " + why);
        }
        shutdown();
    }

    // ---- teardown ---------------------------------------------------------------------------------

    private void teardown(Scratch s, String why) {
        closing = true;
        synchronized (this) {
            if (!fdClosed) {
                Native.shutdown(fd, LibC.SHUT_RDWR());
            }
            notifyAll();
        }
        boolean stuck = false;
        for (Thread w : workers) { // only this thread adds workers
            try {
                w.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stuck |= w.isAlive();
        }
        for (ServerFid f : fids.clear()) {
            f.put();
        }
        synchronized (this) {
            for (Request r : queue) {
                releaseLocked(r);
            }
            queue.clear();
            if (!stuck) {
                for (Request r : slots) {
                    if (r.data != null) {
                        r.data.release();
                        r.data = null;
                    }
                }
                for (DataBuffer d : freeData) {
                    d.release();
                }
                freeData.clear();
            }
            fdClosed = true;
            Native.close(fd);
        }
        if (stuck) {
            LOG.log(System.Logger.Level.WARNING, "p9 server: a worker of " + peer + " is still in a system call; "
                    + "its buffers are left to it");
        } else {
            arena.close();
        }
        LOG.log(System.Logger.Level.DEBUG, "p9 server: connection " + peer + " " + why);
        server.removed(this);
    }
}
