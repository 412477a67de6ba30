package io.jnetfs.benchmarks.p9;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Callback;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.ReceiveMode;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads a whole file with {@code inFlight} Treads of {@link P9Client#ioSize(Fid)} always in flight,
 * the way an asynchronous engine drives the client: each completion (on the client's receiving
 * thread) issues the next read from the same slot. The data is dropped, like {@code diodcat > /dev/null}.
 *
 * <pre>
 *   slot i: [64 KiB destination]  DIRECT / BULK_COPY: Tread into it (straight from the socket, or
 *                                 copied from the receive chunk)
 *           [chain]               BULK_SLICE: Tread appended as a slice of the receive chunk, then
 *                                 dropped (the folio reference put)
 * </pre>
 *
 * Allocation-free per read. Not thread-safe: one whole-file read at a time.
 */
public final class WholeFileReader implements P9Callback, AutoCloseable {
    /** How a read's data reaches the caller. */
    public enum Delivery {
        /** Into the slot's destination iterator ({@link P9Client#readAsync(Fid, long, int, BvecqIter, P9Callback, long)}). */
        ITER,
        /** Appended to the slot's chain ({@link P9Client#readAsync(Fid, long, int, BvecqBuffer, P9Callback, long)}). */
        APPEND,
        /**
         * Into a 4 MiB destination at the read's place in it (file offset modulo the buffer), the way a
         * reader that wants the bytes in its own 4 MiB buffer would use the client: the same job as a
         * netfs read into a 4 MiB buffer.
         */
        RING,
        /**
         * Each read at its own place in a destination the size of the file: the whole file ends up in
         * memory, as a page cache keeps it, so every read lands in memory not touched for a whole pass
         * (not in a few hot buffers): the same job as a netfs cold read that fills the page cache.
         */
        KEEP
    }

    /** Treads per {@link Delivery#RING} buffer: 64 x 64 KiB = 4 MiB. */
    private static final int RING_READS = 64;

    private final P9Client client;
    private final Fid fid;
    private final long size;
    private final int io;
    private final int inFlight;
    private final Delivery delivery;
    private final BvecqBuffer dest;
    private final BvecqIter[] its;
    private final BvecqBuffer[] chains;

    private long next;
    private int outstanding;
    private long bytes;
    private long error;
    private volatile boolean finished;
    private final int refillBatch;
    private final int[] freeSlots; // slots waiting for a batched refill (receiving thread only)
    private int nrFree;
    private Thread waiter;

    /**
     * @param pool where the destinations come from
     * @param size the file's size
     */
    public WholeFileReader(P9Client client, Fid fid, long size, int inFlight, Delivery delivery, FolioPool pool) {
        this(client, fid, size, inFlight, delivery, pool, client.ioSize(fid));
    }

    /**
     * @param pool where the destinations come from
     * @param size the file's size
     * @param io bytes per Tread, at most {@link P9Client#ioSize(Fid)} (a page multiple keeps every read
     *     page-aligned in the file)
     */
    public WholeFileReader(P9Client client, Fid fid, long size, int inFlight, Delivery delivery, FolioPool pool,
                           int io) {
        this(client, fid, size, inFlight, delivery, pool, io, 1);
    }

    /**
     * @param refillBatch how many slots must be free before they are issued again, together in one
     *     sendmsg, while another reply is already arriving ({@link P9Client#replyArriving()}); when none
     *     is, the free slots go at once: the netfs ops' policy (1: each completion issues its slot's
     *     next Tread at once)
     */
    public WholeFileReader(P9Client client, Fid fid, long size, int inFlight, Delivery delivery, FolioPool pool,
                           int io, int refillBatch) {
        if (refillBatch < 1 || refillBatch > inFlight) {
            throw new IllegalArgumentException("invalid refillBatch=" + refillBatch + " for inFlight=" + inFlight);
        }
        this.refillBatch = refillBatch;
        this.freeSlots = new int[inFlight];
        if (io <= 0 || io > client.ioSize(fid)) {
            throw new IllegalArgumentException("invalid io=" + io + " (the fid's ioSize is " + client.ioSize(fid) + ")");
        }
        this.client = client;
        this.fid = fid;
        this.size = size;
        this.io = io;
        this.inFlight = inFlight;
        this.delivery = delivery;
        this.dest = switch (delivery) {
            case RING -> BvecqBuffer.allocate(pool, (long) RING_READS * 65536, 65536);
            // 2 MiB folios: a short chain for the iterators to walk to a read's place
            case KEEP -> BvecqBuffer.allocate(pool, (size + FolioPool.MAX_FOLIO - 1) / FolioPool.MAX_FOLIO
                    * FolioPool.MAX_FOLIO, FolioPool.MAX_FOLIO);
            default -> BvecqBuffer.allocate(pool, (long) inFlight * 65536, 65536);
        };
        this.its = new BvecqIter[inFlight];
        this.chains = new BvecqBuffer[inFlight];
        for (int i = 0; i < inFlight; i++) {
            its[i] = new BvecqIter();
            chains[i] = new BvecqBuffer(16);
            // a permanent first slot (pool memory, like the slices) keeps the chain's segment alive
            // between reads: no segment churn
            chains[i].appendFolio(pool.allocate(FolioPool.MIN_FOLIO), 0, 1);
        }
        if (delivery == Delivery.APPEND && client.receiveMode() != ReceiveMode.BULK) {
            throw new IllegalArgumentException("APPEND is measured with BULK receive");
        }
    }

    /**
     * Reads the whole file once.
     *
     * @return the bytes read
     * @throws IOException if a read failed
     */
    public long readAll() throws IOException {
        next = 0;
        bytes = 0;
        error = 0;
        outstanding = 0;
        nrFree = 0;
        finished = false;
        waiter = Thread.currentThread();
        client.plug(); // nothing leaves (so no callback runs) before every slot is issued
        try {
            for (int i = 0; i < inFlight; i++) {
                issue(i);
            }
        } finally {
            client.unplug();
        }
        if (outstanding == 0) {
            finished = true;
        }
        while (!finished) {
            LockSupport.park(this);
        }
        if (error < 0) {
            throw new IOException("Tread failed: errno " + -error + ": " + client.failure());
        }
        return bytes;
    }

    private void issue(int slot) {
        long off = next;
        if (off >= size || error < 0) {
            return;
        }
        int len = (int) Math.min(io, size - off);
        next = off + len;
        long h;
        if (delivery == Delivery.ITER) {
            h = client.readAsync(fid, off, len, its[slot].init(dest, (long) slot * 65536, len), this, slot);
        } else if (delivery == Delivery.RING) {
            long at = (off / io) % RING_READS * io;
            h = client.readAsync(fid, off, len, its[slot].init(dest, at, len), this, slot);
        } else if (delivery == Delivery.KEEP) {
            h = client.readAsync(fid, off, len, its[slot].init(dest, off, len), this, slot);
        } else {
            h = client.readAsync(fid, off, len, chains[slot], this, slot);
        }
        if (h < 0) {
            error = h;
            return;
        }
        outstanding++;
    }

    @Override
    public void complete(long cookie, long result) {
        int slot = (int) cookie;
        outstanding--;
        if (result < 0) {
            error = result;
        } else {
            bytes += result;
            if (delivery == Delivery.APPEND && result > 0) {
                chains[slot].shorten(result); // drop the slice: its chunk reference is put
            }
            if (refillBatch == 1) {
                issue(slot);
            } else {
                freeSlots[nrFree++] = slot;
                // the engine's policy (P9NetfsOps): a partial batch waits only while another reply
                // is already arriving
                if (nrFree >= refillBatch || outstanding == 0 || !client.replyArriving()) {
                    client.plug(); // the batch leaves in one sendmsg
                    try {
                        while (nrFree > 0) {
                            issue(freeSlots[--nrFree]);
                        }
                    } finally {
                        client.unplug();
                    }
                }
            }
        }
        if (outstanding == 0) {
            finished = true; // volatile write: publishes bytes and error to the waiting thread
            LockSupport.unpark(waiter);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < inFlight; i++) {
            its[i].close();
            chains[i].close();
        }
        dest.close();
    }
}
