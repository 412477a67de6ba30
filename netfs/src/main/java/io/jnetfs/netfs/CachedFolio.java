package io.jnetfs.netfs;

import io.jnetfs.bvecq.Folio;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * A page-cache folio: pool memory for {@code [index * size, (index+1) * size)} of one file, with the
 * kernel's folio states. The page cache holds one reference on the memory; a request whose buffer
 * points at the folio holds another for each slot, so eviction never frees memory in use.
 *
 * <p>States: {@code LOCKED} while a request fills it (readers wait for the unlock), {@code UPTODATE}
 * once it holds the file's data, {@code DIRTY} when written and not yet written back,
 * {@code WRITEBACK} while being written back, {@code COPY_TO_CACHE} while its data is being written to
 * the disk cache (the kernel's PG_fscache), {@code ERROR} when the read that filled it failed. Waiting
 * uses the folio's monitor.
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

    final FolioMapping mapping;
    final long index;
    final Folio memory;
    private int state;
    private int error;
    /** Dirty byte range within the folio: [dirtyFrom, dirtyTo). */
    int dirtyFrom;
    int dirtyTo;
    /** Set when the folio has been dropped from its mapping (evicted or invalidated). */
    boolean detached;

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
    public synchronized int state() {
        return state;
    }

    /** @return whether all of {@code bits} are set */
    public synchronized boolean test(int bits) {
        return (state & bits) == bits;
    }

    /** @return {@code -errno} of the failed read, or 0 */
    public synchronized int error() {
        return error;
    }

    synchronized void set(int bits) {
        state |= bits;
    }

    /** Clears bits and wakes every waiter. */
    synchronized void clear(int bits) {
        state &= ~bits;
        notifyAll();
    }

    /** Marks the folio filled (or failed) and unlocks it, waking readers. */
    synchronized void unlock(boolean uptodate, int err) {
        if (uptodate) {
            state |= UPTODATE;
            state &= ~ERROR;
        } else {
            state |= ERROR;
            error = err;
        }
        state &= ~LOCKED;
        notifyAll();
    }

    /**
     * Takes the lock, waiting while another holder has it.
     *
     * @param timeoutNanos how long to wait at most
     * @return false if the wait timed out or the folio was evicted meanwhile
     */
    synchronized boolean lock(long timeoutNanos) throws InterruptedIOException {
        if (!waitWhile(LOCKED, timeoutNanos) || detached) {
            return false; // timed out, or evicted meanwhile: look the index up again
        }
        state |= LOCKED;
        return true;
    }

    /** Marks the folio detached if nothing is using it; the caller then drops it from the mapping. */
    synchronized boolean tryDetach() {
        if (detached || !evictable()) {
            return false;
        }
        detached = true;
        return true;
    }

    /** @return whether the folio has been dropped from its mapping */
    public synchronized boolean detached() {
        return detached;
    }

    /**
     * Waits while any of {@code bits} is set.
     *
     * @return false if the wait timed out
     */
    synchronized boolean waitWhile(int bits, long timeoutNanos) throws InterruptedIOException {
        long deadline = System.nanoTime() + timeoutNanos;
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
    }

    /** @return whether the page cache may drop it now */
    synchronized boolean evictable() {
        return (state & (LOCKED | DIRTY | WRITEBACK | COPY_TO_CACHE)) == 0;
    }

    @Override
    public synchronized String toString() {
        return "CachedFolio[index=" + index + ", size=" + mapping.folioSize + ", state=0x" + Integer.toHexString(state) + "]";
    }
}
