package io.jnetfs.netfs;

import static io.jnetfs.netfs.NetfsIoRequest.NETFS_RREQ_ALL_QUEUED;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_IN_PROGRESS;

import io.jnetfs.bvecq.Bvecq;
import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.FolioRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writeback issue (the kernel's {@code write_issue.c}): gathers runs of dirty folios into a bvecq
 * chain and dispatches two streams over it, each from its own cursor.
 *
 * <pre>
 *   dirty folios:   [D][D][D][ ][D][D]        -&gt; two requests (a clean folio ends a run)
 *   buffer:         [D][D][D]                    folios marked WRITEBACK, DIRTY cleared
 *   stream 0 (upload):  |--Twrite--|--Twrite--|   sized by prepareWrite: max length, max segments
 *   stream 1 (cache):   |----pwritev2 whole granules----|
 *   WriteCollect: a folio is clean once both streams have passed it
 * </pre>
 */
final class WriteIssue {
    /** The most bytes one writeback request gathers. */
    static final long MAX_RUN = 16L << 20;

    private WriteIssue() {
    }

    /**
     * Writes back every dirty folio of the file and waits.
     *
     * @return 0, or the first error ({@code -errno}) of this writeback
     */
    static int writebackAll(NetfsInode inode) throws IOException {
        startWriteback(inode);
        return awaitWriteback(inode);
    }

    /** Starts writing back every dirty folio without waiting (background writeback). */
    static void startWriteback(NetfsInode inode) throws IOException {
        startWriteback(inode, 0, Long.MAX_VALUE);
    }

    /**
     * Starts writing back the dirty folios with index in {@code [fromIndex, toIndex)} without waiting.
     *
     * @return how many requests were started
     */
    static int startWriteback(NetfsInode inode, long fromIndex, long toIndex) throws IOException {
        long from = fromIndex;
        int started = 0;
        while (from < toIndex) {
            long idx = inode.mapping.nextDirty(from);
            if (idx < 0 || idx >= toIndex) {
                break;
            }
            NetfsIoRequest w = writebackRun(inode, idx, toIndex);
            from = w == null ? idx + 1 : (w.start + w.len + inode.mapping.folioSize - 1) >>> inode.mapping.folioShift;
            if (w != null) {
                inode.writesInFlight.add(w);
                started++;
            }
        }
        return started;
    }

    /**
     * Writes back the dirty folios of {@code [pos, end)} and waits until no folio of the range is dirty
     * or under writeback (the kernel's {@code filemap_write_and_wait_range}): what a direct read or
     * write does first, and what a streaming write does before a write that does not join the folio's
     * dirty bytes. The caller holds no lock on a folio of the range.
     *
     * @return 0, or {@code -errno} of a failed writeback of the range
     */
    static int writeAndWait(NetfsInode inode, long pos, long end) throws IOException {
        FolioMapping m = inode.mapping;
        long first = pos >>> m.folioShift;
        long last = (end + m.folioSize - 1) >>> m.folioShift;
        long timeout = inode.netfs.config.timeoutNanos();
        int err = 0;
        for (int round = 0; round < 3; round++) {
            startWriteback(inode, first, last);
            for (NetfsIoRequest w : inode.writesInFlight) {
                if (w.start < end && pos < w.start + w.len) {
                    w.await();
                    if (w.error < 0 && err == 0) {
                        err = w.error;
                    }
                }
            }
            boolean busy = false;
            for (CachedFolio f : m.range(first, last)) {
                if (!f.waitWhile(CachedFolio.WRITEBACK, timeout)) {
                    throw new IOException("writeback of folio " + f.index() + " timed out");
                }
                busy |= f.test(CachedFolio.DIRTY);
            }
            if (!busy || err < 0) {
                break; // clean, or failed (the folios went back to dirty): the caller reports it
            }
        }
        return err;
    }

    /**
     * Waits for every writeback request started so far.
     *
     * @return 0, or the first error ({@code -errno}) among them
     */
    static int awaitWriteback(NetfsInode inode) throws IOException {
        int err = 0;
        NetfsIoRequest w;
        while ((w = inode.writesInFlight.peek()) != null) {
            w.await();
            inode.writesInFlight.remove(w);
            if (w.error < 0 && err == 0) {
                err = w.error;
            }
        }
        return err;
    }

    /**
     * Starts writing back the run of dirty folios from {@code first} (before {@code limit}); returns its
     * request or null. A streaming-write folio (not uptodate: only its dirty bytes are data) contributes
     * just those bytes, so it can only start a run (if its bytes do not begin the folio) or end one (if
     * they do not reach its end).
     */
    private static NetfsIoRequest writebackRun(NetfsInode inode, long first, long limit) throws IOException {
        FolioMapping m = inode.mapping;
        long timeout = inode.netfs.config.timeoutNanos();
        int max = (int) Math.max(1, MAX_RUN >>> m.folioShift);
        List<CachedFolio> run = new ArrayList<>();
        long size = inode.size();
        long start = -1;
        long runEnd = -1;
        for (long idx = first; run.size() < max && idx < limit; idx++) {
            CachedFolio f = m.get(idx);
            if (f == null || !f.test(CachedFolio.DIRTY)) {
                break;
            }
            if (!f.lock(timeout)) {
                break;
            }
            // stable pages: a folio still being written back by an earlier request waits for it
            if (!f.waitWhile(CachedFolio.WRITEBACK, timeout) || !f.test(CachedFolio.DIRTY) || f.fpos() >= size) {
                f.clear(CachedFolio.LOCKED);
                if (f.fpos() >= size) {
                    m.clearDirty(idx); // past the end after a truncation: nothing to write
                    f.clear(CachedFolio.DIRTY);
                }
                break;
            }
            boolean whole = f.test(CachedFolio.UPTODATE);
            long from = f.fpos() + (whole ? 0 : f.dirtyFrom);
            long to = f.fpos() + (whole ? f.size() : f.dirtyTo);
            if (!run.isEmpty() && from != runEnd) {
                f.clear(CachedFolio.LOCKED); // its dirty bytes do not join the run's: the next run
                break;
            }
            f.set(CachedFolio.WRITEBACK);
            f.clear(CachedFolio.DIRTY);
            m.clearDirty(idx);
            m.cache.writebackBytes.addAndGet(m.folioSize);
            f.memory.get(FolioRef.REQUEST); // handed to its slot below
            f.clear(CachedFolio.LOCKED);
            if (run.isEmpty()) {
                start = from;
            }
            run.add(f);
            runEnd = to;
            if (to < f.fpos() + f.size()) {
                break; // its dirty bytes end inside it
            }
        }
        if (run.isEmpty()) {
            return null;
        }
        long end = Math.min(runEnd, size);
        if (end <= start) {
            end = start + 1; // cannot happen for a folio below the size; keeps the buffer non-empty
        }
        BvecqBuffer buffer = new BvecqBuffer(Math.min(Bvecq.MAX_SLOTS_LIMIT, Math.max(16, run.size())));
        NetfsIoRequest w = new NetfsIoRequest(inode, NetfsOrigin.NETFS_WRITEBACK, start, end - start, buffer);
        w.folios = run.toArray(new CachedFolio[0]);
        w.nrFolios = run.size();
        for (CachedFolio f : run) {
            long off = Math.max(start, f.fpos()) - f.fpos();
            long len = Math.min(f.fpos() + f.size(), end) - f.fpos() - off;
            buffer.appendFolio(f.memory, off, Math.max(1, len));
        }
        w.nrLoaded = w.nrFolios;
        dispatchStreams(w, inode.cache != null && inode.cache.enabled());
        return w;
    }

    /** Dispatches the upload stream and, when the cache is on, the cache stream over the whole request. */
    static void dispatchStreams(NetfsIoRequest w, boolean toCache) {
        NetfsInode inode = w.inode;
        long end = w.start + w.len;
        NetfsIoStream up = w.streams[0];
        startUpload(w);
        NetfsIoStream cs = w.streams[1];
        cs.active = toCache;
        cs.issuedTo = w.start;
        cs.collectedTo = toCache ? w.start : end;
        if (toCache) {
            cs.dispatchPos.set(w.buffer.head(), 0, 0);
            NetfsIoSubrequest s = w.newSubrequest(1);
            s.source = NetfsSource.NETFS_WRITE_TO_CACHE;
            s.start = w.start;
            s.len = w.len;
            s.iter = inode.netfs.takeIter().init(cs.dispatchPos, s.len);
            s.setFlags(NETFS_SREQ_IN_PROGRESS);
            synchronized (w.subreqLock) {
                cs.subrequests.addLast(s);
            }
            cs.issuedTo = end;
            inode.cache.writeSubreq(s);
        }
        while (up.issuedTo < end) {
            issueUpload(w);
        }
        w.setFlag(NETFS_RREQ_ALL_QUEUED);
        WriteCollect.kick(w);
    }

    /** Makes the upload stream (stream 0) of a write request active, its cursors at the request's start. */
    static void startUpload(NetfsIoRequest w) {
        NetfsIoStream up = w.streams[0];
        up.active = true;
        up.issuedTo = w.start;
        up.collectedTo = w.start;
        up.dispatchPos.set(w.buffer.head(), 0, 0);
    }

    /**
     * Cuts the next upload subrequest from the stream's issue point, as large as the filesystem allows
     * ({@code prepareWrite}: max length, max segments), queues it and issues it: the one upload loop of
     * writeback and of direct writes.
     *
     * @return the subrequest issued
     */
    static NetfsIoSubrequest issueUpload(NetfsIoRequest w) {
        NetfsInode inode = w.inode;
        NetfsIoStream up = w.streams[0];
        NetfsIoSubrequest s = w.newSubrequest(0);
        s.source = NetfsSource.NETFS_UPLOAD_TO_SERVER;
        s.start = up.issuedTo;
        s.len = w.start + w.len - s.start;
        int r = inode.ops.prepareWrite(s);
        s.len = Math.min(s.len, Math.min(s.maxLen, BufferedRead.segLimit(w, s.start, s.maxSegs)));
        s.iter = inode.netfs.takeIter().init(up.dispatchPos, s.len);
        up.dispatchPos.advance(s.len);
        up.issuedTo += s.len;
        s.setFlags(NETFS_SREQ_IN_PROGRESS);
        synchronized (w.subreqLock) {
            up.subrequests.addLast(s);
        }
        s.issueNanos = System.nanoTime();
        if (r < 0) {
            s.terminated(r);
        } else {
            inode.ops.issueWrite(s);
        }
        return s;
    }
}
