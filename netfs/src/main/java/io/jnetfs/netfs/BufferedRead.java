package io.jnetfs.netfs;

import static io.jnetfs.netfs.NetfsIoRequest.NETFS_RREQ_ALL_QUEUED;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_COPY_TO_CACHE;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_IN_PROGRESS;

import io.jnetfs.bvecq.Bvecq;
import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqPos;
import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioRef;
import java.lang.foreign.MemorySegment;
import java.io.IOException;

/**
 * Buffered reads (the kernel's {@code buffered_read.c}): readahead into the page cache and the
 * dispatch loop that every read request shares.
 *
 * <pre>
 *   readahead(from, window):  [ missing folios, added LOCKED to the page cache ]
 *   load      ──&gt; folios appended to the request's buffer, estimate() bytes ahead of dispatch
 *   dispatch  ──&gt; cut subrequests: zero-fill past the zero point; the disk cache where it holds data;
 *                 else the server, within the filesystem's max length and max segments
 *   collect   ──&gt; ReadCollect unlocks folios in order as subrequests complete
 * </pre>
 */
final class BufferedRead {
    /** Appends buffer up to a file position; returns how far the buffer now reaches. */
    @FunctionalInterface
    interface Loader {
        long load(long upTo);
    }

    private BufferedRead() {
    }

    /**
     * Starts a readahead request for the run of missing folios from {@code from}, reaching at least to
     * {@code wantEnd} (and the readahead window); returns at once, the reader waits on folio locks.
     *
     * <p>Memory: the first folio waits for memory when {@code mayWait} (a reader that needs the data);
     * the rest are taken only while the pool has memory now, and the run ends at the first it has not:
     * a request never waits for memory while it holds folios of its own, so readers cannot deadlock
     * each holding half of the pool.
     *
     * @param mayWait whether to wait for memory for the first folio (false: readahead as a hint)
     * @return the folio made for {@code from} (the reader waits on it, even if the request fails and
     *     drops it from the page cache), or {@code null} if that folio was already there (or, without
     *     {@code mayWait}, memory is short)
     * @throws IOException if the first folio's memory did not come back within the timeout
     */
    static CachedFolio readahead(NetfsInode inode, long from, long wantEnd, NetfsOrigin origin, boolean mayWait)
            throws IOException {
        FolioMapping mapping = inode.mapping;
        int shift = mapping.folioShift;
        long size = inode.size();
        long first = from >>> shift;
        // one request reads at most the window (wantEnd) capped by readaheadMax and a quarter of the
        // page cache, so a huge read proceeds window by window and the cache can evict behind it
        long cap = Math.max(mapping.folioSize, Math.min(inode.netfs.config.readaheadMax(),
                inode.netfs.config.pageCacheBytes() / 4));
        long endIndex = (Math.min(Math.min(wantEnd, from + cap), Math.max(size, from + 1)) + mapping.folioSize - 1) >>> shift;
        int max = (int) Math.min(endIndex - first, 65535);
        CachedFolio[] folios = new CachedFolio[Math.max(1, max)];
        int n = 0;
        for (long idx = first; idx < first + max; idx++) {
            CachedFolio f = n == 0 && mayWait
                    ? mapping.addNew(idx, CachedFolio.LOCKED, inode.netfs.config.timeoutNanos())
                    : mapping.tryAddNew(idx, CachedFolio.LOCKED);
            if (f == null) {
                break; // already cached or being read, or no memory now: the run ends here
            }
            f.memory.get(FolioRef.REQUEST); // taken now: a failure may drop the cache's at any time
            folios[n++] = f;
        }
        if (n == 0) {
            return null;
        }
        long start = first << shift;
        BvecqBuffer buffer = new BvecqBuffer(Math.min(Bvecq.MAX_SLOTS_LIMIT, Math.max(16, n)));
        NetfsIoRequest rreq = new NetfsIoRequest(inode, origin, start, (long) n << shift, buffer);
        rreq.folios = folios;
        rreq.nrFolios = n;
        final int count = n;
        dispatch(rreq, upTo -> {
            while (rreq.nrLoaded < count && start + ((long) rreq.nrLoaded << shift) < upTo) {
                CachedFolio f = folios[rreq.nrLoaded++];
                buffer.appendFolio(f.memory, 0, f.size()); // hands the request's reference to the slot
            }
            return start + ((long) rreq.nrLoaded << shift);
        });
        return folios[0];
    }

    /**
     * Makes a streaming-write folio uptodate (the kernel's {@code netfs_read_gaps}): a write that
     * covered part of a folio left only those bytes ({@code [dirtyFrom, dirtyTo)}) valid; a read of
     * the rest fetches the folio's bytes from the server (zeroes past the zero point) into memory of its
     * own and copies in everything but the written bytes. Nothing happens if the folio became uptodate
     * or was dropped meanwhile.
     *
     * @param f a folio of {@code inode}'s page cache, not uptodate, whose lock the caller does not hold
     * @throws IOException if the read failed or timed out
     */
    static void readGaps(NetfsInode inode, CachedFolio f) throws IOException {
        long timeout = inode.netfs.config.timeoutNanos();
        if (!f.lock(timeout)) {
            if (f.detached()) {
                return;
            }
            throw new IOException("read(pos=" + f.fpos() + ") timed out waiting for folio " + f.index());
        }
        try {
            if (f.test(CachedFolio.UPTODATE) || f.detached()) {
                return;
            }
            int size = f.size();
            long len = Math.max(0, Math.min(size, inode.size() - f.fpos()));
            MemorySegment dst = f.memory.segment();
            int from = f.dirtyFrom;
            int to = f.dirtyTo;
            if (len > 0) {
                Folio tmp = Folio.allocateOwned(size); // not the pool: this thread holds a folio lock
                try {
                    MemorySegment t = tmp.segment();
                    DirectRead.readRaw(inode, f.fpos(), t.asSlice(0, len), NetfsOrigin.NETFS_READ_GAPS);
                    MemorySegment.copy(t, 0, dst, 0, Math.min(from, len));
                    if (to < len) {
                        MemorySegment.copy(t, to, dst, to, len - to);
                    }
                } finally {
                    tmp.put(FolioRef.NEW);
                }
            }
            if (len < size) {
                dst.asSlice(Math.max(len, to)).fill((byte) 0);
                if (from > len) {
                    dst.asSlice(len, from - len).fill((byte) 0);
                }
            }
            f.dirtyFrom = 0;
            f.dirtyTo = size;
            f.set(CachedFolio.UPTODATE);
            inode.netfs.stats.gapReads.increment();
        } finally {
            f.clear(CachedFolio.LOCKED);
        }
    }

    /**
     * The dispatch loop: loads buffer (when {@code loader} is given) {@code estimate()} bytes ahead,
     * cuts it into subrequests and issues them; then lets the collector finish the request.
     */
    static void dispatch(NetfsIoRequest rreq, Loader loader) {
        NetfsInode inode = rreq.inode;
        inode.ops.initRequest(rreq);
        long end = rreq.start + rreq.len;
        long estimate = Math.max(1, inode.ops.estimate(rreq));
        boolean buffered = rreq.folios != null;
        NetfsCache cache = buffered && inode.cache != null && inode.cache.enabled() ? inode.cache : null;
        long[] occ = new long[128];
        int ranges = cache == null ? 0 : cache.queryOccupancy(rreq.start, end, occ);
        if (ranges < 0) {
            ranges = 0; // unknown: treat as absent
        }
        long loadedTo = loader == null ? end : rreq.start;
        // the subrequests issued between two loads leave together (one sendmsg for the 9P ops); the
        // plug is lifted while loading, which may wait for memory that in-flight reads will free
        inode.ops.beginIssue();
        try {
            while (rreq.dispatchedTo < end && !rreq.test(NetfsIoRequest.NETFS_RREQ_FAILED)) {
                long at = rreq.dispatchedTo;
                if (loader != null && loadedTo < Math.min(end, at + estimate)) {
                    inode.ops.endIssue();
                    try {
                        loadedTo = loader.load(Math.min(end, at + estimate));
                    } finally {
                        inode.ops.beginIssue();
                    }
                }
                if (!rreq.dispatchPos.isSet()) {
                    rreq.dispatchPos.set(rreq.buffer.head(), 0, 0);
                    rreq.collectPos.set(rreq.buffer.head(), 0, 0);
                }
                NetfsIoSubrequest s = rreq.newSubrequest(0);
                s.start = at;
                long limit = loadedTo;
                long zp = inode.zeroPoint();
                long cachedEnd = runEnd(occ, ranges, at);
                if (at >= zp) {
                    s.source = NetfsSource.NETFS_FILL_WITH_ZEROES;
                    s.len = limit - at;
                } else if (cachedEnd > at) {
                    s.source = NetfsSource.NETFS_READ_FROM_CACHE;
                    s.len = Math.min(Math.min(cachedEnd, zp), limit) - at;
                } else {
                    s.source = NetfsSource.NETFS_DOWNLOAD_FROM_SERVER;
                    s.len = Math.min(Math.min(limit, zp), nextStart(occ, ranges, at)) - at;
                    int r = inode.ops.prepareRead(s);
                    if (r < 0) {
                        s.error = r;
                    }
                    s.len = Math.min(s.len, Math.min(s.maxLen, segLimit(rreq, at, s.maxSegs)));
                    if (cache != null) {
                        s.setFlags(NETFS_SREQ_COPY_TO_CACHE);
                    }
                }
                s.iter = inode.netfs.takeIter().init(rreq.dispatchPos, s.len);
                rreq.dispatchPos.advance(s.len);
                rreq.dispatchedTo = at + s.len;
                s.setFlags(NETFS_SREQ_IN_PROGRESS);
                synchronized (rreq.subreqLock) {
                    rreq.subrequests.addLast(s);
                }
                issue(rreq, s);
            }
        } catch (RuntimeException e) {
            // misuse or a bug below (an expected outcome never throws here): fail the request so its
            // folios are unlocked and its waiter wakes, then let the exception name the fault
            rreq.error = -io.jnetfs.ffm.Errno.EIO;
            rreq.setFlag(NetfsIoRequest.NETFS_RREQ_FAILED);
            rreq.setFlag(NETFS_RREQ_ALL_QUEUED);
            ReadCollect.kick(rreq);
            throw e;
        } finally {
            inode.ops.endIssue();
        }
        rreq.setFlag(NETFS_RREQ_ALL_QUEUED);
        ReadCollect.kick(rreq);
    }

    private static void issue(NetfsIoRequest rreq, NetfsIoSubrequest s) {
        if (s.error < 0) {
            s.terminated(s.error);
            return;
        }
        switch (s.source) {
            case NETFS_FILL_WITH_ZEROES -> {
                rreq.buffer.zero(s.start - rreq.buffer.fpos(), s.len);
                s.iter.advance(s.len);
                s.terminated(s.len);
            }
            case NETFS_READ_FROM_CACHE -> rreq.inode.cache.read(s);
            default -> rreq.inode.ops.issueRead(s);
        }
    }

    /** The end of the cached range holding {@code at}, or -1. */
    private static long runEnd(long[] occ, int ranges, long at) {
        for (int i = 0; i < ranges; i++) {
            if (occ[2 * i] <= at && at < occ[2 * i + 1]) {
                return occ[2 * i + 1];
            }
        }
        return -1;
    }

    /** The start of the first cached range after {@code at}, or MAX_VALUE. */
    private static long nextStart(long[] occ, int ranges, long at) {
        for (int i = 0; i < ranges; i++) {
            if (occ[2 * i] > at) {
                return occ[2 * i];
            }
        }
        return Long.MAX_VALUE;
    }

    /** The bytes from {@code fpos} that {@code maxSegs} iovec entries of the buffer cover. */
    static long segLimit(NetfsIoRequest rreq, long fpos, int maxSegs) {
        if (maxSegs == Integer.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long off = fpos - rreq.buffer.fpos();
        try (BvecqPos p = rreq.buffer.pos(Math.min(off, rreq.buffer.length()))) {
            Bvecq s = p.segment();
            int slot = p.slot();
            long inSlot = p.offset();
            long bytes = 0;
            int segs = 0;
            while (s != null && segs < maxSegs) {
                if (slot >= s.nrSlotsAcquire()) {
                    s = s.next();
                    slot = 0;
                    continue;
                }
                bytes += s.slotLen(slot) - inSlot;
                inSlot = 0;
                slot++;
                segs++;
            }
            return segs < maxSegs ? Long.MAX_VALUE : Math.max(1, bytes);
        }
    }
}
