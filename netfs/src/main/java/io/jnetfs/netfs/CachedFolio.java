package io.jnetfs.netfs;

import io.jnetfs.bvecq.Folio;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * A page-cache folio: pool memory for {@code [index * size, (index+1) * size)} of one file, with the
 * kernel's folio states. The page cache holds one reference on the memory; a request whose buffer
 * points at the folio holds another for each slot, so eviction never frees memory in use.
 *
 * <p>States: {@code LOCKED} while a request fills it (readers wait for the unlock), {@code UPTODATE}
 * once it holds the file's data, {@code DIRTY} when written and not yet written back,
 * {@code WRITEBACK} while being written back, {@code COPY_TO_CACHE} while its data is being written to
 * the disk cache (the kernel's PG_fscache), {@code ERROR} when the read that filled it failed.
 *
 * <p>The state word is changed by compare-and-set only, and read without a lock: testing a bit, the
 * reader's common case, costs one volatile read. Only a thread that has to wait takes the folio's
 * monitor, and an unlock takes it only when someone waits (the kernel's folio wait bit, with the
 * waiter count playing PG_waiters): no monitor contention between the thread that completes reads and
 * the reader that consumes them.
 */
public final class CachedFolio {
    /** Being filled or modified: wait for the unlock. */
    public static final int LOCKED = 1;
    /** Holds the file's data. */
    public static final int UPTODATE = 1 << 1;
    /** Modified and not yet written back. */
    public static final int DIRTY = 1 << 2;
    /** Being written back. */
    public static final int WRITEBACK = 1 << 3;
    /** Its data is being written to the disk cache. */
    public static final int COPY_TO_CACHE = 1 << 4;
    /** The read that filled it failed. */
    public static final int ERROR = 1 << 5;
    /** Dropped from its mapping (evicted or invalidated); internal, not in {@link #state()}. */
    private static final int DETACHED = 1 << 30;
    private static final int BUSY = LOCKED | DIRTY | WRITEBACK | COPY_TO_CACHE;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(CachedFolio.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final FolioMapping mapping;
    final long index;
    final Folio memory;
    /** The state bits; changed only by {@link #update} (compare-and-set). */
    private volatile int state;
    /** {@code -errno} of the failed read; written before the ERROR bit is published. */
    private volatile int error;
    /** Threads waiting in {@link #waitWhile}; changed only under the monitor. */
    private volatile int waiters;
    /** Dirty byte range within the folio: [dirtyFrom, dirtyTo), changed by the lock holder. */
    int dirtyFrom;
    int dirtyTo;

    CachedFolio(FolioMapping mapping, long index, Folio memory, int state) {
        this.mapping = mapping;
        this.index = index;
        this.memory = memory;
        this.state = state;
    }

    /** @return the folio index in its file */
    public long index() {
        return index;
    }

    /** @return the file position of its first byte */
    public long fpos() {
        return index * mapping.folioSize;
    }

    /** @return its size */
    public int size() {
        return mapping.folioSize;
    }

    /** @return the pool memory */
    public Folio memory() {
        return memory;
    }

    /** @return the state bits */
    public int state() {
        return state & ~DETACHED;
    }

    /** @return whether all of {@code bits} are set */
    public boolean test(int bits) {
        return (state & bits) == bits;
    }

    /** @return {@code -errno} of the failed read, or 0 */
    public int error() {
        return error;
    }

    /** Sets {@code set} and clears {@code clear} atomically; returns the new state. */
    private int update(int set, int clear) {
        while (true) {
            int s = state;
            int n = (s | set) & ~clear;
            if (STATE.compareAndSet(this, s, n)) {
                return n;
            }
        }
    }

    /** Wakes the waiters, if any. The caller changed the state first (volatile): see waitWhile. */
    private void wake() {
        // pairs with waitWhile: the state change above is a volatile write and this read of waiters a
        // volatile read, so either this sees the waiter counted or the waiter sees the new state
        if (waiters > 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    void set(int bits) {
        update(bits, 0);
    }

    /** Clears bits and wakes every waiter (and, when the folio may now be evicted, the memory waiters). */
    void clear(int bits) {
        int n = update(0, bits);
        wake();
        if ((n & BUSY) == 0 && mapping != null) {
            mapping.cache.memoryMayBeFree();
        }
    }

    /** Marks the folio filled (or failed) and unlocks it, waking readers. */
    void unlock(boolean uptodate, int err) {
        if (uptodate) {
            update(UPTODATE, LOCKED | ERROR);
        } else {
            error = err; // before the ERROR bit: whoever sees the bit sees the errno
            update(ERROR, LOCKED);
        }
        wake();
        if (mapping != null) {
            mapping.cache.memoryMayBeFree();
        }
    }

    /**
     * Takes the lock, waiting while another holder has it.
     *
     * @param timeoutNanos how long to wait at most
     * @return false if the wait timed out or the folio was evicted meanwhile
     */
    boolean lock(long timeoutNanos) throws InterruptedIOException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            if (!waitWhile(LOCKED, deadline - System.nanoTime())) {
                return false; // timed out
            }
            int s = state;
            if ((s & DETACHED) != 0) {
                return false; // evicted meanwhile: look the index up again
            }
            if ((s & LOCKED) == 0 && STATE.compareAndSet(this, s, s | LOCKED)) {
                return true;
            }
            // another thread took it between the wait and the set: wait again
        }
    }

    /** Marks the folio detached if nothing is using it; the caller then drops it from the mapping. */
    boolean tryDetach() {
        while (true) {
            int s = state;
            if ((s & (DETACHED | BUSY)) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s | DETACHED)) {
                return true;
            }
        }
    }

    /** Marks the folio detached whatever its state (the caller drops it from the mapping). */
    void markDetached() {
        update(DETACHED, 0);
    }

    /** @return whether the folio has been dropped from its mapping */
    public boolean detached() {
        return (state & DETACHED) != 0;
    }

    /**
     * Waits while any of {@code bits} is set.
     *
     * @return false if the wait timed out
     */
    boolean waitWhile(int bits, long timeoutNanos) throws InterruptedIOException {
        if ((state & bits) == 0) {
            return true; // the common case: no monitor at all
        }
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (this) {
            waiters++; // volatile write, then the state is read: see wake()
            try {
                while ((state & bits) != 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for folio " + this);
                    }
                }
                return true;
            } finally {
                waiters--;
            }
        }
    }

    /** @return whether the page cache may drop it now */
    boolean evictable() {
        return (state & BUSY) == 0;
    }

    @Override
    public String toString() {
        return "CachedFolio[index=" + index + ", size=" + mapping.folioSize + ", state=0x"
                + Integer.toHexString(state()) + "]";
    }
}
