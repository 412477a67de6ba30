package io.jnetfs.benchmarks.p9server;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Callback;
import io.jnetfs.p9.P9Client;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads or writes a whole file with {@code inFlight} Treads (or Twrites) of {@link P9Client#transferSize(Fid)}
 * (whole pages)
 * always in flight: each completion, on the client's receiving thread, issues the next request from
 * its slot. Read data is dropped; written data comes from the slots' buffers (random bytes).
 *
 * <pre>
 *   slots: [ io bytes | io bytes | ... ]   one pool buffer of inFlight slots, each a power of two
 * </pre>
 *
 * Allocation-free per request. Not thread-safe: one run at a time.
 */
final class WholeFileIo implements P9Callback, AutoCloseable {
    /** What a run does. */
    enum Mode {
        /** Treads, data dropped. */
        READ,
        /** Twrites of the slot buffers. */
        WRITE
    }

    private final P9Client client;
    private final Fid fid;
    private final long size;
    private final int io;
    private final long slot;
    private final int inFlight;
    private final Mode mode;
    private final BvecqBuffer buf;
    private final BvecqIter[] its;

    private long next;
    private int outstanding;
    private long bytes;
    private long error;
    private volatile boolean finished;
    private Thread waiter;

    WholeFileIo(P9Client client, Fid fid, long size, int inFlight, Mode mode, FolioPool pool) {
        this.client = client;
        this.fid = fid;
        this.size = size;
        // whole pages per message, as the client's own transfers and the netfs engine's subrequests:
        // every Tread and Twrite is page-aligned in the file, on either server
        this.io = client.transferSize(fid);
        this.slot = Math.max(FolioPool.PAGE_SIZE, Long.highestOneBit(io - 1L) << 1);
        this.inFlight = inFlight;
        this.mode = mode;
        this.buf = BvecqBuffer.allocate(pool, slot * inFlight, (int) Math.min(slot, FolioPool.MAX_FOLIO));
        this.its = new BvecqIter[inFlight];
        for (int i = 0; i < inFlight; i++) {
            its[i] = new BvecqIter();
        }
        if (mode == Mode.WRITE) {
            byte[] r = new byte[1 << 16];
            new SplittableRandom(11).nextBytes(r);
            for (long off = 0; off < buf.length(); off += r.length) {
                buf.copyFrom(r, 0, off, (int) Math.min(r.length, buf.length() - off));
            }
        }
    }

    /**
     * Reads or writes the whole file once.
     *
     * @return the bytes transferred
     * @throws IOException if a request failed
     */
    long run() throws IOException {
        next = 0;
        bytes = 0;
        error = 0;
        outstanding = 0;
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
            throw new IOException(mode + " failed: errno " + -error + ": " + client.failure());
        }
        return bytes;
    }

    private void issue(int s) {
        long off = next;
        if (off >= size || error < 0) {
            return;
        }
        int len = (int) Math.min(io, size - off);
        next = off + len;
        BvecqIter it = its[s].init(buf, s * slot, len);
        long h = mode == Mode.READ ? client.readAsync(fid, off, len, it, this, s)
                : client.writeAsync(fid, off, len, it, this, s);
        if (h < 0) {
            error = h;
            return;
        }
        outstanding++;
    }

    @Override
    public void complete(long cookie, long result) {
        outstanding--;
        if (result < 0) {
            error = result;
        } else if (result == 0 && mode == Mode.READ) {
            error = -5; // EIO: the file is shorter than expected
        } else {
            bytes += result;
            issue((int) cookie);
        }
        if (outstanding == 0) {
            finished = true; // volatile write: publishes bytes and error to the waiting thread
            LockSupport.unpark(waiter);
        }
    }

    @Override
    public void close() {
        for (BvecqIter it : its) {
            it.close();
        }
        buf.close();
    }
}
