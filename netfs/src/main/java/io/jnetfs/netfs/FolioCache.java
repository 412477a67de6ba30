package io.jnetfs.netfs;

import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioPool;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The page cache shared by every open file: folios from a {@link FolioPool} under a memory budget,
 * with least-recently-used eviction of clean, unlocked folios. Thread-safe.
 */
public final class FolioCache {
    private final FolioPool pool;
    private final long budget;
    private final LinkedHashMap<CachedFolio, Boolean> lru = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;
    private long evictions;

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

    Folio allocate(int size) {
        evictFor(size);
        return pool.allocate(size);
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
                    return; // everything is busy: go over budget rather than fail a read
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
        java.util.List<CachedFolio> all;
        synchronized (this) {
            all = new java.util.ArrayList<>(lru.keySet());
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
}
