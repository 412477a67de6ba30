package io.jnetfs.p9;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;

import io.jnetfs.bvecq.BvecqIter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@link ReceiveMode#DIRECT}: each reply's header first, then its body straight where its request
 * wants it, so every byte moves once, from the kernel to its destination. Who receives an Rread's data:
 * {@link #recvData}, into the request's destination chain.
 *
 * <pre>
 *   recvmsg [ hdr: size type tag (7) ]                                    -- then, by the tag's request:
 *   Rread/Rreaddir: recvmsg [ count (4) → rc ][ data → dest iovecs ... ][ next hdr (7) ]
 *                   (a flushed request's data goes to the discard buffer)
 *   others:         recvmsg [ body → rc ][ next hdr (7) ]
 * </pre>
 *
 * A body is received with the next reply's header slot behind it and flags 0 (not {@code MSG_WAITALL}):
 * when replies queue up back to back, one recvmsg per reply instead of two ({@link #hdrHave} says how
 * much of the next header came along).
 */
final class DirectReceiver extends Receiver {
    private final MemorySegment hdr;
    private final long hdrAddress;
    /** Bytes of the next reply's header already received with the previous body. */
    private int hdrHave;
    /** Where the data of a flushed request's Rread goes. */
    private final long discardAddress;

    /** @param arena the connection's: the header and discard buffers, freed when it closes */
    DirectReceiver(P9Connection conn, Arena arena) {
        super(conn, true);
        this.hdr = arena.allocate(64, 8);
        this.hdrAddress = hdr.address();
        this.discardAddress = arena.allocate(msize, 4096).address();
    }

    @Override
    boolean replyArriving() {
        return hdrHave > 0;
    }

    @Override
    void loop() {
        while (conn.failErrno() == 0) {
            if (hdrHave < HEADER_SIZE) {
                recvBufs.set(0, hdrAddress + hdrHave, HEADER_SIZE - hdrHave);
                if (recvAll(1, HEADER_SIZE - hdrHave, hdrHave == 0, false) < 0) {
                    return;
                }
            }
            hdrHave = 0;
            long size = Integer.toUnsignedLong(P9Codec.u32(hdr, 0));
            int type = dialect(size, P9Codec.u8(hdr, 4));
            int tag = P9Codec.u16(hdr, 5);
            P9Request r = accept(size, type, tag);
            if (r == null) {
                return;
            }
            boolean live = r.casState(P9Request.INFLIGHT, P9Request.RECEIVING);
            long body = size - HEADER_SIZE;
            if (isData(type, r)) {
                long count = body - 4;
                if (!recvData(r, live, count) || !finishData(r, live, type, count)) {
                    return;
                }
            } else {
                recvBufs.set(0, r.rc.address(), body);
                if (body > 0 && recvAll(1, body, false, true) < 0) {
                    return;
                }
                if (!finishReply(r, live, type, body)) {
                    return;
                }
            }
            replied();
        }
    }

    /** Receives {@code count[4]} into rc and the data into the destination (or discards it). */
    private boolean recvData(P9Request r, boolean live, long count) {
        MsgBuffers m = recvBufs;
        m.set(0, r.rc.address(), 4);
        if (!live) {
            m.set(1, discardAddress, count);
            return recvAll(count > 0 ? 2 : 1, 4 + count, false, true) >= 0;
        }
        if (r.dataKind == P9Request.DATA_DIRENTS) {
            m.set(1, r.direntDest.address(), count);
            return recvAll(count > 0 ? 2 : 1, 4 + count, false, true) >= 0;
        }
        BvecqIter it = r.data;
        long left = count;
        int e = 1;
        long first = 4;
        while (true) {
            long bytes = 0;
            if (left > 0) {
                e += it.gather(m.iov, e, MsgBuffers.IOV_MAX - e, left);
                bytes = it.iovBytes();
            }
            if (recvAll(e, first + bytes, false, left == bytes) < 0) {
                return false;
            }
            if (bytes > 0) {
                it.advance(bytes);
            }
            left -= bytes;
            if (left == 0) {
                return true;
            }
            e = 0;
            first = 0;
        }
    }

    /**
     * Receives exactly {@code total} bytes into the entries {@code [0, n)} of {@link #recvBufs}; with
     * {@code ahead}, also up to the 7 header bytes of the next reply where they are already there.
     *
     * <pre>
     *   ahead: iov = [ body ... (total) ][ hdr: next reply's header (7) ]   flags 0, not MSG_WAITALL:
     *   each recvmsg takes what the socket holds; the loop stops when the body is complete, with
     *   whatever part of the next header came along in {@link #hdrHave} -- never waiting for it
     * </pre>
     *
     * @param atBoundary whether nothing of the current message was received yet
     * @return 0, or {@code -errno} (the connection has then been failed)
     */
    private long recvAll(int n, long total, boolean atBoundary, boolean ahead) {
        MsgBuffers m = recvBufs;
        int entries = n;
        int flags = Transport.MSG_WAITALL;
        if (ahead && n < MsgBuffers.IOV_MAX) {
            m.set(entries++, hdrAddress, HEADER_SIZE);
            flags = 0;
        }
        m.prepare(entries);
        long done = 0;
        while (done < total) {
            sends.flushBeforeBlocking();
            long r = transport.recvmsg(m, flags);
            if (r > 0) {
                done += r;
                lastProgress = System.nanoTime();
                if (done < total) {
                    m.consume(r);
                }
                continue;
            }
            long e = nothingReceived(r, atBoundary && done == 0);
            if (e < 0) {
                return e;
            }
        }
        hdrHave = (int) (done - total); // 0 without ahead: MSG_WAITALL never overshoots its entries
        return 0;
    }
}
