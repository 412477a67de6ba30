package io.jnetfs.netfs;

import static io.jnetfs.netfs.NetfsIoRequest.NETFS_RREQ_ALL_QUEUED;
import static io.jnetfs.netfs.NetfsIoRequest.NETFS_RREQ_DONE;
import static io.jnetfs.netfs.NetfsIoRequest.NETFS_RREQ_FAILED;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_FAILED;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_IN_PROGRESS;

import io.jnetfs.ffm.Errno;

/**
 * Write collection (the kernel's {@code write_collect.c}): walks each stream's subrequests in order,
 * and ends writeback of the folios every active stream has passed, in order.
 *
 * <pre>
 *   folios:    [ F0 ][ F1 ][ F2 ][ F3 ]            all WRITEBACK, in the request's buffer
 *   stream 0:  |-- W0 ok --|-- W1 ok --|-- W2 in flight --|      collectedTo (upload) ----^
 *   stream 1:  |------------- cache write done -----------------|   collectedTo (cache)
 *   both passed F0, F1 (min of the collected points): WRITEBACK cleared, clean; F2, F3 wait
 *   upload failed: F2, F3 (not acknowledged) go back to DIRTY, the error waits for the next
 *   write/flush/fsync/close; the cache forgets the request's range
 * </pre>
 *
 * <ul>
 *   <li>upload done: the stream's collected point moves on; a short write that made progress is
 *       retried for the rest; a transient error is resplit and retried a bounded number of times; a
 *       permanent error fails the stream: its folios go back to DIRTY and the error is kept for the next
 *       flush, fsync or close; nothing acknowledged is dropped, nothing unacknowledged is called clean;</li>
 *   <li>cache write failed: the cache is switched off for the file; the write itself does not fail.</li>
 * </ul>
 */
final class WriteCollect {
    private WriteCollect() {
    }

    static void kick(NetfsIoRequest w) {
        w.runCollector(WriteCollect::collect);
    }

    private static void collect(NetfsIoRequest w) {
        boolean busy = false;
        for (NetfsIoStream st : w.streams) {
            busy |= collectStream(w, st);
        }
        endWriteback(w);
        synchronized (w) {
            w.notifyAll(); // a direct write in strict sequence waits for each subrequest
        }
        if (!busy && w.test(NETFS_RREQ_ALL_QUEUED) && !w.test(NETFS_RREQ_DONE)) {
            complete(w);
        }
    }

    /** @return whether the stream still has subrequests in flight */
    private static boolean collectStream(NetfsIoRequest w, NetfsIoStream st) {
        while (true) {
            NetfsIoSubrequest s;
            synchronized (w.subreqLock) {
                s = st.subrequests.peekFirst();
            }
            if (s == null) {
                return false;
            }
            if (s.test(NETFS_SREQ_IN_PROGRESS)) {
                return true;
            }
            if (st.error == 0 && !assess(w, st, s)) {
                return true; // issued again
            }
            synchronized (w.subreqLock) {
                st.subrequests.pollFirst();
            }
            NetfsEvents.subrequestDone(s);
            w.inode.netfs.returnIter(s.iter);
            s.iter = null;
        }
    }

    private static boolean assess(NetfsIoRequest w, NetfsIoStream st, NetfsIoSubrequest s) {
        NetfsInode inode = w.inode;
        if (st.source == NetfsSource.NETFS_WRITE_TO_CACHE) {
            if (s.error < 0 || s.transferred < s.len) {
                if (inode.cache != null) {
                    inode.cache.disable("cache write at " + s.position() + " failed: "
                            + (s.error < 0 ? Errno.describe(-s.error) : "short write"));
                }
            }
            st.collectedTo = s.start + s.len; // a failed cache write never holds the folios back
            return true;
        }
        if (s.error < 0) {
            int errno = -s.error;
            if (inode.ops.isTransient(errno) && s.retryCount < inode.netfs.config.maxRetries()) {
                WriteRetry.retry(w, st, s);
                return false;
            }
            s.setFlags(NETFS_SREQ_FAILED);
            failStream(w, st, s.error);
            return true;
        }
        if (s.transferred > s.len) {
            s.setFlags(NETFS_SREQ_FAILED);
            failStream(w, st, -Errno.EIO);
            return true;
        }
        if (s.transferred < s.len) {
            if (s.lastResult > 0) {
                WriteRetry.retry(w, st, s);
                return false;
            }
            s.setFlags(NETFS_SREQ_FAILED);
            failStream(w, st, -Errno.EIO); // the server took nothing: no progress
            return true;
        }
        st.collectedTo = s.start + s.len;
        w.transferred += s.transferred;
        inode.serverHas(st.collectedTo);
        return true;
    }

    private static void failStream(NetfsIoRequest w, NetfsIoStream st, int error) {
        st.error = error;
        w.error = error;
        w.setFlag(NETFS_RREQ_FAILED);
        w.inode.netfs.stats.failedRequests.increment();
        if (w.inode.wbError == 0) {
            w.inode.wbError = error;
        }
        if (w.inode.cache != null) {
            // the cache stream may have stored data the server refused: the cache must not keep it
            w.inode.cache.invalidateRange(w.start, w.start + w.len);
        }
    }

    /**
     * Ends writeback of folios both streams passed, in order: clean after a good upload, DIRTY again
     * after a failure (nothing unacknowledged is called clean). A folio is passed when the request's
     * bytes in it are: the first and last folio of a streaming write may hold the request's bytes in
     * part only.
     */
    private static void endWriteback(NetfsIoRequest w) {
        if (w.folios == null) {
            return;
        }
        NetfsIoStream up = w.streams[0];
        long wEnd = w.start + w.len;
        long upTo = Math.min(up.collectedTo, w.streams[1].collectedTo);
        if (up.error != 0) {
            upTo = wEnd; // everything not acknowledged goes back to dirty now
        }
        FolioMapping m = w.inode.mapping;
        int size = m.folioSize;
        int i = w.nextUnlock;
        while (i < w.nrFolios) {
            CachedFolio f = w.folios[i];
            long fend = Math.min(f.fpos() + size, wEnd);
            if (fend > upTo) {
                break;
            }
            if (up.error != 0 && fend > up.collectedTo) {
                f.set(CachedFolio.DIRTY);
                m.markDirty(f);
            }
            m.cache.writebackBytes.addAndGet(-size);
            f.clear(CachedFolio.WRITEBACK);
            i++;
        }
        w.nextUnlock = i;
    }

    private static void complete(NetfsIoRequest w) {
        w.inode.noteCacheState();
        if (w.transferred > 0) {
            w.inode.localWrites++; // the server's attributes changed by this client's hand (revalidation)
        }
        for (NetfsIoStream st : w.streams) {
            st.dispatchPos.unset();
        }
        w.dispatchPos.unset();
        w.collectPos.unset();
        w.buffer.release();
        w.inode.mapping.cache.memoryMayBeFree(); // the buffer's slots put their folio references
        w.setFlag(NETFS_RREQ_DONE);
        NetfsEvents.requestDone(w, w.startNanos);
        w.done.countDown();
    }
}
