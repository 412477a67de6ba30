package io.jnetfs.p9;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One tag's request slot (the kernel's {@code struct p9_req_t}), reused for every request that takes
 * the tag: the T-message buffer {@code tc}, the reply body buffer {@code rc}, the data iterator, the
 * completion and the state.
 *
 * <pre>
 *   FREE --allocate--&gt; BUILDING --submit--&gt; INFLIGHT --reply header--&gt; RECEIVING --&gt; DONE
 *                                              |  \--cancel/timeout--&gt; CANCELLED (Tflush queued)
 *                                              \--connection failed--&gt; DONE
 *   holds: OWNER (the caller reads the reply)  WIRE (the tag is on the wire)  -- free when both are put
 * </pre>
 *
 * A cancelled request's tag stays held by the wire until the Rflush arrives: 9P forbids reusing a
 * flushed tag earlier.
 */
final class P9Request {
    static final int FREE = 0;
    static final int BUILDING = 1;
    static final int INFLIGHT = 2;
    static final int RECEIVING = 3;
    static final int CANCELLED = 4;
    static final int DONE = 5;

    static final int HOLD_OWNER = 1;
    static final int HOLD_WIRE = 2;

    /** Data direction of a request's iterator. */
    static final int DATA_NONE = 0;
    static final int DATA_WRITE = 1;
    static final int DATA_READ = 2;
    static final int DATA_DIRENTS = 3;

    /** Capacity of {@code tc} and {@code rc}: every T-message but Twrite's data, every reply but Rread/Rreaddir data. */
    static final int FCALL_CAPACITY = 8192;

    private static final VarHandle STATE;
    private static final VarHandle HOLDS;
    private static final VarHandle SENT;
    private static final VarHandle COMPLETED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(P9Request.class, "state", int.class);
            HOLDS = l.findVarHandle(P9Request.class, "holds", int.class);
            SENT = l.findVarHandle(P9Request.class, "sent", boolean.class);
            COMPLETED = l.findVarHandle(P9Request.class, "completed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int tag;
    /** Bumped on every allocation: a {@link #handle()} names one use of the tag. */
    int gen;

    MemorySegment tc;
    long tcAddress;
    int tcLen;
    MemorySegment rc;

    int type;
    int dataKind;
    /** The data iterator: the caller's, or {@link #ownIter} positioned by the connection. */
    BvecqIter data;
    BvecqIter ownIter;
    /** Twrite data bytes, Tread/Treaddir count asked for, Twalk names. */
    long requested;
    /** Rreaddir destination. */
    MemorySegment direntDest;
    /** A chain the reply's data is appended to (bulk receive), or {@code null}. */
    BvecqBuffer appendTo;
    /** The fid a Twalk/Tattach creates, or -1: on a late success after a flush it must be clunked. */
    int createsFid = -1;

    P9Callback callback;
    long cookie;
    Thread waiter;
    /** Internal completion (flush, background clunk); runs on the completing thread. */
    Runnable internal;

    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    @SuppressWarnings("unused") // through HOLDS
    private volatile int holds;
    @SuppressWarnings("unused") // through SENT
    private volatile boolean sent;
    @SuppressWarnings("unused") // through COMPLETED
    private volatile boolean completed;

    long result;
    /** Length of the reply body in {@code rc} (non-data replies). */
    int replyLen;
    int replyType;
    boolean cancelled;
    long deadline;
    /** For a Tflush: the request it flushes. For a flushed request: its Tflush. */
    P9Request flushLink;

    /** Send-queue link and progress. */
    P9Request nextQueued;
    long sentBytes;

    P9Request(int tag) {
        this.tag = tag;
    }

    /** Allocates the native buffers on first use of the slot. */
    void ensureBuffers(Arena arena) {
        if (tc == null) {
            tc = arena.allocate(FCALL_CAPACITY, 8);
            tcAddress = tc.address();
            rc = arena.allocate(FCALL_CAPACITY, 8);
            ownIter = new BvecqIter();
        }
    }

    /** Clears per-use fields; called when the slot is freed. */
    void reset() {
        tcLen = 0;
        type = 0;
        dataKind = DATA_NONE;
        data = null;
        requested = 0;
        direntDest = null;
        appendTo = null;
        createsFid = -1;
        callback = null;
        cookie = 0;
        waiter = null;
        internal = null;
        result = 0;
        replyLen = 0;
        replyType = 0;
        cancelled = false;
        deadline = 0;
        flushLink = null;
        nextQueued = null;
        sentBytes = 0;
        SENT.setRelease(this, false);
        COMPLETED.setRelease(this, false);
    }

    int state() {
        return (int) STATE.getAcquire(this);
    }

    void stateRelease(int s) {
        STATE.setRelease(this, s);
    }

    boolean casState(int from, int to) {
        return STATE.compareAndSet(this, from, to);
    }

    void holdsRelease(int h) {
        HOLDS.setRelease(this, h);
    }

    void addHold(int bit) {
        HOLDS.getAndBitwiseOr(this, bit);
    }

    /** Puts holds; @return the holds left. */
    int putHolds(int bits) {
        return (int) HOLDS.getAndBitwiseAnd(this, ~bits) & ~bits;
    }

    int holds() {
        return (int) HOLDS.getAcquire(this);
    }

    /** Marks the message wholly handed to the kernel (release: the receiver may then complete it). */
    void markSent() {
        SENT.setRelease(this, true);
    }

    boolean isSent() {
        return (boolean) SENT.getAcquire(this);
    }

    /** Marks the result final (release: the owner reads {@code result} and {@code rc} after seeing it). */
    void markCompleted() {
        COMPLETED.setRelease(this, true);
    }

    boolean isCompleted() {
        return (boolean) COMPLETED.getAcquire(this);
    }

    /** {@return {@code gen << 16 | tag}, never negative (a negative result is an errno)} */
    long handle() {
        return ((gen & 0x7FFFFFFFL) << 16) | tag;
    }

    void close() {
        if (ownIter != null) {
            ownIter.close();
        }
    }

    @Override
    public String toString() {
        return "P9Request[tag=" + tag + ", " + P9Type.name(type) + ", state=" + state() + ", holds=" + holds() + "]";
    }
}
