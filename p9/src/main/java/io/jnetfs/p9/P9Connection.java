package io.jnetfs.p9;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * One 9P connection: its parts tied together, and its failure and close (the kernel's
 * {@code struct p9_client} with the {@code p9_conn} of net/9p/trans_fd.c).
 *
 * <pre>
 *   callers ──allocate──&gt; {@link TagTable}: a tag and its request slot ──encode into tc──&gt;
 *       submit ──&gt; {@link SendQueue} ──(whoever holds the send lock, or the sender thread)──&gt;
 *       one sendmsg of [tc₁, data₁..., tc₂, ...]             over the {@link Transport}
 *
 *   receiving thread: {@link DirectReceiver} or {@link BulkReceiver} (by {@link ReceiveMode}):
 *       reply header ──&gt; tag ──&gt; request ──&gt; body into its rc, or Rread data into its chain
 *       ──&gt; check strictly ──&gt; {@link TagTable#complete}: callback, or unpark the waiting caller
 *
 *   {@link Cancellation}: cancel by handle and timeouts (on the receiving thread) ──&gt; Tflush
 *   {@link VersionExchange}: Tversion, before the receiving thread starts
 *   failure: the first {@link #fail} shuts the socket; the receiving thread, as it ends, completes
 *       everything in flight ({@link #failAll}); {@link #close} then frees the memory
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
 *       the sender let go of them;</li>
 *   <li>native memory (request buffers, message buffers, chunks) is freed only after the receiving
 *       thread ended and under the send lock, so no thread is inside sendmsg or recvmsg with it.</li>
 * </ul>
 */
final class P9Connection implements AutoCloseable {
    /** Errnos {@link Errno} has no constant for, looked up by name. */
    static final int ESRCH = Errno.number("ESRCH");
    static final int EPROTONOSUPPORT = Errno.number("EPROTONOSUPPORT");
    /** Pool size of a connection that makes its own pool. */
    private static final long OWN_POOL_BYTES = 64L << 20;

    private final Transport transport;
    private final String peer;
    private final int msize;
    private final long timeoutNanos;
    private final long tickNanos;
    private final ReceiveMode mode;
    private final FolioPool pool;
    private final boolean ownsPool;
    private final Arena arena = Arena.ofShared();
    private final TagTable tags;
    private final SendQueue sends;
    private final Cancellation cancellation;
    private final Receiver receiver;
    /** Written before the thread starts: a caller on it must not wait for what only it completes. */
    private Thread receiverThread;

    /** Written before the receiving thread starts (its start orders it): see {@link P9Options#acceptsRerror()}. */
    boolean acceptsRerror = true;

    private volatile int failErrno;
    private volatile String failReason;
    private boolean memoryFreed;

    /**
     * @param transport a connected transport, owned from now on
     * @param peer "host:port", for messages
     * @param maxTags how many requests may be in flight (tags 0 .. maxTags-1)
     * @param pool pool for bulk chunks and for chains the connection grows
     * @param ownsPool whether {@link #close()} closes the pool
     */
    P9Connection(Transport transport, String peer, int msize, long timeoutNanos, long tickNanos, int maxTags,
                 ReceiveMode mode, FolioPool pool, boolean ownsPool) {
        this.transport = transport;
        this.peer = peer;
        this.msize = msize;
        this.timeoutNanos = timeoutNanos;
        this.tickNanos = tickNanos;
        this.mode = mode;
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.tags = new TagTable(maxTags, arena);
        this.sends = new SendQueue(this, transport);
        this.cancellation = new Cancellation(this, tags, timeoutNanos, tickNanos);
        this.receiver = mode == ReceiveMode.BULK ? new BulkReceiver(this, pool) : new DirectReceiver(this, arena);
    }

    /**
     * Opens a connection: TCP (with {@code TCP_NODELAY}), the transport the options name, Tversion
     * (msize negotiation, "9P2000.L"), then the receiving thread. Without a pool in the options the
     * connection makes its own and closes it.
     *
     * @return a running connection, which the caller closes
     * @throws IOException if the server cannot be reached, io_uring cannot be set up, or the server
     *     refuses the version ({@link P9Exception})
     */
    static P9Connection open(P9Options o) throws IOException {
        long timeout = o.timeout().toNanos();
        long tick = Math.clamp(timeout / 8, TimeUnit.MILLISECONDS.toNanos(5), TimeUnit.MILLISECONDS.toNanos(250));
        int fd = SocketTransport.connect(o.host(), o.port(), timeout, tick);
        String where = o.host() + ":" + o.port();
        if (fd < 0) {
            throw Errors.ioException("connect(" + where + ")", -fd);
        }
        Transport t;
        if (o.transport() == TransportKind.IO_URING) {
            UringTransport.Result u = UringTransport.open(fd, tick, timeout);
            if (u.transport() == null) {
                Native.close(fd);
                throw new P9Exception("io_uring transport(" + where + ")", u.errno(), u.why());
            }
            t = u.transport();
        } else {
            t = new SocketTransport(fd);
        }
        StringBuilder why = new StringBuilder();
        int msize = VersionExchange.version(t, o.msize(), timeout, why);
        if (msize < 0) {
            t.close();
            throw new P9Exception("Tversion(msize=" + o.msize() + ", version=" + P9Descriptor.VERSION_9P2000_L + ") to "
                    + where, -msize, why.isEmpty() ? null : why.toString());
        }
        FolioPool pool = o.pool();
        boolean ownPool = pool == null;
        if (ownPool) {
            pool = new FolioPool(OWN_POOL_BYTES);
        }
        ReceiveMode mode = o.receiveMode();
        if (mode == ReceiveMode.BULK && msize > FolioPool.MAX_FOLIO / 2) {
            mode = ReceiveMode.DIRECT; // a bulk chunk must hold two whole messages
        }
        P9Connection conn = new P9Connection(t, where, msize, timeout, tick, o.maxTags(), mode, pool, ownPool);
        conn.acceptsRerror = o.acceptsRerror();
        conn.start();
        return conn;
    }

    /** Starts the receiving thread. */
    void start() {
        long now = System.nanoTime();
        receiver.lastProgress = now;
        cancellation.start(now);
        receiverThread = Thread.ofPlatform().daemon().name("p9-recv " + peer + " " + transport.describe())
                .unstarted(receiver::run);
        receiverThread.start();
    }

    /** Where fid numbers a flushed Twalk/Tattach leaves behind go back to. */
    void fidRecycler(IntConsumer recycler) {
        cancellation.fidRecycler(recycler);
    }

    // ---- the parts and accessors ----------------------------------------------------------------------

    TagTable tags() {
        return tags;
    }

    SendQueue sends() {
        return sends;
    }

    Cancellation cancellation() {
        return cancellation;
    }

    Transport transport() {
        return transport;
    }

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

    P9Request slot(int tag) {
        return tags.slot(tag);
    }

    int maxTags() {
        return tags.maxTags();
    }

    /** {@return tags currently not free (in use by callers or on the wire)} */
    int tagsInUse() {
        return tags.inUse();
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
        return Thread.currentThread() == receiverThread;
    }

    long messagesSent() {
        return sends.messagesSent();
    }

    long sendsHandedOff() {
        return sends.sendsHandedOff();
    }

    long twritesSent() {
        return sends.twritesSent();
    }

    long repliesReceived() {
        return receiver.repliesReceived();
    }

    long bytesCopied() {
        return receiver.bytesCopied();
    }

    long rerrorsReceived() {
        return receiver.rerrorsReceived();
    }

    // ---- a request's life -----------------------------------------------------------------------------

    /**
     * Takes a free tag for a new request. Waits (up to the timeout) when none is free, except on the
     * receiving thread, which never waits.
     *
     * @return the tag, or {@code -errno}: the failure's errno once the connection failed,
     *     {@code -EAGAIN} on the receiving thread with no free tag, {@code -ETIMEDOUT}
     */
    int allocate() {
        return tags.allocate(!isReceiverThread(), timeoutNanos);
    }

    /** The owner is done with a request (read its reply, or gave up on it before submitting). */
    void release(P9Request r) {
        tags.release(r);
    }

    /**
     * Queues a built request (its {@code tc} encoded) and sends the queue unless this thread is plugged.
     *
     * @return 0, or {@code -errno} if the connection has failed (the request stays the caller's, to
     *     {@link #release})
     */
    int submit(P9Request r) {
        r.deadline = System.nanoTime() + timeoutNanos;
        return sends.enqueue(r) ? 0 : -closedErrno();
    }

    private int closedErrno() {
        int e = failErrno;
        return e != 0 ? e : Errno.ENOTCONN;
    }

    /** Holds this thread's requests until {@link #unplug()}, so they leave together. */
    void plug() {
        sends.plug();
    }

    /** Ends a {@link #plug()}; the outermost sends what is queued, glued into as few sendmsg as fit. */
    void unplug() {
        sends.unplug();
    }

    /**
     * Waits until a request completes. The receiving thread completes every request within the
     * timeout (or fails the connection), so this wait ends.
     *
     * @return the result: bytes or 0, or {@code -errno}
     */
    long await(P9Request r) {
        while (!r.isCompleted()) {
            LockSupport.parkNanos(this, tickNanos);
            Thread t = receiverThread;
            if (!r.isCompleted() && t != null && !t.isAlive()) {
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
     * Cancels a request by handle (Tflush); see {@link Cancellation#cancel}.
     *
     * @return 0 if cancelled, {@code -EALREADY} if its reply is already being received or it completed,
     *     {@code -ESRCH} if the handle names no request in flight
     */
    int cancel(long handle, int errno) {
        return cancellation.cancel(handle, errno);
    }

    /**
     * Whether the receiving thread already holds the start of another reply: called from a completion
     * callback, true means another completion follows without waiting for the socket. DIRECT: bytes of
     * the next header came with this reply's data; BULK: the chunk holds bytes past this reply. On any
     * other thread, false.
     */
    boolean replyArriving() {
        return Thread.currentThread() == receiverThread && receiver.replyArriving();
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
        sends.close();
        transport.shutdown();
    }

    /** On the receiving thread as it ends: completes everything in flight with the failure's errno. */
    void failAll() {
        if (failErrno == 0) {
            fail(Errno.ECONNRESET, "receiving thread ended");
        }
        sends.drain(); // unsent requests are INFLIGHT and completed below
        tags.closeAndCompleteAll(failErrno);
    }

    // ---- closing --------------------------------------------------------------------------------------

    /**
     * Fails the connection with {@code -ECONNABORTED} if it still works, waits for the receiving thread
     * to complete everything in flight, then frees the socket and memory (and the pool, if it is the
     * connection's own). Idempotent.
     */
    @Override
    public void close() {
        Thread t = receiverThread;
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
            if (memoryFreed) {
                return;
            }
            memoryFreed = true;
        }
        sends.closeWith(() -> {
            transport.close();
            tags.closeSlots();
            receiver.close();
            arena.close();
        });
        if (ownsPool) {
            pool.close();
        }
    }
}
