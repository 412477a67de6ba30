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

    private DataBuffer(Folio f) {
        this.mem = f.segment();
        this.capacity = f.size();
        this.chain = new BvecqBuffer(1);
        chain.appendFolio(f, 0, f.size()); // takes over the allocation's reference
    }

    /**
     * A buffer of at least {@code size} bytes, or none when the pool is exhausted (an expected outcome:
     * the connection waits for one of its own buffers to come back).
     *
     * @return the buffer, or null
     */
    static DataBuffer tryAllocate(FolioPool pool, long size) {
        Folio f = pool.tryAllocate(size);
        return f == null ? null : new DataBuffer(f);
    }

    /**
     * A buffer sized once at start-up (the ctl export's zeroes), where an exhausted pool is a
     * configuration error.
     *
     * @throws IllegalStateException if the pool cannot give {@code size} bytes
     */
    static DataBuffer allocate(FolioPool pool, long size) {
        return new DataBuffer(pool.allocate(size));
    }

    /** Puts the chain, which returns the folio to its pool. Idempotent. */
    void release() {
        chain.close();
    }
}
