package io.jnetfs.p9;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;

import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.bvecq.IovecDescriptor;
import io.jnetfs.ffm.Errno;
import java.lang.foreign.MemorySegment;

/**
 * {@link ReceiveMode#BULK}: receive whatever the socket holds into a pooled chunk, then take whole
 * replies out of it; fewer system calls when many replies are queued. Who receives an Rread's data:
 * {@link #deliverFromChunk}, as a slice of the chunk appended to the request's chain (a folio
 * reference, no copy), or copied into its destination iterator.
 *
 * <pre>
 *   chunk: [ consumed replies | parse .. fill: partial reply | free ... chunkSize ]
 *                                 ↑ chunkParse     ↑ chunkFill
 * </pre>
 *
 * A reply that would not fit in the rest of the chunk moves (its received part copied) to the start of
 * a fresh chunk; a chunk stays alive while slices of it live in callers' chains. A pool with no chunk
 * to give fails the connection with {@code -ENOMEM}: slices of earlier replies are still held.
 */
final class BulkReceiver extends Receiver {
    /** Every native byte, for copying to and from raw iovec addresses without making segments. */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final FolioPool pool;
    private final long chunkSize;
    private Folio chunk;
    private MemorySegment chunkSeg;
    private long chunkFill;
    private long chunkParse;

    /** @param pool where the chunks come from */
    BulkReceiver(P9Connection conn, FolioPool pool) {
        super(conn, false);
        this.pool = pool;
        this.chunkSize = chunkSize(msize);
    }

    /** A power of two holding at least four full messages, 256 KiB .. 2 MiB. */
    static long chunkSize(int msize) {
        long want = Math.max(256L << 10, 4L * msize);
        return Math.min(FolioPool.MAX_FOLIO, Long.highestOneBit(want - 1) << 1);
    }

    @Override
    boolean replyArriving() {
        return chunkFill > chunkParse;
    }

    @Override
    void stopped() {
        if (chunk != null) {
            chunk.put();
            chunk = null;
        }
    }

    @Override
    void loop() {
        if (!newChunk(0)) {
            return;
        }
        while (conn.failErrno() == 0) {
            if (!need(HEADER_SIZE)) {
                return;
            }
            long at = chunkParse;
            long size = Integer.toUnsignedLong(P9Codec.u32(chunkSeg, at));
            int type = dialect(size, P9Codec.u8(chunkSeg, at + 4));
            int tag = P9Codec.u16(chunkSeg, at + 5);
            P9Request r = accept(size, type, tag);
            if (r == null || !need(size)) {
                return;
            }
            at = chunkParse;
            long body = size - HEADER_SIZE;
            boolean live = r.casState(P9Request.INFLIGHT, P9Request.RECEIVING);
            if (isData(type, r)) {
                long count = body - 4;
                MemorySegment.copy(chunkSeg, at + HEADER_SIZE, r.rc, 0, 4);
                if (live) {
                    deliverFromChunk(r, at + HEADER_SIZE + 4, count);
                }
                chunkParse += size;
                if (!finishData(r, live, type, count)) {
                    return;
                }
            } else {
                MemorySegment.copy(chunkSeg, at + HEADER_SIZE, r.rc, 0, body);
                chunkParse += size;
                if (!finishReply(r, live, type, body)) {
                    return;
                }
            }
            replied();
        }
    }

    /** Puts an Rread's data where the request wants it: a slice of the chunk, or a copy. */
    private void deliverFromChunk(P9Request r, long off, long count) {
        if (count == 0) {
            return;
        }
        if (r.dataKind == P9Request.DATA_DIRENTS) {
            MemorySegment.copy(chunkSeg, off, r.direntDest, 0, count);
            return;
        }
        if (r.appendTo != null) {
            r.appendTo.appendFolio(chunk.get(), off, count);
            return;
        }
        BvecqIter it = r.data;
        MsgBuffers m = recvBufs;
        long left = count;
        long src = off;
        while (left > 0) {
            int n = it.gather(m.iov, 0, MsgBuffers.IOV_MAX, left);
            for (int i = 0; i < n; i++) {
                long base = IovecDescriptor.base(m.iov, i);
                long len = IovecDescriptor.len(m.iov, i);
                MemorySegment.copy(chunkSeg, src, ALL, base, len);
                src += len;
            }
            long bytes = it.iovBytes();
            it.advance(bytes);
            left -= bytes;
        }
        bytesCopied += count;
    }

    /** Makes sure {@code need} bytes from {@link #chunkParse} are in the chunk, receiving as needed. */
    private boolean need(long need) {
        while (chunkFill - chunkParse < need) {
            if (chunkParse + need > chunkSize && !newChunk(chunkFill - chunkParse)) {
                return false;
            }
            recvBufs.set(0, chunk.address() + chunkFill, chunkSize - chunkFill);
            long got = recvSome(chunkFill == chunkParse);
            if (got < 0) {
                return false;
            }
            chunkFill += got;
        }
        return true;
    }

    /** One recvmsg (no {@code MSG_WAITALL}) into entry 0: what the socket holds, at least one byte. */
    private long recvSome(boolean atBoundary) {
        recvBufs.prepare(1);
        while (true) {
            sends.flushBeforeBlocking();
            long r = transport.recvmsg(recvBufs, 0);
            if (r > 0) {
                lastProgress = System.nanoTime();
                return r;
            }
            long e = nothingReceived(r, atBoundary);
            if (e < 0) {
                return e;
            }
        }
    }

    /** Starts a fresh chunk, carrying over the {@code carry} received bytes of a partial reply. */
    private boolean newChunk(long carry) {
        Folio next = pool.tryAllocate(chunkSize);
        if (next == null) {
            conn.fail(Errno.ENOMEM, "no pool memory for a receive chunk (folio pool exhausted: maxBytes="
                    + pool.maxBytes() + ", leased=" + pool.leasedBytes() + "): slices of earlier replies are still held");
            return false;
        }
        MemorySegment nextSeg = next.segment();
        if (carry > 0) {
            MemorySegment.copy(chunkSeg, chunkParse, nextSeg, 0, carry);
            bytesCopied += carry;
        }
        if (chunk != null) {
            chunk.put(); // slices handed out keep their own references
        }
        chunk = next;
        chunkSeg = nextSeg;
        chunkFill = carry;
        chunkParse = 0;
        return true;
    }
}
