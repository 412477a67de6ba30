package io.jnetfs.netfs;

import io.jnetfs.bvecq.Folio;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One file's page cache: a sparse index from folio index to {@link CachedFolio}, all folios of one
 * power-of-two size from the pool. Thread-safe.
 */
public final class FolioMapping {
    final FolioCache cache;
    final int folioSize;
    final int folioShift;
    private final ConcurrentSkipListMap<Long, CachedFolio> folios = new ConcurrentSkipListMap<>();
    private final java.util.concurrent.ConcurrentSkipListSet<Long> dirty = new java.util.concurrent.ConcurrentSkipListSet<>();

    FolioMapping(FolioCache cache, int folioSize) {
        if (Integer.bitCount(folioSize) != 1) {
            throw new IllegalArgumentException("invalid folioSize=" + folioSize);
        }
        this.cache = cache;
        this.folioSize = folioSize;
        this.folioShift = Integer.numberOfTrailingZeros(folioSize);
    }

    /** @return the folio size of this file's page cache */
    public int folioSize() {
        return folioSize;
    }

    /** @return the folio at {@code index}, or {@code null} */
    public CachedFolio get(long index) {
        CachedFolio f = folios.get(index);
        if (f != null) {
            cache.touch(f);
        }
        return f;
    }

    /**
     * Adds a new folio at {@code index} in the given state unless one is there.
     *
     * @return the new folio (the caller holds its lock if {@code state} has LOCKED), or {@code null}
     *     if the index was taken
     */
    CachedFolio addNew(long index, int state) {
        if (folios.containsKey(index)) {
            return null;
        }
        Folio mem = cache.allocate(folioSize);
        CachedFolio f = new CachedFolio(this, index, mem, state);
        if (folios.putIfAbsent(index, f) != null) {
            mem.put();
            return null;
        }
        cache.added(f);
        return f;
    }

    /**
     * Drops a folio from the index if nothing is using it (eviction, invalidation); the memory goes
     * when its last reference does.
     *
     * @return whether it was dropped
     */
    boolean remove(CachedFolio f) {
        if (!f.tryDetach()) {
            return false;
        }
        forget(f);
        return true;
    }

    /** Drops a folio the caller has detached or holds locked (a failed read, a truncation). */
    void forget(CachedFolio f) {
        f.markDetached();
        if (folios.remove(f.index, f)) {
            cache.removed(f);
            f.memory.put();
        }
    }

    /** @return the folios with index in {@code [from, to)}, in order */
    public List<CachedFolio> range(long from, long to) {
        return new ArrayList<>(folios.subMap(from, true, to, false).values());
    }

    /** Records that a folio holds data not yet written back. */
    void markDirty(CachedFolio f) {
        dirty.add(f.index);
    }

    /** Forgets a folio's dirty record (it is being written back, or was dropped). */
    void clearDirty(long index) {
        dirty.remove(index);
    }

    /** @return whether any folio is dirty */
    public boolean hasDirty() {
        return !dirty.isEmpty();
    }

    /** @return the number of dirty folios */
    public int dirtyCount() {
        return dirty.size();
    }

    /** @return the first dirty index at or after {@code from}, or -1 */
    long nextDirty(long from) {
        Long i = dirty.ceiling(from);
        return i == null ? -1 : i;
    }

    /** @return how many folios are cached */
    public int size() {
        return folios.size();
    }

    /**
     * Drops every clean, unlocked folio at or after {@code fromIndex} (truncation, invalidation).
     *
     * @return the number dropped
     */
    public int invalidate(long fromIndex) {
        int n = 0;
        for (CachedFolio f : range(fromIndex, Long.MAX_VALUE)) {
            if (remove(f)) {
                n++;
            }
        }
        return n;
    }
}
