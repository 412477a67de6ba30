package io.jnetfs.fiemap;

/**
 * What {@link FiemapOccupancy} does with extents flagged {@link FiemapExtentFlags#FIEMAP_EXTENT_DELALLOC}
 * or {@link FiemapExtentFlags#FIEMAP_EXTENT_UNKNOWN}: data written but not yet placed on disk
 * (delayed allocation) looks the same to FIEMAP as speculative preallocation that holds no data, so
 * such an extent is never taken as data from an answer made without {@code FIEMAP_FLAG_SYNC}.
 */
public enum DelallocPolicy {
    /**
     * Never sync: DELALLOC/UNKNOWN extents are holes. Cheapest, and safe (the cache re-reads from the
     * server), but data written recently is reported absent until writeback places it.
     */
    HOLE,
    /**
     * Ask without FIEMAP_FLAG_SYNC; if a DELALLOC/UNKNOWN extent lies in the window below the end of
     * the file, ask again with FIEMAP_FLAG_SYNC (which writes the file's dirty pages back first) and
     * take the DELALLOC/UNKNOWN extents still reported then as data. The default: a query pays for a
     * sync only when there is something to resolve.
     */
    SYNC_ON_DEMAND,
    /** Always ask with FIEMAP_FLAG_SYNC, and take DELALLOC/UNKNOWN extents as data. */
    SYNC_ALWAYS,
}
