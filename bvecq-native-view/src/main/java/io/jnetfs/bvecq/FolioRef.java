package io.jnetfs.bvecq;

/**
 * Why a reference on a {@link Folio} is taken or put (the kernel's {@code netfs_folio_trace} and
 * {@code page_ref} tracepoints): every {@link Folio#get(FolioRef)} and {@link Folio#put(FolioRef)}
 * names one, and with tracing on ({@code -Djnetfs.bvecq.trace=true}) each becomes a JFR event
 * ({@code io.jnetfs.bvecq.FolioRef}), which is how a leaked or doubly put folio is found.
 */
public enum FolioRef {
    /** The first reference, held by whoever took the folio from its pool or allocated it. */
    NEW,
    /** A chain slot's reference on the memory it points into. */
    SLOT,
    /** A slice of a chain takes its own reference on every folio it covers. */
    SLICE,
    /** The page cache's reference, held while the folio is in a file's mapping. */
    PAGE_CACHE,
    /** A request's reference on a page-cache folio it reads into or writes back from, until loaded into its buffer. */
    REQUEST,
    /** A reader copying out of a page-cache folio holds it for the copy. */
    READER,
    /** A reference put after the memory was dropped from the page cache (eviction, invalidation). */
    EVICT,
    /** A reference whose holder did not say why (callers not yet converted). */
    UNNAMED
}
