package io.jnetfs.netfs;

import static io.jnetfs.netfs.NetfsIoRequest.NETFS_RREQ_ALL_QUEUED;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_IN_PROGRESS;

import io.jnetfs.bvecq.Bvecq;
import io.jnetfs.bvecq.BvecqBuffer;
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
        long from = 0;
        while (true) {
            long idx = inode.mapping.nextDirty(from);
            if (idx < 0) {
                break;
            }
            NetfsIoRequest w = writebackRun(inode, idx);
            from = w == null ? idx + 1 : (w.start + w.len + inode.mapping.folioSize - 1) >>> inode.mapping.folioShift;
            if (w != null) {
                inode.writesInFlight.add(w);
            }
        }
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

    /** Starts writing back the run of dirty folios from {@code first}; returns its request or null. */
    private static NetfsIoRequest writebackRun(NetfsInode inode, long first) throws IOException {
        FolioMapping m = inode.mapping;
        long timeout = inode.netfs.config.timeoutNanos();
        int max = (int) Math.max(1, MAX_RUN >>> m.folioShift);
        List<CachedFolio> run = new ArrayList<>();
        long size = inode.size();
        for (long idx = first; run.size() < max; idx++) {
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
            f.set(CachedFolio.WRITEBACK);
            f.clear(CachedFolio.DIRTY);
            m.clearDirty(idx);
            f.memory.get(); // the request's reference, handed to its slot below
            f.clear(CachedFolio.LOCKED);
            run.add(f);
        }
        if (run.isEmpty()) {
            return null;
        }
        long start = run.get(0).fpos();
        long end = Math.min(start + ((long) run.size() << m.folioShift), size);
        BvecqBuffer buffer = new BvecqBuffer(Math.min(Bvecq.MAX_SLOTS_LIMIT, Math.max(16, run.size())));
        NetfsIoRequest w = new NetfsIoRequest(inode, NetfsOrigin.NETFS_WRITEBACK, start, end - start, buffer);
        w.folios = run.toArray(new CachedFolio[0]);
        w.nrFolios = run.size();
        for (CachedFolio f : run) {
            long len = Math.min(f.size(), end - f.fpos());
            buffer.appendFolio(f.memory, 0, Math.max(1, len));
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
        up.active = true;
        up.issuedTo = w.start;
        up.collectedTo = w.start;
        up.dispatchPos.set(w.buffer.head(), 0, 0);
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
            NetfsIoSubrequest s = w.newSubrequest(0);
            s.source = NetfsSource.NETFS_UPLOAD_TO_SERVER;
            s.start = up.issuedTo;
            s.len = end - s.start;
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
        }
        w.setFlag(NETFS_RREQ_ALL_QUEUED);
        WriteCollect.kick(w);
    }
}
