package io.jnetfs.bvecq;

/**
 * Why a reference on a segment is taken or put: every get and put names one, and with tracing on
 * ({@code -Djnetfs.bvecq.trace=true}) each becomes a JFR event ({@code io.jnetfs.bvecq.Ref}), which is
 * how a leaked or doubly put segment is found.
 */
public enum RefTrace {
    /** A new segment's first reference, held by whoever allocated it. */
    NEW,
    /** A segment's reference on the next one in the chain. */
    NEXT,
    /** A chain handle's reference on its head segment. */
    CHAIN_HEAD,
    /** A position's reference on the segment it points into. */
    POS,
    /** An iterator's reference on its current segment. */
    ITER,
    /** An io_uring SQE in flight holds the chain it reads or writes until its completion. */
    SQE_INFLIGHT,
    /** A spent head segment deleted from its chain. */
    DELETE_SPENT,
    /** A chain released by its owner. */
    RELEASE
}
