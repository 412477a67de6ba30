package io.jnetfs.p9.server;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioPool;
import java.lang.foreign.MemorySegment;

/**
 * A connection's buffer for message data: one page-aligned pool folio of at least msize bytes,
 * described by a one-slot bvecq chain made once, so a Tread's {@code preadv2}, the Rread's
 * {@code sendmsg}, a Twrite's {@code recvmsg} and its {@code pwritev2} all iterate over it without
 * building anything per request.
 *
 * <p>A connection holds a bounded number of these (its bytes in flight); {@link #release()} gives the
 * folio back to the pool.
 */
final class DataBuffer {
    /** The chain: one slot over the whole folio. */
    final BvecqBuffer chain;
    /** The folio's memory, valid until {@link #release()}. */
    final MemorySegment mem;
    /** Its size in bytes. */
    final long capacity;

    DataBuffer(FolioPool pool, long size) {
        Folio f = pool.allocate(size);
        this.mem = f.segment();
        this.capacity = f.size();
        this.chain = new BvecqBuffer(1);
        chain.appendFolio(f, 0, f.size()); // takes over the allocation's reference
    }

    /** Puts the chain, which returns the folio to its pool. Idempotent. */
    void release() {
        chain.close();
    }
}
