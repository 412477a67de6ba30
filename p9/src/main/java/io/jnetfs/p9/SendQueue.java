package io.jnetfs.p9;

import io.jnetfs.ffm.Errno;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The send side of a connection: the queue of submitted requests, each thread's plug, the send lock
 * whose holder sends for everyone, and the sender thread (the kernel's {@code unsent_req_list} and
 * {@code p9_write_work} in net/9p/trans_fd.c).
 *
 * <pre>
 *   submit ──&gt; plugged? ──yes──&gt; this thread's plug list ──unplug──┐
 *                  └──no──&gt; queue [r₁ → r₂ → ...] &lt;────────────────┘
 *
 *   whoever gets the send lock (tryLock; the others leave, the holder looks again after unlocking):
 *       takes the whole queue, one sendmsg of [tc₁, data₁..., tc₂, ...] per IOV_MAX iovecs
 *       (several queued requests glued: a "compound"); each request wholly handed to the kernel
 *       is marked sent -- only then may a receiver complete it
 *
 *   receiving thread: sends with MSG_DONTWAIT before it blocks in recvmsg; what the socket refuses
 *       goes back to the head of the queue for the sender thread (started on first need), which may wait
 * </pre>
 *
 * <p>Nobody but the failure path waits for the send lock. Once {@link #close closed} nothing new is
 * queued; {@link #drain} waits until no thread is inside sendmsg with a request's memory and takes
 * what is left, for the receiving thread to complete with the failure.
 */
final class SendQueue {
    /** sendBatch on the receiving thread: the socket took less than offered, the rest waits. */
    private static final int SEND_LATER = 1;

    private final P9Connection conn;
    private final Transport transport;
    private final ReentrantLock queueLock = new ReentrantLock();
    /** Written under queueLock; read without it only as a hint ({@link #flushBeforeBlocking()}). */
    private volatile P9Request queueHead;
    private P9Request queueTail;
    /** Under queueLock: the connection failed, nothing is queued any more. */
    private boolean closed;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final MsgBuffers sendBufs = new MsgBuffers();
    private final ThreadLocal<Plug> plugs = ThreadLocal.withInitial(Plug::new);
    /** Sends what the receiving thread could not send without waiting; started on first need. */
    private Thread sender;
    /** Under queueLock: the receiving thread left requests for {@link #sender}. */
    private boolean sendWanted;
    private final Condition sendQueued = queueLock.newCondition();
    /** sendBatch's list of requests not (wholly) sent when it returned {@link #SEND_LATER}. */
    private P9Request unsent;

    private volatile long messagesSent;
    private volatile long twritesSent;
    /** Times the receiving thread left what the socket refused to the sender thread. */
    private volatile long sendsHandedOff;

    SendQueue(P9Connection conn, Transport transport) {
        this.conn = conn;
        this.transport = transport;
    }

    long messagesSent() {
        return messagesSent;
    }

    long twritesSent() {
        return twritesSent;
    }

    long sendsHandedOff() {
        return sendsHandedOff;
    }

    /**
     * Queues a built request (its {@code tc} encoded): it becomes INFLIGHT and held by the wire, and
     * leaves now unless this thread is plugged or is the receiving thread.
     *
     * @return false if the connection has failed (the request stays the caller's)
     */
    boolean enqueue(P9Request r) {
        r.sentBytes = 0;
        r.nextQueued = null;
        Plug plug = plugs.get();
        queueLock.lock();
        try {
            if (closed) {
                return false;
            }
            r.addHold(P9Request.HOLD_WIRE);
            // release: the receiving thread reads the request's fields after seeing INFLIGHT
            r.stateRelease(P9Request.INFLIGHT);
            if (plug.depth > 0) {
                plug.append(r); // this thread's own list: nobody sends it before unplug()
            } else {
                append(r, r);
            }
        } finally {
            queueLock.unlock();
        }
        // the receiving thread's requests (issued from callbacks) wait until it is about to block in
        // recvmsg, so the requests of all the replies it took from one receive leave together
        if (plug.depth == 0 && !conn.isReceiverThread()) {
            flush();
        }
        return true;
    }

    /** Under queueLock: appends the list {@code h .. t} to the queue. */
    private void append(P9Request h, P9Request t) {
        if (queueTail == null) {
            queueHead = h;
        } else {
            queueTail.nextQueued = h;
        }
        queueTail = t;
    }

    // ---- plugging -------------------------------------------------------------------------------------

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
            if (!closed) {
                append(h, t);
            }
        } finally {
            queueLock.unlock();
        }
        flush();
    }

    // ---- sending --------------------------------------------------------------------------------------

    /** On the receiving thread, before a recvmsg that may block: send what its callbacks queued. */
    void flushBeforeBlocking() {
        if (queueHead != null) {
            flush();
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
    void flush() {
        boolean onReceiver = conn.isReceiverThread();
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
                        conn.fail(-r, r == -Errno.ETIMEDOUT ? "sendmsg made no progress within the timeout"
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
            if (closed) {
                return; // the receiving thread completes what is queued
            }
            sendsHandedOff++;
            sendWanted = true;
            if (sender == null) {
                sender = Thread.ofPlatform().daemon().name("p9-send " + conn.peer()).start(this::senderLoop);
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
                while (!sendWanted && !closed) {
                    sendQueued.awaitUninterruptibly();
                }
                if (closed) {
                    sender = null;
                    return;
                }
                sendWanted = false;
            } finally {
                queueLock.unlock();
            }
            flush(); // not the receiving thread: it may wait in sendmsg
        }
    }

    private static long messageBytes(P9Request r) {
        return r.tcLen + (r.dataKind == P9Request.DATA_WRITE ? r.requested : 0);
    }

    /**
     * Sends a queued list in as few sendmsg as IOV_MAX allows.
     *
     * <pre>
     *   iov = [ tc₁ (from sentBytes) ][ data₁ iovecs ... ][ tc₂ ][ tc₃ ][ data₃ ... ]   up to IOV_MAX
     *   a message whose data does not fit goes on in the next sendmsg, before any other
     * </pre>
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

    // ---- failing and closing --------------------------------------------------------------------------

    /** The connection failed: nothing is queued from now on, and the sender thread ends. Idempotent. */
    void close() {
        queueLock.lock();
        try {
            closed = true;
            sendQueued.signalAll(); // the sender thread ends
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * After {@link #close}: waits until no thread is inside sendmsg with a request's memory (after the
     * socket's shutdown none blocks) and takes what is still queued; those requests are INFLIGHT and the
     * receiving thread completes them with the failure.
     */
    void drain() {
        sendLock.lock();
        sendLock.unlock();
        takeQueue();
    }

    /**
     * Runs {@code closer} holding the send lock, so that no thread is inside sendmsg meanwhile, then
     * frees the send buffers. Once, after {@link #drain}.
     */
    void closeWith(Runnable closer) {
        sendLock.lock();
        try {
            closer.run();
            sendBufs.close();
        } finally {
            sendLock.unlock();
        }
    }
}
