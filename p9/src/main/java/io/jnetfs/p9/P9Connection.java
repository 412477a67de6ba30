package io.jnetfs.p9;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.gen.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * One 9P connection: the tag table, the send queue, the receiving thread, timeouts and Tflush.
 *
 * <pre>
 *   callers ──allocate tag──&gt; encode into tc ──submit──&gt; send queue ──(whoever holds the send lock)──&gt;
 *       one sendmsg of [tc₁, data₁..., tc₂, ...]   (several queued requests glued: a "compound")
 *
 *   receiving thread: recvmsg header ──&gt; tag ──&gt; request ──&gt; recvmsg body straight into its rc
 *       or, for Rread, into its data chain (DIRECT); or bulk chunks sliced into chains (BULK)
 *       ──&gt; check strictly ──&gt; complete: callback, or unpark the waiting caller
 * </pre>
 *
 * <p>Rules that keep memory safe and nothing hanging:
 * <ul>
 *   <li>a request completes only after its message was wholly handed to the kernel ({@code sent}), so
 *       the caller never gets its buffer back while the sender still reads it;</li>
 *   <li>nobody but the failure path waits for the send lock: a submitter that finds it held leaves its
 *       request queued, and the holder sends it (it checks the queue again after unlocking);</li>
 *   <li>the receiving thread never blocks on anything but its socket, which wakes it every tick to run
 *       timeouts: an expired request is flushed (Tflush) and completed with {@code -ETIMEDOUT}; an
 *       expired Tflush, a reply stalled mid-message or a send stalled past the timeout fails the
 *       connection;</li>
 *   <li>any malformed reply (size beyond msize, unknown type, truncated string, count larger than
 *       requested, reply to a tag not in flight) is a protocol error: the connection is shut down and
 *       every request in flight completes with {@code -EPROTO}; a lost connection completes them with
 *       {@code -ECONNRESET}. Only the receiving thread completes in-flight requests on failure, after
 *       the sender let go of them.</li>
 * </ul>
 */
final class P9Connection implements AutoCloseable {
    private static final int MSG_WAITALL = LibC.MSG_WAITALL();
    /** Errnos {@link Errno} has no constant for, looked up by name. */
    static final int ESRCH = Errno.number("ESRCH");
    static final int EPROTONOSUPPORT = Errno.number("EPROTONOSUPPORT");
    /** Every native byte, for copying to and from raw iovec addresses without making segments. */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final Transport transport;
    private final String peer;
    private final int msize;
    private final long timeoutNanos;
    private final long tickNanos;
    private final ReceiveMode mode;
    private final FolioPool pool;
    private final Arena arena = Arena.ofShared();

    // ---- tags -----------------------------------------------------------------------------------------
    private final P9Request[] slots;
    private final int[] freeTags;
    private int freeTop;
    private final ReentrantLock tagLock = new ReentrantLock();
    private final Condition tagFreed = tagLock.newCondition();

    // ---- sending --------------------------------------------------------------------------------------
    private final ReentrantLock queueLock = new ReentrantLock();
    /** Written under queueLock; read without it only as a hint ({@link #flushBeforeBlocking()}). */
    private volatile P9Request queueHead;
    private P9Request queueTail;
    private boolean sendClosed;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final MsgBuffers sendBufs = new MsgBuffers();
    private final ThreadLocal<Plug> plugs = ThreadLocal.withInitial(Plug::new);
    private volatile long messagesSent;
    private volatile long twritesSent;
    /** Times the receiving thread left what the socket refused to the sender thread. */
    private volatile long sendsHandedOff;
    /** Sends what the receiving thread could not send without waiting; started on first need. */
    private Thread sender;
    /** Under queueLock: the receiving thread left requests for {@link #sender}. */
    private boolean sendWanted;
    private final Condition sendQueued = queueLock.newCondition();
    /** sendBatch's list of requests not (wholly) sent when it returned {@link #SEND_LATER}. */
    private P9Request unsent;
    /** sendBatch on the receiving thread: the socket took less than offered, the rest waits. */
    private static final int SEND_LATER = 1;

    // ---- receiving ------------------------------------------------------------------------------------
    private final MsgBuffers recvBufs = new MsgBuffers();
    private final MemorySegment hdr;
    private final long hdrAddress;
    /** DIRECT: bytes of the next reply's header already received with the previous body. */
    private int hdrHave;
    private final MemorySegment discard;
    private final long discardAddress;
    private Thread receiver;
    private long lastProgress;
    private long nextScan;
    private Folio chunk;
    private MemorySegment chunkSeg;
    private long chunkFill;
    private long chunkParse;
    private final long chunkSize;
    private volatile long repliesReceived;
    private volatile long bytesCopied;

    // ---- failure --------------------------------------------------------------------------------------
    private volatile int failErrno;
    private volatile String failReason;
    private volatile boolean closed;
    private IntConsumer fidRecycler = fid -> { };

    /**
     * @param transport a connected transport, owned from now on
     * @param peer "host:port", for messages
     * @param maxTags how many requests may be in flight (tags 0 .. maxTags-1)
     * @param pool pool for bulk chunks and for chains the connection grows; may be {@code null} for
     *     DIRECT mode without append reads
     */
    P9Connection(Transport transport, String peer, int msize, long timeoutNanos, long tickNanos, int maxTags,
                 ReceiveMode mode, FolioPool pool) {
        if (maxTags < 2 || maxTags > 0xFFFF) {
            throw new IllegalArgumentException("invalid maxTags=" + maxTags + " (2 .. 65535)");
        }
        this.transport = transport;
        this.peer = peer;
        this.msize = msize;
        this.timeoutNanos = timeoutNanos;
        this.tickNanos = tickNanos;
        this.mode = mode;
        this.pool = pool;
        this.slots = new P9Request[maxTags];
        this.freeTags = new int[maxTags];
        for (int i = 0; i < maxTags; i++) {
            slots[i] = new P9Request(i);
            freeTags[i] = maxTags - 1 - i; // lowest tag on top: a small working set of slots
        }
        this.freeTop = maxTags;
        this.hdr = arena.allocate(64, 8);
        this.hdrAddress = hdr.address();
        this.discard = arena.allocate(msize, 4096);
        this.discardAddress = discard.address();
        this.chunkSize = mode == ReceiveMode.BULK ? bulkChunkSize(msize) : 0;
    }

    /** A power of two holding at least four full messages, 256 KiB .. 2 MiB. */
    static long bulkChunkSize(int msize) {
        long want = Math.max(256L << 10, 4L * msize);
        return Math.min(FolioPool.MAX_FOLIO, Long.highestOneBit(want - 1) << 1);
    }

    // ---- handshake ------------------------------------------------------------------------------------

    /**
     * Tversion before the receiving thread runs: asks for {@code wantMsize} and "9P2000.L".
     *
     * @return the server's msize, or {@code -errno} ({@code -EPROTO} with {@link #failReason()} set
     *     for a bad reply, {@code -EPROTONOSUPPORT} for another version)
     */
    static int version(Transport t, int wantMsize, long timeoutNanos, StringBuilder why) {
        try (Arena a = Arena.ofConfined(); MsgBuffers m = new MsgBuffers()) {
            int r = versionExchange(t, a, m, wantMsize, timeoutNanos, why);
            if (r < 0) {
                // an io_uring RECVMSG may still be in flight into these buffers: end it before they go
                t.shutdown();
            }
            return r;
        }
    }

    private static int versionExchange(Transport t, Arena a, MsgBuffers m, int wantMsize, long timeoutNanos,
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
            return -EPROTONOSUPPORT;
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
            long r = t.recvmsg(m, MSG_WAITALL);
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

    /** Starts the receiving thread. */
    void start() {
        lastProgress = System.nanoTime();
        nextScan = lastProgress + tickNanos;
        receiver = Thread.ofPlatform().daemon().name("p9-recv " + peer + " " + transport.describe())
                .unstarted(this::receive);
        receiver.start();
    }

    void fidRecycler(IntConsumer recycler) {
        this.fidRecycler = recycler;
    }

    // ---- accessors ------------------------------------------------------------------------------------

    int msize() {
        return msize;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    ReceiveMode mode() {
        return mode;
    }

    FolioPool pool() {
        return pool;
    }

    String peer() {
        return peer;
    }

    Transport transport() {
        return transport;
    }

    P9Request slot(int tag) {
        return slots[tag];
    }

    int maxTags() {
        return slots.length;
    }

    /** {@return the errno the connection failed with, or 0 while it works} */
    int failErrno() {
        return failErrno;
    }

    /** {@return why the connection failed, or {@code null} while it works} */
    String failReason() {
        return failReason;
    }

    boolean isReceiverThread() {
        return Thread.currentThread() == receiver;
    }

    long messagesSent() {
        return messagesSent;
    }

    long sendsHandedOff() {
        return sendsHandedOff;
    }

    long twritesSent() {
        return twritesSent;
    }

    long repliesReceived() {
        return repliesReceived;
    }

    long bytesCopied() {
        return bytesCopied;
    }

    /** {@return tags currently not free (in use by callers or on the wire)} */
    int tagsInUse() {
        tagLock.lock();
        try {
            return slots.length - freeTop;
        } finally {
            tagLock.unlock();
        }
    }

    // ---- tags -----------------------------------------------------------------------------------------

    /**
     * Takes a free tag for a new request. Waits (up to the timeout) when none is free, except on the
     * receiving thread, which never waits.
     *
     * @return the tag, or {@code -errno}: the failure's errno once the connection failed,
     *     {@code -EAGAIN} on the receiving thread with no free tag, {@code -ETIMEDOUT}
     */
    int allocate() {
        boolean mayWait = !isReceiverThread();
        long deadline = System.nanoTime() + timeoutNanos;
        tagLock.lock();
        try {
            while (freeTop == 0 || closed) {
                if (closed) {
                    return -closedErrno();
                }
                if (!mayWait) {
                    return -Errno.EAGAIN;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return -Errno.ETIMEDOUT;
                }
                try {
                    tagFreed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -Errno.EINTR;
                }
            }
            int tag = freeTags[--freeTop];
            P9Request r = slots[tag];
            r.ensureBuffers(arena);
            r.gen++;
            r.waiter = Thread.currentThread();
            r.holdsRelease(P9Request.HOLD_OWNER);
            r.stateRelease(P9Request.BUILDING);
            return tag;
        } finally {
            tagLock.unlock();
        }
    }

    private int closedErrno() {
        int e = failErrno;
        return e != 0 ? e : Errno.ENOTCONN;
    }

    /** The owner is done with a request (read its reply, or gave up on it before submitting). */
    void release(P9Request r) {
        putHolds(r, P9Request.HOLD_OWNER);
    }

    private void putHolds(P9Request r, int bits) {
        if (r.putHolds(bits) == 0) {
            tagLock.lock();
            try {
                r.reset();
                r.stateRelease(P9Request.FREE);
                freeTags[freeTop++] = r.tag;
                tagFreed.signal();
            } finally {
                tagLock.unlock();
            }
        }
    }

    // ---- submitting -----------------------------------------------------------------------------------

    /**
     * Queues a built request (its {@code tc} encoded) and sends the queue unless this thread is plugged.
     *
     * @return 0, or {@code -errno} if the connection has failed (the request stays the caller's, to
     *     {@link #release})
     */
    int submit(P9Request r) {
        r.deadline = System.nanoTime() + timeoutNanos;
        r.sentBytes = 0;
        r.nextQueued = null;
        Plug plug = plugs.get();
        queueLock.lock();
        try {
            if (sendClosed) {
                return -closedErrno();
            }
            r.addHold(P9Request.HOLD_WIRE);
            // release: the receiving thread reads the request's fields after seeing INFLIGHT
            r.stateRelease(P9Request.INFLIGHT);
            if (plug.depth > 0) {
                plug.append(r); // this thread's own list: nobody sends it before unplug()
            } else {
                if (queueTail == null) {
                    queueHead = r;
                } else {
                    queueTail.nextQueued = r;
                }
                queueTail = r;
            }
        } finally {
            queueLock.unlock();
        }
        // the receiving thread's requests (issued from callbacks) wait until it is about to block in
        // recvmsg, so the requests of all the replies it took from one receive leave together
        if (plug.depth == 0 && !isReceiverThread()) {
            flushSends();
        }
        return 0;
    }

    /** On the receiving thread, before a recvmsg that may block: send what its callbacks queued. */
    private void flushBeforeBlocking() {
        if (queueHead != null) {
            flushSends();
        }
    }

    /**
     * Whether the receiving thread already holds the start of another reply: called from a completion
     * callback, true means another completion follows without waiting for the socket. DIRECT: bytes of
     * the next header came with this reply's data; BULK: the chunk holds bytes past this reply. On any
     * other thread, false.
     */
    boolean replyArriving() {
        if (Thread.currentThread() != receiver) {
            return false;
        }
        return mode == ReceiveMode.DIRECT ? hdrHave > 0 : chunkFill > chunkParse;
    }

    /** A thread's plug: the requests it issued since {@link #plug()}, in order. */
    private static final class Plug {
        int depth;
        P9Request head;
        P9Request tail;

        void append(P9Request r) {
            if (tail == null) {
                head = r;
            } else {
                tail.nextQueued = r;
            }
            tail = r;
        }
    }

    /** Holds this thread's requests until {@link #unplug()}, so they leave together. */
    void plug() {
        plugs.get().depth++;
    }

    /** Ends a {@link #plug()}; the outermost sends what is queued, glued into as few sendmsg as fit. */
    void unplug() {
        Plug plug = plugs.get();
        if (plug.depth <= 0) {
            throw new IllegalStateException("unplug without plug");
        }
        if (--plug.depth > 0) {
            return;
        }
        P9Request h = plug.head;
        P9Request t = plug.tail;
        plug.head = null;
        plug.tail = null;
        if (h == null) {
            return;
        }
        queueLock.lock();
        try {
            // after a failure the requests were completed by the receiving thread (and may have been
            // reused since): drop the list without looking at it
            if (!sendClosed) {
                if (queueTail == null) {
                    queueHead = h;
                } else {
                    queueTail.nextQueued = h;
                }
                queueTail = t;
            }
        } finally {
            queueLock.unlock();
        }
        flushSends();
    }

    private P9Request takeQueue() {
        queueLock.lock();
        try {
            P9Request h = queueHead;
            queueHead = null;
            queueTail = null;
            return h;
        } finally {
            queueLock.unlock();
        }
    }

    private boolean queueEmpty() {
        queueLock.lock();
        try {
            return queueHead == null;
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Sends everything queued (flat combining): the thread that gets the send lock sends for all;
     * one that does not leaves, since the holder looks at the queue again after unlocking.
     *
     * <p>The receiving thread never waits in sendmsg: it sends before it receives again, and a server
     * that waits for its replies to be read may stop reading. It offers the socket what is queued with
     * {@code MSG_DONTWAIT}; what the socket refuses goes back to the head of the queue for the sender
     * thread, which may wait.
     */
    void flushSends() {
        boolean onReceiver = isReceiverThread();
        while (true) {
            if (!sendLock.tryLock()) {
                return;
            }
            boolean handOff = false;
            try {
                P9Request batch;
                while ((batch = takeQueue()) != null) {
                    int r = sendBatch(batch, onReceiver);
                    if (r == SEND_LATER) {
                        putBack(unsent);
                        unsent = null;
                        handOff = true;
                        break;
                    }
                    if (r < 0) {
                        fail(-r, r == -Errno.ETIMEDOUT ? "sendmsg made no progress within the timeout"
                                : "sendmsg failed: " + Errno.describe(-r));
                        return;
                    }
                }
            } finally {
                sendLock.unlock();
            }
            if (handOff) {
                wakeSender();
                return;
            }
            if (queueEmpty()) {
                return;
            }
        }
    }

    /** Puts a list that was taken and not (wholly) sent back at the head of the queue, in order. */
    private void putBack(P9Request list) {
        P9Request last = list;
        while (last.nextQueued != null) {
            last = last.nextQueued;
        }
        queueLock.lock();
        try {
            last.nextQueued = queueHead;
            if (queueHead == null) {
                queueTail = last;
            }
            queueHead = list;
        } finally {
            queueLock.unlock();
        }
    }

    /** Wakes the sender thread, starting it if it is not running. */
    private void wakeSender() {
        queueLock.lock();
        try {
            if (sendClosed) {
                return; // the receiving thread completes what is queued
            }
            sendsHandedOff++;
            sendWanted = true;
            if (sender == null) {
                sender = Thread.ofPlatform().daemon().name("p9-send " + peer).start(this::senderLoop);
            } else {
                sendQueued.signal();
            }
        } finally {
            queueLock.unlock();
        }
    }

    /** The sender thread: flushes, waiting if it must, what the receiving thread left; ends with the connection. */
    private void senderLoop() {
        while (true) {
            queueLock.lock();
            try {
                while (!sendWanted && !sendClosed) {
                    sendQueued.awaitUninterruptibly();
                }
                if (sendClosed) {
                    sender = null;
                    return;
                }
                sendWanted = false;
            } finally {
                queueLock.unlock();
            }
            flushSends(); // not the receiving thread: it may wait in sendmsg
        }
    }

    private static long messageBytes(P9Request r) {
        return r.tcLen + (r.dataKind == P9Request.DATA_WRITE ? r.requested : 0);
    }

    /**
     * Sends a queued list in as few sendmsg as IOV_MAX allows.
     *
     * @param dontWait offer the socket only what it takes now (the receiving thread)
     * @return 0, {@link #SEND_LATER} with the rest in {@link #unsent} (only with {@code dontWait}), or
     *     {@code -errno}
     */
    private int sendBatch(P9Request first, boolean dontWait) {
        MsgBuffers m = sendBufs;
        P9Request cur = first;
        while (cur != null) {
            int e = 0;
            long offered = 0;
            for (P9Request r = cur; r != null && e < MsgBuffers.IOV_MAX; r = r.nextQueued) {
                long hdrLeft = r.tcLen - Math.min(r.sentBytes, r.tcLen);
                if (hdrLeft > 0) {
                    m.set(e++, r.tcAddress + r.sentBytes, hdrLeft);
                    offered += hdrLeft;
                }
                if (r.dataKind == P9Request.DATA_WRITE) {
                    long dataLeft = r.requested - Math.max(0, r.sentBytes - r.tcLen);
                    if (dataLeft > 0) {
                        if (e == MsgBuffers.IOV_MAX) {
                            break;
                        }
                        e += r.data.gather(m.iov, e, MsgBuffers.IOV_MAX - e, dataLeft);
                        offered += r.data.iovBytes();
                        if (r.data.iovBytes() < dataLeft) {
                            break; // the rest of this message goes in the next sendmsg, before any other
                        }
                    }
                }
            }
            m.prepare(e);
            long sent = dontWait ? transport.sendmsgNow(m) : transport.sendmsg(m);
            if (dontWait && sent == -Errno.EAGAIN) {
                unsent = cur;
                return SEND_LATER;
            }
            if (sent < 0) {
                return (int) (sent == -Errno.EAGAIN ? -Errno.ETIMEDOUT : sent);
            }
            if (sent == 0) {
                return -Errno.EPIPE;
            }
            long left = sent;
            while (cur != null && left > 0) {
                long total = messageBytes(cur);
                long take = Math.min(left, total - cur.sentBytes);
                long hdrPart = Math.max(0, Math.min(take, cur.tcLen - cur.sentBytes));
                if (take > hdrPart) {
                    cur.data.advance(take - hdrPart);
                }
                cur.sentBytes += take;
                left -= take;
                if (cur.sentBytes < total) {
                    break;
                }
                P9Request next = cur.nextQueued;
                cur.nextQueued = null;
                messagesSent++;
                if (cur.type == P9Type.Twrite) {
                    twritesSent++;
                }
                // release: from here the receiving thread may complete (and free) the request
                cur.markSent();
                cur = next;
            }
            if (dontWait && sent < offered) {
                unsent = cur; // the socket is full: a partly sent message goes on first, from sentBytes
                return SEND_LATER;
            }
        }
        return 0;
    }

    // ---- waiting and cancelling ---------------------------------------------------------------------

    /**
     * Waits until a request completes. The receiving thread completes every request within the
     * timeout (or fails the connection), so this wait ends.
     *
     * @return the result: bytes or 0, or {@code -errno}
     */
    long await(P9Request r) {
        while (!r.isCompleted()) {
            LockSupport.parkNanos(this, tickNanos);
            if (!r.isCompleted() && receiver != null && !receiver.isAlive()) {
                // the receiving thread completes everything in flight before it ends
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
                if (!r.isCompleted()) {
                    return -Errno.EIO;
                }
            }
        }
        return r.result;
    }

    /**
     * Cancels a request by handle: sends Tflush for it and completes it with {@code -errno} at once.
     * Its tag stays held until the Rflush arrives.
     *
     * @param handle the value {@link P9Request#handle()} had when it was issued
     * @return 0 if cancelled, {@code -EALREADY} if its reply is already being received or it completed,
     *     {@code -ESRCH} if the handle names no request in flight
     */
    int cancel(long handle, int errno) {
        int tag = (int) (handle & 0xFFFF);
        if (tag >= slots.length) {
            return -ESRCH;
        }
        P9Request r = slots[tag];
        long deadline = System.nanoTime() + timeoutNanos;
        // a request is only cancelled once wholly sent: its buffers go back to the caller at once
        while (true) {
            tagLock.lock();
            try {
                if (r.handle() != handle || r.state() < P9Request.INFLIGHT) {
                    return -ESRCH;
                }
                if (r.state() != P9Request.INFLIGHT) {
                    return -Errno.EALREADY;
                }
                if (r.isSent() && r.casState(P9Request.INFLIGHT, P9Request.CANCELLED)) {
                    break;
                }
            } finally {
                tagLock.unlock();
            }
            if (System.nanoTime() - deadline > 0) {
                return -Errno.ETIMEDOUT;
            }
            LockSupport.parkNanos(this, 20_000);
        }
        flushCancelled(r, errno);
        return 0;
    }

    /** After INFLIGHT -&gt; CANCELLED: queue the Tflush, then complete the request to its owner. */
    private void flushCancelled(P9Request r, int errno) {
        r.cancelled = true;
        int ft = allocate();
        if (ft < 0) {
            // no tag for the Tflush: the tag of r can never be reused safely; give up the connection
            complete(r, -errno, false);
            fail(Errno.ETIMEDOUT, "no free tag to send Tflush(oldtag=" + r.tag + ")");
            return;
        }
        P9Request f = slots[ft];
        f.type = P9Type.Tflush;
        f.tcLen = P9Codec.tflush(f.tc, ft, r.tag);
        f.flushLink = r;
        r.flushLink = f;
        f.internal = () -> flushDone(f);
        f.waiter = null;
        completeToOwner(r, -errno);
        if (submit(f) < 0) {
            release(f);
        }
    }

    /** The Tflush's reply (or the connection's failure) arrived: the flushed tag may be reused now. */
    private void flushDone(P9Request f) {
        P9Request r = f.flushLink;
        if (r.createsFid >= 0) {
            fidRecycler.accept(r.createsFid); // the server never made it (no successful late reply)
            r.createsFid = -1;
        }
        putHolds(r, P9Request.HOLD_WIRE);
        putHolds(f, P9Request.HOLD_WIRE | P9Request.HOLD_OWNER);
    }

    // ---- completing -----------------------------------------------------------------------------------

    /** Completes a request whose reply arrived (or whose connection failed) and puts its wire hold. */
    private void complete(P9Request r, long result, boolean wire) {
        r.result = result;
        r.stateRelease(P9Request.DONE);
        if (r.internal != null) {
            r.markCompleted();
            r.internal.run();
            return;
        }
        if (wire) {
            // before the owner hears of it: once the owner lets go, the tag is free at once
            putHolds(r, P9Request.HOLD_WIRE);
        }
        completeToOwner(r, result);
    }

    /** Hands the result to the owner: the callback (then its hold is put) or the waiting thread. */
    private void completeToOwner(P9Request r, long result) {
        r.result = result;
        P9Callback cb = r.callback;
        if (cb != null) {
            long cookie = r.cookie;
            r.markCompleted();
            try {
                cb.complete(cookie, result);
            } catch (RuntimeException | Error e) {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            } finally {
                putHolds(r, P9Request.HOLD_OWNER);
            }
        } else {
            Thread w = r.waiter; // read before markCompleted: the owner may then free and reuse the slot
            // release: the owner reads result and rc after seeing completed
            r.markCompleted();
            LockSupport.unpark(w);
        }
    }

    // ---- failing --------------------------------------------------------------------------------------

    /**
     * Fails the connection: records the first failure, shuts the socket down (waking both directions);
     * the receiving thread then completes every request in flight with {@code -errno}. Idempotent.
     */
    void fail(int errno, String reason) {
        synchronized (this) {
            if (failErrno == 0) {
                failReason = "9P connection to " + peer + " failed: " + reason;
                failErrno = errno; // volatile write after the reason: readers check the errno first
            }
        }
        queueLock.lock();
        try {
            sendClosed = true;
            sendQueued.signalAll(); // the sender thread ends
        } finally {
            queueLock.unlock();
        }
        transport.shutdown();
    }

    private void protocolError(String what) {
        fail(Errno.EPROTO, "protocol error: " + what);
    }

    /** On the receiving thread as it ends: completes everything in flight with the failure's errno. */
    private void failAll() {
        if (failErrno == 0) {
            fail(Errno.ECONNRESET, "receiving thread ended");
        }
        // wait until no sender is inside sendmsg with a request's memory; after the shutdown none blocks
        sendLock.lock();
        sendLock.unlock();
        takeQueue(); // unsent requests are INFLIGHT and completed below
        int errno = failErrno;
        tagLock.lock();
        try {
            closed = true;
            tagFreed.signalAll();
        } finally {
            tagLock.unlock();
        }
        for (P9Request r : slots) {
            int s = r.state();
            if (s == P9Request.INFLIGHT || s == P9Request.RECEIVING) {
                r.cancelled = false;
                complete(r, -errno, true);
            }
        }
        if (chunk != null) {
            chunk.put();
            chunk = null;
        }
    }

    // ---- receiving ------------------------------------------------------------------------------------

    private void receive() {
        try {
            if (mode == ReceiveMode.BULK) {
                bulkLoop();
            } else {
                directLoop();
            }
        } catch (RuntimeException | Error e) {
            fail(Errno.EIO, "receiving thread failed: " + e);
            throw e;
        } finally {
            failAll();
        }
    }

    /**
     * Receives exactly {@code total} bytes into the entries {@code [0, n)} of {@link #recvBufs}.
     *
     * @param atBoundary whether nothing of the current message was received yet
     * @return 0, or {@code -errno} (the connection has then been failed)
     */
    private int recvAll(int n, long total, boolean atBoundary) {
        return recvAll(n, total, atBoundary, false);
    }

    /**
     * Receives exactly {@code total} bytes into the entries {@code [0, n)} of {@link #recvBufs}; with
     * {@code ahead}, also up to the 7 header bytes of the next reply where they are already there.
     *
     * <pre>
     *   ahead: iov = [ body ... (total) ][ hdr: next reply's header (7) ]   flags 0, not MSG_WAITALL:
     *   each recvmsg takes what the socket holds; the loop stops when the body is complete, with
     *   whatever part of the next header came along in {@link #hdrHave} -- never waiting for it
     * </pre>
     *
     * When replies queue up back to back this makes one recvmsg per reply instead of two.
     *
     * @return 0, or {@code -errno} (the connection has then been failed)
     */
    private int recvAll(int n, long total, boolean atBoundary, boolean ahead) {
        MsgBuffers m = recvBufs;
        int entries = n;
        int flags = MSG_WAITALL;
        if (ahead && n < MsgBuffers.IOV_MAX) {
            m.set(entries++, hdrAddress, HEADER_SIZE);
            flags = 0;
        }
        m.prepare(entries);
        long done = 0;
        while (done < total) {
            flushBeforeBlocking();
            long r = transport.recvmsg(m, flags);
            if (r > 0) {
                done += r;
                lastProgress = System.nanoTime();
                if (done < total) {
                    m.consume(r);
                }
                continue;
            }
            if (r == 0) {
                fail(Errno.ECONNRESET, atBoundary && done == 0 ? "server closed the connection (end of stream)"
                        : "end of stream in the middle of a reply");
                return -Errno.ECONNRESET;
            }
            if (r == -Errno.EAGAIN) {
                if (failErrno != 0) {
                    return -failErrno;
                }
                long now = System.nanoTime();
                if (!(atBoundary && done == 0) && now - lastProgress > timeoutNanos) {
                    fail(Errno.ETIMEDOUT, "reply stalled mid-message for more than "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                    return -Errno.ETIMEDOUT;
                }
                scanTimeouts(now);
                if (failErrno != 0) {
                    return -failErrno;
                }
                continue;
            }
            if (failErrno == 0) {
                fail((int) -r, "recvmsg failed: " + Errno.describe((int) -r));
            }
            return (int) r;
        }
        hdrHave = (int) (done - total); // 0 without ahead: MSG_WAITALL never overshoots its entries
        return 0;
    }

    /** Cancels expired requests (Tflush); fails the connection for an expired Tflush or unsent request. */
    private void scanTimeouts(long now) {
        if (now - nextScan < 0) {
            return;
        }
        nextScan = now + tickNanos;
        for (P9Request r : slots) {
            if (r.state() != P9Request.INFLIGHT || now - r.deadline < 0) {
                continue;
            }
            if (r.type == P9Type.Tflush) {
                fail(Errno.ETIMEDOUT, "Tflush(oldtag=" + r.flushLink.tag + ") not answered within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                return;
            }
            if (!r.isSent()) {
                fail(Errno.ETIMEDOUT, P9Type.name(r.type) + "(tag=" + r.tag + ") not sent within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                return;
            }
            if (r.casState(P9Request.INFLIGHT, P9Request.CANCELLED)) {
                flushCancelled(r, Errno.ETIMEDOUT);
            }
        }
    }

    /** The request a reply's tag names, if it is in flight and wholly sent; else a protocol error. */
    private P9Request inFlight(int tag, int type) {
        P9Request r = tag < slots.length ? slots[tag] : null;
        int s = r == null ? P9Request.FREE : r.state();
        if (s != P9Request.INFLIGHT && s != P9Request.CANCELLED) {
            protocolError(P9Type.name(type) + " for tag=" + tag + ", which is not in flight");
            return null;
        }
        // a legitimate reply can overtake the sender's bookkeeping by a few instructions, not more
        long deadline = System.nanoTime() + timeoutNanos;
        for (int spins = 0; !r.isSent(); spins++) {
            if (failErrno != 0) {
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

    private void directLoop() {
        while (failErrno == 0) {
            if (hdrHave < HEADER_SIZE) {
                recvBufs.set(0, hdrAddress + hdrHave, HEADER_SIZE - hdrHave);
                if (recvAll(1, HEADER_SIZE - hdrHave, hdrHave == 0) < 0) {
                    return;
                }
            }
            hdrHave = 0;
            long size = Integer.toUnsignedLong(P9Codec.u32(hdr, 0));
            int type = P9Codec.u8(hdr, 4);
            int tag = P9Codec.u16(hdr, 5);
            String bad = P9Codec.checkHeader(size, type, msize);
            if (bad != null) {
                protocolError(bad + " (tag=" + tag + ")");
                return;
            }
            P9Request r = inFlight(tag, type);
            if (r == null) {
                return;
            }
            boolean live = r.casState(P9Request.INFLIGHT, P9Request.RECEIVING);
            long body = size - HEADER_SIZE;
            if ((type == P9Type.Rread && r.type == P9Type.Tread) || (type == P9Type.Rreaddir && r.type == P9Type.Treaddir)) {
                long count = dataCount(r, type, body);
                if (count < 0 || !recvData(r, live, count)) {
                    return;
                }
                if (!finishData(r, live, type, count)) {
                    return;
                }
            } else {
                if (body > P9Request.FCALL_CAPACITY) {
                    protocolError(P9Type.name(type) + " of " + size + " bytes in reply to " + P9Type.name(r.type)
                            + " is larger than any such reply");
                    return;
                }
                recvBufs.set(0, r.rc.address(), body);
                if (body > 0 && recvAll(1, body, false, true) < 0) {
                    return;
                }
                if (!finishReply(r, live, type, body)) {
                    return;
                }
            }
            repliesReceived++;
            scanTimeouts(System.nanoTime());
        }
    }

    /** The data count an Rread/Rreaddir header announces, after checking it. @return count or -1 */
    private long dataCount(P9Request r, int type, long body) {
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

    /** DIRECT: receives {@code count[4]} into rc and the data into the destination (or discards it). */
    private boolean recvData(P9Request r, boolean live, long count) {
        MsgBuffers m = recvBufs;
        m.set(0, r.rc.address(), 4);
        if (!live) {
            m.set(1, discardAddress, count);
            return recvAll(count > 0 ? 2 : 1, 4 + count, false, true) >= 0;
        }
        if (r.dataKind == P9Request.DATA_DIRENTS) {
            m.set(1, r.direntDest.address(), count);
            return recvAll(count > 0 ? 2 : 1, 4 + count, false, true) >= 0;
        }
        BvecqIter it = r.data;
        long left = count;
        int e = 1;
        long first = 4;
        while (true) {
            long bytes = 0;
            if (left > 0) {
                e += it.gather(m.iov, e, MsgBuffers.IOV_MAX - e, left);
                bytes = it.iovBytes();
            }
            if (recvAll(e, first + bytes, false, left == bytes) < 0) {
                return false;
            }
            if (bytes > 0) {
                it.advance(bytes);
            }
            left -= bytes;
            if (left == 0) {
                return true;
            }
            e = 0;
            first = 0;
        }
    }

    /** After an Rread/Rreaddir's data: check the count field and complete (or note a late reply). */
    private boolean finishData(P9Request r, boolean live, int type, long count) {
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
        if (r.appendTo != null && mode == ReceiveMode.DIRECT && count < r.requested) {
            r.appendTo.shorten(r.requested - count);
        }
        complete(r, count, true);
        return true;
    }

    /** After a non-data reply's body is in rc: check it strictly and complete. */
    private boolean finishReply(P9Request r, boolean live, int type, long body) {
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
            lateReply(r, type);
            return true;
        }
        complete(r, result, true);
        return true;
    }

    /** The reply to a flushed request came before the Rflush: a fid it made must be clunked. */
    private void lateReply(P9Request r, int type) {
        if (r.createsFid < 0 || type == P9Type.Rlerror) {
            return;
        }
        boolean made = type == P9Type.Rattach || (type == P9Type.Rwalk && P9Codec.u16(r.rc, 0) == r.requested);
        if (!made) {
            return;
        }
        int fid = r.createsFid;
        r.createsFid = -1; // the flush's completion must not recycle it: the clunk's will
        int ct = allocate();
        if (ct < 0) {
            return; // no tag: the fid number stays taken on the server and here
        }
        P9Request c = slots[ct];
        c.type = P9Type.Tclunk;
        c.tcLen = P9Codec.tclunk(c.tc, ct, fid);
        c.waiter = null;
        c.internal = () -> {
            fidRecycler.accept(fid);
            putHolds(c, P9Request.HOLD_WIRE | P9Request.HOLD_OWNER);
        };
        if (submit(c) < 0) {
            release(c);
        }
    }

    // ---- bulk receive ---------------------------------------------------------------------------------

    /**
     * BULK: receive whatever the socket holds into a pooled chunk, then take whole replies out of it.
     *
     * <pre>
     *   chunk: [ consumed replies | parse .. fill: partial reply | free ... chunkSize ]
     * </pre>
     * A reply that would not fit in the rest of the chunk moves (its received part copied) to the start
     * of a fresh chunk; a chunk stays alive while slices of it live in callers' chains.
     */
    private void bulkLoop() {
        if (!newChunk(0)) {
            return;
        }
        while (failErrno == 0) {
            if (!bulkNeed(HEADER_SIZE)) {
                return;
            }
            long at = chunkParse;
            long size = Integer.toUnsignedLong(P9Codec.u32(chunkSeg, at));
            int type = P9Codec.u8(chunkSeg, at + 4);
            int tag = P9Codec.u16(chunkSeg, at + 5);
            String bad = P9Codec.checkHeader(size, type, msize);
            if (bad != null) {
                protocolError(bad + " (tag=" + tag + ")");
                return;
            }
            P9Request r = inFlight(tag, type);
            if (r == null) {
                return;
            }
            long body = size - HEADER_SIZE;
            boolean data = (type == P9Type.Rread && r.type == P9Type.Tread)
                    || (type == P9Type.Rreaddir && r.type == P9Type.Treaddir);
            if (data) {
                // check the count (from the size) before taking the data in: never more than requested
                if (dataCount(r, type, body) < 0) {
                    return;
                }
            } else if (body > P9Request.FCALL_CAPACITY) {
                protocolError(P9Type.name(type) + " of " + size + " bytes in reply to " + P9Type.name(r.type)
                        + " is larger than any such reply");
                return;
            }
            if (!bulkNeed(size)) {
                return;
            }
            at = chunkParse;
            boolean live = r.casState(P9Request.INFLIGHT, P9Request.RECEIVING);
            if (data) {
                long count = body - 4;
                MemorySegment.copy(chunkSeg, at + HEADER_SIZE, r.rc, 0, 4);
                if (live) {
                    deliverFromChunk(r, at + HEADER_SIZE + 4, count);
                }
                chunkParse += size;
                if (!finishData(r, live, type, count)) {
                    return;
                }
            } else {
                MemorySegment.copy(chunkSeg, at + HEADER_SIZE, r.rc, 0, body);
                chunkParse += size;
                if (!finishReply(r, live, type, body)) {
                    return;
                }
            }
            repliesReceived++;
            scanTimeouts(System.nanoTime());
        }
    }

    /** Puts an Rread's data where the request wants it: a slice of the chunk, or a copy. */
    private void deliverFromChunk(P9Request r, long off, long count) {
        if (count == 0) {
            return;
        }
        if (r.dataKind == P9Request.DATA_DIRENTS) {
            MemorySegment.copy(chunkSeg, off, r.direntDest, 0, count);
            return;
        }
        if (r.appendTo != null) {
            r.appendTo.appendFolio(chunk.get(), off, count);
            return;
        }
        BvecqIter it = r.data;
        MsgBuffers m = recvBufs;
        long left = count;
        long src = off;
        while (left > 0) {
            int n = it.gather(m.iov, 0, MsgBuffers.IOV_MAX, left);
            for (int i = 0; i < n; i++) {
                long base = io.jnetfs.bvecq.IovecDescriptor.base(m.iov, i);
                long len = io.jnetfs.bvecq.IovecDescriptor.len(m.iov, i);
                MemorySegment.copy(chunkSeg, src, ALL, base, len);
                src += len;
            }
            long bytes = it.iovBytes();
            it.advance(bytes);
            left -= bytes;
        }
        bytesCopied += count;
    }

    /** Makes sure {@code need} bytes from {@link #chunkParse} are in the chunk, receiving as needed. */
    private boolean bulkNeed(long need) {
        while (chunkFill - chunkParse < need) {
            if (chunkParse + need > chunkSize && !newChunk(chunkFill - chunkParse)) {
                return false;
            }
            recvBufs.set(0, chunk.address() + chunkFill, chunkSize - chunkFill);
            boolean atBoundary = chunkFill == chunkParse;
            long got = recvSome(atBoundary);
            if (got < 0) {
                return false;
            }
            chunkFill += got;
        }
        return true;
    }

    /** One recvmsg (no MSG_WAITALL) into entry 0, handling ticks like {@link #recvAll}. */
    private long recvSome(boolean atBoundary) {
        recvBufs.prepare(1);
        while (true) {
            flushBeforeBlocking();
            long r = transport.recvmsg(recvBufs, 0);
            if (r > 0) {
                lastProgress = System.nanoTime();
                return r;
            }
            if (r == 0) {
                fail(Errno.ECONNRESET, atBoundary ? "server closed the connection (end of stream)"
                        : "end of stream in the middle of a reply");
                return -Errno.ECONNRESET;
            }
            if (r == -Errno.EAGAIN) {
                if (failErrno != 0) {
                    return -failErrno;
                }
                long now = System.nanoTime();
                if (!atBoundary && now - lastProgress > timeoutNanos) {
                    fail(Errno.ETIMEDOUT, "reply stalled mid-message for more than "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                    return -Errno.ETIMEDOUT;
                }
                scanTimeouts(now);
                if (failErrno != 0) {
                    return -failErrno;
                }
                continue;
            }
            if (failErrno == 0) {
                fail((int) -r, "recvmsg failed: " + Errno.describe((int) -r));
            }
            return r;
        }
    }

    /** Starts a fresh chunk, carrying over the {@code carry} received bytes of a partial reply. */
    private boolean newChunk(long carry) {
        Folio next;
        try {
            next = pool.allocate(chunkSize);
        } catch (IllegalStateException e) {
            fail(Errno.ENOMEM, "no pool memory for a receive chunk (" + e.getMessage()
                    + "): slices of earlier replies are still held");
            return false;
        }
        MemorySegment nextSeg = next.segment();
        if (carry > 0) {
            MemorySegment.copy(chunkSeg, chunkParse, nextSeg, 0, carry);
            bytesCopied += carry;
        }
        if (chunk != null) {
            chunk.put(); // slices handed out keep their own references
        }
        chunk = next;
        chunkSeg = nextSeg;
        chunkFill = carry;
        chunkParse = 0;
        return true;
    }

    // ---- closing --------------------------------------------------------------------------------------

    /**
     * Fails the connection with {@code -ECONNABORTED} if it still works, waits for the receiving thread
     * to complete everything in flight, then frees the socket and memory. Idempotent.
     */
    @Override
    public void close() {
        Thread t = receiver;
        if (t != null && t == Thread.currentThread()) {
            throw new IllegalStateException("a 9P connection cannot be closed from its own callbacks");
        }
        fail(Errno.ECONNABORTED, "closed by the client");
        if (t != null) {
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } else {
            failAll();
        }
        synchronized (this) {
            if (arenaClosed) {
                return;
            }
            arenaClosed = true;
        }
        sendLock.lock();
        try {
            transport.close();
            for (P9Request r : slots) {
                r.close();
            }
            sendBufs.close();
            recvBufs.close();
            arena.close();
        } finally {
            sendLock.unlock();
        }
    }

    private boolean arenaClosed;
}
