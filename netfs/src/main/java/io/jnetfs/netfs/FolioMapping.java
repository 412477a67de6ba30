package io.jnetfs.netfs;

import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioRef;
import java.io.IOException;
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
    /** The file this is the page cache of (set once by the inode): what the flusher writes back. */
    NetfsInode inode;
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
     * Adds a new folio at {@code index} in the given state unless one is there, waiting for memory
     * (back-pressure) when the pool is empty. The caller holds no folio lock.
     *
     * @param timeoutNanos how long to wait for memory at most
     * @return the new folio (the caller holds its lock if {@code state} has LOCKED), or {@code null}
     *     if the index was taken
     * @throws IOException if no memory came back within the timeout
     */
    CachedFolio addNew(long index, int state, long timeoutNanos) throws IOException {
        if (folios.containsKey(index)) {
            return null;
        }
        return insert(index, state, cache.allocate(folioSize, timeoutNanos));
    }

    /**
     * Adds a new folio at {@code index} if the pool has memory now (readahead past the first folio: a
     * request never waits for memory while it holds folios of its own).
     *
     * @return the new folio, or {@code null} if the index was taken or the pool is empty
     */
    CachedFolio tryAddNew(long index, int state) {
        if (folios.containsKey(index)) {
            return null;
        }
        Folio mem = cache.tryAllocate(folioSize);
        return mem == null ? null : insert(index, state, mem);
    }

    private CachedFolio insert(long index, int state, Folio mem) {
        CachedFolio f = new CachedFolio(this, index, mem, state);
        if (folios.putIfAbsent(index, f) != null) {
            mem.put(FolioRef.EVICT);
            cache.memoryMayBeFree();
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
            clearDirty(f.index);
            f.memory.put(FolioRef.PAGE_CACHE);
            cache.memoryMayBeFree();
        }
    }

    /** @return the folios with index in {@code [from, to)}, in order */
    public List<CachedFolio> range(long from, long to) {
        return new ArrayList<>(folios.subMap(from, true, to, false).values());
    }

    /** Records that a folio holds data not yet written back. */
    void markDirty(CachedFolio f) {
        if (dirty.add(f.index)) {
            cache.dirtied(this, folioSize);
        }
    }

    /** Forgets a folio's dirty record (it is being written back, or was dropped). */
    void clearDirty(long index) {
        if (dirty.remove(index)) {
            cache.cleaned(this, folioSize);
        }
    }

    /**
     * Drops every folio, dirty ones too (their data is lost): for a file closed after its writeback
     * failed and was reported, so the flusher does not retry a file whose handle is gone.
     */
    void discardAll() {
        for (CachedFolio f : range(0, Long.MAX_VALUE)) {
            if (!f.test(CachedFolio.WRITEBACK) && !f.test(CachedFolio.LOCKED)) {
                forget(f);
            }
        }
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
