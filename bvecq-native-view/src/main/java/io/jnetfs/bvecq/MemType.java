package io.jnetfs.bvecq;

/** What happens to the memory a segment's slots point at when the segment is released. */
public enum MemType {
    /** Caller-owned memory: released segments leave it alone; it must outlive every chain describing it. */
    EXTERNAL,
    /** Folios of a {@link FolioPool}: each slot's reference is put, and the last put returns the folio. */
    POOLED,
    /** Memory allocated for this chain: each slot's reference is put, and the last put frees it. */
    OWNED
}
