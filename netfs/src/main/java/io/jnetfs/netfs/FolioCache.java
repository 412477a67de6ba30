package io.jnetfs.netfs;

import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioPool;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The page cache shared by every open file: folios from a {@link FolioPool} under a memory budget,
 * with least-recently-used eviction of clean, unlocked folios. Thread-safe.
 *
 * <p>Memory pressure is back-pressure, never an error (the kernel's reclaim and
 * {@code balance_dirty_pages}):
 * <pre>
 *   allocate(size, deadline)
 *     1. evict clean, idle folios LRU-first until size fits the budget
 *     2. take a folio from the pool                          -&gt; done
 *     3. pool empty: start writeback of every mapping with dirty folios (the flusher), then wait for
 *        memory to come back (a folio unlocked, written back, copied to the disk cache, or its last
 *        reference put) and go to 1; past the deadline the caller gets an IOException naming the wait
 * </pre>
 * The budget is the soft target (a busy cache may go over it while the pool has room); the pool's
 * {@code maxBytes} is the hard bound. Writers are throttled before the pool runs dry: see
 * {@link BufferedWrite} (dirty and writeback bytes across every file are counted here).
 */
public final class FolioCache {
    /** How long one wait for memory sleeps at most before looking again (the pool does not signal). */
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final FolioPool pool;
    private final long budget;
    private final LinkedHashMap<CachedFolio, Boolean> lru = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;
    private long evictions;
    /** Bytes of folios dirty in any mapping of this cache. */
    final AtomicLong dirtyBytes = new AtomicLong();
    /** Bytes of folios under writeback in any mapping of this cache. */
    final AtomicLong writebackBytes = new AtomicLong();
    /** Times an allocation had to wait for memory. */
    private final AtomicLong memoryWaits = new AtomicLong();
    /** Mappings holding dirty folios: what the flusher writes back when the pool runs dry. */
    private final Set<FolioMapping> dirtyMappings = ConcurrentHashMap.newKeySet();
    private final Object memoryFreed = new Object();
    /** Threads waiting for memory; changed under {@link #memoryFreed}. */
    private volatile int memoryWaiters;

    /**
     * @param pool where folio memory comes from
     * @param budget the most bytes of folios to keep cached
     */
    public FolioCache(FolioPool pool, long budget) {
        if (budget <= 0) {
            throw new IllegalArgumentException("invalid budget=" + budget);
        }
        this.pool = pool;
        this.budget = budget;
    }

    /**
     * A new page cache for one file.
     *
     * @param folioSize a power of two, 4 KiB .. 2 MiB
     * @return the mapping
     */
    public FolioMapping newMapping(int folioSize) {
        FolioPool.orderFor(folioSize);
        return new FolioMapping(this, folioSize);
    }

    /** @return the pool folios come from */
    public FolioPool pool() {
        return pool;
    }

    /** @return the budget: the bytes of folios the cache keeps at most while memory is short */
    public long budget() {
        return budget;
    }

    /**
     * Takes memory for a folio without waiting: evicts for it, then asks the pool.
     *
     * @return a folio holding one reference, or {@code null} when the pool has none now
     */
    Folio tryAllocate(int size) {
        evictFor(size);
        return pool.tryAllocate(size);
    }

    /**
     * Takes memory for a folio, waiting for writeback and eviction to free some when the pool is
     * empty. The caller must hold no folio lock that writeback would need.
     *
     * @param size the folio size
     * @param timeoutNanos how long to wait at most
     * @return a folio holding one reference
     * @throws IOException if no memory came back within the timeout (naming the pool's state)
     */
    Folio allocate(int size, long timeoutNanos) throws IOException {
        Folio f = tryAllocate(size);
        if (f != null) {
            return f;
        }
        memoryWaits.incrementAndGet();
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            flushDirty();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no page-cache memory within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                        + " ms: pool maxBytes=" + pool.maxBytes() + ", leased=" + pool.leasedBytes() + ", cached="
                        + bytes() + ", dirty=" + dirtyBytes.get() + ", writeback=" + writebackBytes.get());
            }
            awaitMemory(Math.min(left, WAIT_SLICE_NANOS));
            f = tryAllocate(size);
            if (f != null) {
                return f;
            }
        }
    }

    /** Starts writeback of every mapping with dirty folios (the flusher thread's job, done by the waiter). */
    private void flushDirty() throws IOException {
        for (FolioMapping m : dirtyMappings) {
            NetfsInode inode = m.inode;
            if (inode != null && m.hasDirty()) {
                WriteIssue.startWriteback(inode);
            }
        }
    }

    /** Waits until memory may have come back, or {@code nanos} passed. */
    void awaitMemory(long nanos) throws InterruptedIOException {
        synchronized (memoryFreed) {
            memoryWaiters++; // volatile write, then the waiter sleeps: see memoryMayBeFree()
            try {
                TimeUnit.NANOSECONDS.timedWait(memoryFreed, nanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for page-cache memory");
            } finally {
                memoryWaiters--;
            }
        }
    }

    /**
     * Memory may have come back (a folio left a busy state or was dropped): wakes the waiters, if any.
     * The pool itself does not signal; a waiter also looks again every {@link #WAIT_SLICE_NANOS}.
     */
    void memoryMayBeFree() {
        if (memoryWaiters > 0) {
            synchronized (memoryFreed) {
                memoryFreed.notifyAll();
            }
        }
    }

    void dirtied(FolioMapping m, int size) {
        dirtyBytes.addAndGet(size);
        dirtyMappings.add(m);
    }

    void cleaned(FolioMapping m, int size) {
        dirtyBytes.addAndGet(-size);
        if (!m.hasDirty()) {
            dirtyMappings.remove(m);
            if (m.hasDirty()) {
                dirtyMappings.add(m); // dirtied again meanwhile
            }
        }
    }

    synchronized void added(CachedFolio f) {
        lru.put(f, Boolean.TRUE);
        bytes += f.size();
    }

    synchronized void removed(CachedFolio f) {
        if (lru.remove(f) != null) {
            bytes -= f.size();
        }
    }

    synchronized void touch(CachedFolio f) {
        lru.get(f);
    }

    /** Evicts least recently used clean folios until {@code need} more bytes fit the budget. */
    private void evictFor(long need) {
        while (true) {
            CachedFolio victim = null;
            synchronized (this) {
                if (bytes + need <= budget) {
                    return;
                }
                Iterator<CachedFolio> it = lru.keySet().iterator();
                while (it.hasNext()) {
                    CachedFolio f = it.next();
                    if (f.evictable()) {
                        victim = f;
                        break;
                    }
                }
                if (victim == null) {
                    return; // everything is busy: the pool decides (over budget, or a wait)
                }
            }
            if (victim.mapping.remove(victim)) {
                synchronized (this) {
                    evictions++;
                }
            }
        }
    }

    /**
     * Drops every folio from the cache, busy or not: each mapping's reference is put, so a folio's
     * memory goes back to the pool when its last user puts it. For closing the engine on a pool that
     * outlives it.
     */
    void dropAll() {
        List<CachedFolio> all;
        synchronized (this) {
            all = new ArrayList<>(lru.keySet());
        }
        for (CachedFolio f : all) {
            f.mapping.forget(f);
        }
    }

    /** @return the bytes of folios cached */
    public synchronized long bytes() {
        return bytes;
    }

    /** @return how many folios have been evicted */
    public synchronized long evictions() {
        return evictions;
    }

    /** @return the bytes of dirty folios in every file */
    public long dirtyBytes() {
        return dirtyBytes.get();
    }

    /** @return the bytes of folios being written back in every file */
    public long writebackBytes() {
        return writebackBytes.get();
    }

    /** @return how many allocations had to wait for memory (back-pressure) */
    public long memoryWaits() {
        return memoryWaits.get();
    }
}
