package io.jnetfs.p9;

import io.jnetfs.ffm.Errno;
import java.lang.foreign.Arena;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tag table: one {@link P9Request} slot per tag, reused for every request that takes the tag, and
 * the life of a request from its tag's allocation to its completion and the tag's return (the kernel's
 * {@code p9_tag_alloc}, {@code p9_client_cb} and {@code p9_req_put} in net/9p/client.c).
 *
 * <pre>
 *   allocate ──&gt; slot[tag]: BUILDING, hold OWNER ──submit (SendQueue)──&gt; INFLIGHT, hold WIRE
 *       ──reply (a Receiver) or failure──&gt; complete: DONE, put WIRE, hand the result to the owner
 *       (its callback, after which OWNER is put; or unpark the waiting caller, who puts OWNER)
 *       ──both holds put──&gt; FREE: the tag goes back on the free stack
 *
 *   free stack: [ ... 2 1 0 ]  lowest tag on top, so a small working set of slots stays warm
 * </pre>
 *
 * <p>Allocating waits (up to the timeout) for a free tag, except on the receiving thread, which never
 * waits. After {@link #closeAndCompleteAll} nothing is allocated any more: every attempt returns the
 * connection's failure.
 */
final class TagTable {
    private final P9Request[] slots;
    private final int[] freeTags;
    /** The connection's arena: the slots' native buffers, freed when the connection closes. */
    private final Arena arena;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    /** Under {@link #lock}. */
    private int freeTop;
    /** Under {@link #lock}: set once the receiving thread ended; {@link #closedErrno} says why. */
    private boolean closed;
    private int closedErrno;

    /**
     * @param maxTags how many requests may be in flight (tags 0 .. maxTags-1)
     * @param arena where the slots' buffers are allocated on first use; outlives the table
     */
    TagTable(int maxTags, Arena arena) {
        if (maxTags < 2 || maxTags > 0xFFFF) {
            throw new IllegalArgumentException("invalid maxTags=" + maxTags + " (2 .. 65535)");
        }
        this.arena = arena;
        this.slots = new P9Request[maxTags];
        this.freeTags = new int[maxTags];
        for (int i = 0; i < maxTags; i++) {
            slots[i] = new P9Request(i);
            freeTags[i] = maxTags - 1 - i; // lowest tag on top: a small working set of slots
        }
        this.freeTop = maxTags;
    }

    /** {@return the slot of {@code tag}} */
    P9Request slot(int tag) {
        return slots[tag];
    }

    /** {@return the slot a reply's or a handle's tag names, or {@code null} if no such tag exists} */
    P9Request lookup(int tag) {
        return tag < slots.length ? slots[tag] : null;
    }

    int maxTags() {
        return slots.length;
    }

    /** {@return tags currently not free (in use by callers or on the wire)} */
    int inUse() {
        lock.lock();
        try {
            return slots.length - freeTop;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a free tag for a new request, its slot BUILDING and held by the calling owner.
     *
     * @param mayWait whether to wait for a tag when none is free (false on the receiving thread)
     * @param timeoutNanos how long to wait
     * @return the tag, or {@code -errno}: the connection's failure once it failed, {@code -EAGAIN}
     *     without {@code mayWait} and no free tag, {@code -ETIMEDOUT}, {@code -EINTR}
     */
    int allocate(boolean mayWait, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            while (freeTop == 0 || closed) {
                if (closed) {
                    return -closedErrno;
                }
                if (!mayWait) {
                    return -Errno.EAGAIN;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return -Errno.ETIMEDOUT;
                }
                try {
                    freed.awaitNanos(left);
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
            lock.unlock();
        }
    }

    /** The owner is done with a request (read its reply, or gave up on it before submitting). */
    void release(P9Request r) {
        putHolds(r, P9Request.HOLD_OWNER);
    }

    /** Puts holds; the last one frees the slot and gives its tag back. */
    void putHolds(P9Request r, int bits) {
        if (r.putHolds(bits) == 0) {
            lock.lock();
            try {
                r.reset();
                r.stateRelease(P9Request.FREE);
                freeTags[freeTop++] = r.tag;
                freed.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Takes an in-flight request for cancelling: INFLIGHT -&gt; CANCELLED, once it was wholly sent (so its
     * buffers can go back to the caller at once).
     *
     * @return 0, {@code -ESRCH} if the handle names no request in flight, {@code -EALREADY} if its reply
     *     is being received or it completed, or {@code 1}: not wholly sent yet, try again
     */
    int tryCancel(P9Request r, long handle) {
        lock.lock(); // against allocate: the handle and the state are read for one use of the tag
        try {
            if (r.handle() != handle || r.state() < P9Request.INFLIGHT) {
                return -P9Connection.ESRCH;
            }
            if (r.state() != P9Request.INFLIGHT) {
                return -Errno.EALREADY;
            }
            return r.isSent() && r.casState(P9Request.INFLIGHT, P9Request.CANCELLED) ? 0 : 1;
        } finally {
            lock.unlock();
        }
    }

    // ---- completing -----------------------------------------------------------------------------------

    /** Completes a request whose reply arrived (or whose connection failed); {@code wire}: put its wire hold. */
    void complete(P9Request r, long result, boolean wire) {
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
    void completeToOwner(P9Request r, long result) {
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

    /**
     * On the receiving thread as it ends, after the senders let go of every request: no tag is given
     * out any more, and every request in flight completes with {@code -errno}.
     */
    void closeAndCompleteAll(int errno) {
        lock.lock();
        try {
            closed = true;
            closedErrno = errno;
            freed.signalAll();
        } finally {
            lock.unlock();
        }
        for (P9Request r : slots) {
            int s = r.state();
            if (s == P9Request.INFLIGHT || s == P9Request.RECEIVING) {
                r.cancelled = false;
                complete(r, -errno, true);
            }
        }
    }

    /** Frees what the slots hold besides the arena's memory; after both threads stopped. */
    void closeSlots() {
        for (P9Request r : slots) {
            r.close();
        }
    }
}
