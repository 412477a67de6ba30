package io.jnetfs.p9.server;

import io.jnetfs.bvecq.FolioPool;
import java.lang.foreign.Arena;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * What one connection has in flight, under one monitor: the request slots, the data buffers, the
 * queue of requests waiting for a worker, and the count the idle timeout and Tversion look at.
 *
 * <pre>
 *   slot:    FREE ──take()──&gt; (being received) ──run()──&gt; RUNNING ──complete()──&gt; FREE
 *                                               └─queue()──&gt; QUEUED ──next()──&gt; RUNNING
 *                                                              └─ Tflush: dropped ──&gt; FREE
 *   data:    freeData ⇄ held by a slot (Tread, Treaddir, Twrite); at most dataMax of dataSize bytes
 * </pre>
 *
 * <p>Two kinds of waiting, kept apart so that a completion wakes no worker and a queued request wakes
 * one worker, not everybody: the reader waits on this monitor (a free slot, a data buffer, nothing in
 * flight for Tversion), woken by {@code notifyAll} only while one waits ({@code waiters}); idle
 * workers park on a stack of their own ({@code idle}), and {@link #queue} unparks the top one. Every
 * wait ends when {@link #close()} is called.
 */
final class InFlightRequests {
    private static final System.Logger LOG = System.getLogger("io.jnetfs.p9.server");

    private static final int[] NONE = {};

    private final ServerConfig cfg;
    private final FolioPool pool;
    private final String peer;
    /** Where the slots' buffers live; closed by {@link #release()}. */
    private final Arena arena = Arena.ofShared();

    private final List<ServerRequest> slots = new ArrayList<>();
    private final ArrayDeque<ServerRequest> freeRequests = new ArrayDeque<>();
    private final ArrayDeque<ServerRequest> queue = new ArrayDeque<>();
    private final ArrayDeque<DataBuffer> freeData = new ArrayDeque<>();
    private int dataCount;
    private int dataMax;
    private long dataSize;
    /** Idle workers, parked: {@link #queue} unparks the last one pushed. */
    private final Thread[] idle;
    private int idleWorkers;
    /**
     * Threads waiting on this monitor: the reader, and a thread that runs a Tread on the copying path
     * while every data buffer is out (only while one waits do changes call {@code notifyAll}).
     */
    private int waiters;
    private int flying;
    private volatile boolean closing;

    InFlightRequests(ServerConfig cfg, FolioPool pool, String peer) {
        this.cfg = cfg;
        this.pool = pool;
        this.peer = peer;
        this.idle = new Thread[Math.max(1, cfg.workers())];
    }

    /** {@return whether {@link #close()} was called} */
    boolean closing() {
        return closing;
    }

    /** Ends every wait: the connection is closing. Idempotent. */
    synchronized void close() {
        closing = true;
        notifyAll();
        for (int i = 0; i < idleWorkers; i++) {
            LockSupport.unpark(idle[i]);
        }
    }

    /** {@return the number of requests run or queued and not yet complete} */
    synchronized int count() {
        return flying;
    }

    /** The reader waits for a change (called holding the monitor). */
    private void waitHere() {
        waiters++;
        try {
            wait();
        } catch (InterruptedException e) {
            closing = true;
            Thread.currentThread().interrupt();
        } finally {
            waiters--;
        }
    }

    /** Wakes the reader if it waits for a change just made (called holding the monitor). */
    private void wakeReader() {
        if (waiters > 0) {
            notifyAll();
        }
    }

    // ---- slots ----------------------------------------------------------------------------------------

    /**
     * A free slot to receive the next message into: a free one, a new one under {@code maxRequests},
     * else waits for one (the reader then stops reading, and TCP pushes back on the client).
     *
     * @return the slot, or null when closing
     */
    synchronized ServerRequest take() {
        while (!closing) {
            ServerRequest r = freeRequests.pollFirst();
            if (r != null) {
                return r;
            }
            if (slots.size() < cfg.maxRequests()) {
                r = new ServerRequest(arena.allocate(ServerRequest.SMALL, 8), this);
                slots.add(r);
                return r;
            }
            waitHere();
        }
        return null;
    }

    /** Gives back a slot that was never run (Tversion, Tflush, a message that failed to arrive). */
    synchronized void free(ServerRequest r) {
        if (r.data != null) {
            freeData.addFirst(r.data);
            r.data = null;
        }
        freeLocked(r);
    }

    private void freeLocked(ServerRequest r) {
        r.state = ServerRequest.FREE;
        freeRequests.addFirst(r);
        wakeReader();
    }

    /** {@code r} runs now on the calling thread. */
    synchronized void run(ServerRequest r) {
        r.state = ServerRequest.RUNNING;
        flying++;
    }

    /**
     * Queues {@code r} for a worker.
     *
     * @return whether a new worker should be started (none idle, fewer than {@code workers} running)
     */
    synchronized boolean queue(ServerRequest r, int workersRunning) {
        r.state = ServerRequest.QUEUED;
        flying++;
        queue.addLast(r);
        if (idleWorkers > 0) {
            Thread w = idle[--idleWorkers];
            idle[idleWorkers] = null;
            LockSupport.unpark(w);
            return false;
        }
        return workersRunning < cfg.workers();
    }

    /**
     * The next queued request for a worker, which it then runs; waits while none is queued.
     *
     * @return the request, now RUNNING, or null when closing
     */
    ServerRequest next() {
        Thread me = Thread.currentThread();
        while (true) {
            synchronized (this) {
                if (closing) {
                    return null;
                }
                ServerRequest r = queue.pollFirst();
                if (r != null) {
                    r.state = ServerRequest.RUNNING;
                    return r;
                }
                if (!isIdle(me)) {
                    idle[idleWorkers++] = me; // queue() pops and unparks it
                }
            }
            LockSupport.park(this);
        }
    }

    /** {@return whether {@code w} is on the idle stack} (a spurious wake-up leaves it there) */
    private boolean isIdle(Thread w) {
        for (int i = 0; i < idleWorkers; i++) {
            if (idle[i] == w) {
                return true;
            }
        }
        return false;
    }

    /**
     * A request's reply has left (or it was dropped): its data buffer and slot go back.
     *
     * @return the Tflush tags to answer now, or null
     */
    synchronized int[] complete(ServerRequest r) {
        int[] flushes = null;
        if (r.flushCount > 0) {
            flushes = Arrays.copyOf(r.flushTags, r.flushCount);
            r.flushCount = 0;
        }
        completeLocked(r);
        return flushes;
    }

    private void completeLocked(ServerRequest r) {
        if (r.data != null) {
            freeData.addFirst(r.data);
            r.data = null;
        }
        flying--;
        freeLocked(r);
    }

    /**
     * Tflush of {@code oldTag}, whose own slot is {@code flush} (freed here): a request still queued
     * is dropped, one running gets {@code flush}'s tag to answer after its reply.
     *
     * @return the tags to answer with Rflush now, in order (the dropped request's earlier Tflushes,
     *     then this one's unless it waits for a reply)
     */
    synchronized int[] flush(ServerRequest flush, int oldTag) {
        int[] now = null;
        boolean waits = false;
        for (ServerRequest t : slots) {
            if (t != flush && t.state != ServerRequest.FREE && t.tag == oldTag) {
                if (t.state == ServerRequest.QUEUED) {
                    queue.remove(t); // never started: dropped without a reply
                    now = Arrays.copyOf(t.flushTags, t.flushCount + 1);
                    t.flushCount = 0;
                    completeLocked(t);
                } else {
                    t.addFlush(flush.tag); // answered after its reply
                    waits = true;
                }
                break;
            }
        }
        freeLocked(flush);
        if (waits) {
            return NONE;
        }
        if (now == null) {
            return new int[] {flush.tag};
        }
        now[now.length - 1] = flush.tag;
        return now;
    }

    /** Waits until nothing is in flight (Tversion), or closing. */
    synchronized void awaitNone() {
        while (flying > 0 && !closing) {
            waitHere();
        }
    }

    // ---- data buffers ---------------------------------------------------------------------------------

    /**
     * A data buffer for a Twrite or Treaddir (taken by the receiver) or a Tread on the copying path
     * (taken when it runs; a spliced Tread needs none): a free one, a new one while under the connection's
     * bytes in flight and while the pool has memory, else waits for one to come back.
     *
     * @return the buffer, or null if closing or the pool has no memory for the connection's first
     */
    synchronized DataBuffer takeData() {
        while (!closing) {
            DataBuffer d = freeData.pollFirst();
            if (d != null) {
                return d;
            }
            if (dataCount < dataMax) {
                d = DataBuffer.tryAllocate(pool, dataSize);
                if (d != null) {
                    dataCount++;
                    return d;
                }
                if (dataCount == 0) {
                    LOG.log(System.Logger.Level.WARNING, "p9 server: no buffer memory for " + peer + ": the pool of "
                            + pool.maxBytes() + " bytes is exhausted");
                    return null;
                }
            }
            waitHere();
        }
        return null;
    }

    /**
     * Sizes the data buffers for a newly negotiated msize; called with nothing in flight, so every
     * buffer is free and those of the old size go back to the pool.
     */
    synchronized void resize(int msize) {
        for (DataBuffer d : freeData) {
            d.release();
        }
        freeData.clear();
        dataCount = 0;
        if (msize > 0) {
            dataSize = (long) FolioPool.PAGE_SIZE << FolioPool.orderFor(msize);
            dataMax = (int) Math.clamp(cfg.maxInFlightBytes() / dataSize, 2, cfg.maxRequests());
        }
    }

    // ---- teardown -------------------------------------------------------------------------------------

    /** Drops what is still queued (no worker will run it). */
    synchronized void dropQueued() {
        for (ServerRequest r : queue) {
            completeLocked(r);
        }
        queue.clear();
    }

    /**
     * Gives every data buffer back to the pool and frees the slots' memory; only once no thread can
     * touch them any more (the workers have ended).
     */
    synchronized void release() {
        for (ServerRequest r : slots) {
            if (r.data != null) {
                r.data.release();
                r.data = null;
            }
        }
        for (DataBuffer d : freeData) {
            d.release();
        }
        freeData.clear();
        arena.close();
    }
}
