package io.jnetfs.netfs;

import static io.jnetfs.netfs.NetfsIoRequest.NETFS_RREQ_ALL_QUEUED;
import static io.jnetfs.netfs.NetfsIoRequest.NETFS_RREQ_DONE;
import static io.jnetfs.netfs.NetfsIoRequest.NETFS_RREQ_FAILED;
import static io.jnetfs.netfs.NetfsIoRequest.NETFS_RREQ_HIT_EOF;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_CLEAR_TAIL;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_COPY_TO_CACHE;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_FAILED;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_HIT_EOF;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_IN_PROGRESS;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_NEED_RETRY;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.FolioRef;
import io.jnetfs.ffm.Errno;

/**
 * Read collection (the kernel's {@code read_collect.c}): walks a request's subrequests in issue order
 * and decides what each result means. Only this class decides.
 *
 * <pre>
 *   subrequests: [S0 ok][S1 short, made progress][S2 in flight][S3 ok]
 *                 collect S0: unlock the folios it completed
 *                        S1: ask ReadRetry for the rest; stop (it is in flight again)
 *   file:        |----S0----|----S1----|----S2----|----S3----|
 *                ^collectedTo moves only over completed subrequests, so folios unlock in order
 * </pre>
 *
 * Outcomes of a terminated subrequest at the front:
 * <ul>
 *   <li>all transferred: collected; folios wholly below {@code collectedTo} are unlocked uptodate in one
 *       batch, found by arithmetic on the request's folio array (fpos and summed lengths), not one index
 *       lookup per folio; a server read marked COPY_TO_CACHE goes to the disk cache in the
 *       background;</li>
 *   <li>short, end of file (HIT_EOF, or at the file's size): CLEAR_TAIL, the rest is zeroed;</li>
 *   <li>short, made progress: the rest is retried;</li>
 *   <li>no progress, not at end of file: fails with ENODATA;</li>
 *   <li>more than asked: fails with EIO;</li>
 *   <li>an error: a cache read is re-sourced from the server; a transient server error is retried
 *       (resplit) up to {@code maxRetries} times; otherwise the request fails with it.</li>
 * </ul>
 *
 * <p>Concurrency: any thread may {@link #kick} (a subrequest terminating, the dispatcher finishing);
 * one thread collects at a time, and a kick during collection makes it look again.
 */
final class ReadCollect {
    private ReadCollect() {
    }

    static void kick(NetfsIoRequest rreq) {
        rreq.runCollector(ReadCollect::collect);
    }

    private static void collect(NetfsIoRequest rreq) {
        while (true) {
            NetfsIoSubrequest front;
            synchronized (rreq.subreqLock) {
                front = rreq.subrequests.peekFirst();
            }
            if (front == null) {
                if (rreq.test(NETFS_RREQ_ALL_QUEUED) && !rreq.test(NETFS_RREQ_DONE)) {
                    complete(rreq);
                }
                return;
            }
            if (front.test(NETFS_SREQ_IN_PROGRESS)) {
                return;
            }
            if (!rreq.test(NETFS_RREQ_FAILED) && !assess(rreq, front)) {
                return; // re-issued: it is in flight again
            }
            synchronized (rreq.subreqLock) {
                rreq.subrequests.pollFirst();
            }
            NetfsEvents.subrequestDone(front);
            rreq.inode.netfs.returnIter(front.iter);
            front.iter = null;
        }
    }

    /**
     * Decides a terminated front subrequest's outcome.
     *
     * @return true if it is finished with (collected or failed), false if it was issued again
     */
    private static boolean assess(NetfsIoRequest rreq, NetfsIoSubrequest s) {
        NetfsInode inode = rreq.inode;
        if (s.error < 0) {
            int errno = -s.error;
            if (s.source == NetfsSource.NETFS_READ_FROM_CACHE) {
                if (inode.cache != null) {
                    inode.cache.disable("cache read at " + s.position() + " failed: " + Errno.describe(errno));
                }
                ReadRetry.resourceFromServer(s);
                return false;
            }
            if (s.source == NetfsSource.NETFS_DOWNLOAD_FROM_SERVER && inode.ops.isTransient(errno)
                    && s.retryCount < inode.netfs.config.maxRetries()) {
                ReadRetry.retry(s);
                return false;
            }
            s.setFlags(NETFS_SREQ_FAILED);
            fail(rreq, s.error);
            return true;
        }
        if (s.transferred > s.len) {
            s.setFlags(NETFS_SREQ_FAILED);
            fail(rreq, -Errno.EIO); // more data than asked: the filesystem overran the buffer
            return true;
        }
        if (s.transferred < s.len) {
            boolean eof = s.test(NETFS_SREQ_HIT_EOF) || s.position() >= inode.remoteSize();
            if (eof) {
                s.setFlags(NETFS_SREQ_CLEAR_TAIL);
                rreq.setFlag(NETFS_RREQ_HIT_EOF);
                long off = s.position() - rreq.buffer.fpos();
                rreq.buffer.zero(off, s.remaining());
            } else if (s.lastResult > 0) {
                s.setFlags(NETFS_SREQ_NEED_RETRY);
                ReadRetry.retry(s);
                return false;
            } else {
                s.setFlags(NETFS_SREQ_FAILED);
                fail(rreq, -Errno.ENODATA);
                return true;
            }
        }
        // collected
        rreq.transferred += s.transferred;
        rreq.collectedTo = s.start + s.len;
        boolean download = s.source == NetfsSource.NETFS_DOWNLOAD_FROM_SERVER && s.test(NETFS_SREQ_COPY_TO_CACHE)
                && s.transferred > 0 && inode.cache != null && inode.cache.enabled();
        if (download) {
            if (rreq.copyStart < 0) {
                rreq.copyStart = s.start;
            }
            copyToCache(rreq, s.start + s.transferred, false);
        } else if (rreq.copyStart >= 0) {
            copyToCache(rreq, s.start, true); // the downloaded span ends here
        }
        unlockCollected(rreq);
        rreq.collectPos.advance(s.len);
        if (rreq.copyStart < 0 && rreq.collectPos.isSet() && rreq.buffer.head() != rreq.collectPos.segment()) {
            rreq.buffer.deleteSpent(rreq.collectPos); // spent segments go as collection passes them
        }
        return true;
    }

    /**
     * Writes the downloaded span {@code [copyStart, upTo)} to the disk cache in whole granules (and the
     * short last granule at the end of the file) in the background; what is left waits for more data,
     * or is dropped when the span ends ({@code end}). Subrequests are sized by the server (9P:
     * msize - 24), granules by the cache, so the span, not the subrequest, is the unit.
     */
    private static void copyToCache(NetfsIoRequest rreq, long upTo, boolean end) {
        NetfsCache cache = rreq.inode.cache;
        long g = cache.granule();
        long from = (rreq.copyStart + g - 1) / g * g;
        long to = upTo >= rreq.inode.size() ? upTo : upTo / g * g;
        if (to > from) {
            // a slice holds references on the folios' memory until the cache write is done, so the
            // reader is not delayed and eviction cannot free memory the write still reads
            BvecqBuffer data = rreq.buffer.slice(from - rreq.buffer.fpos(), to - from);
            cache.write(from, data);
            rreq.inode.netfs.stats.bytesToCache.add(to - from); // handed to the cache's writer
            rreq.inode.netfs.stats.cacheWrites.increment();
            rreq.copyStart = to;
        }
        if (end || upTo >= rreq.inode.size()) {
            rreq.copyStart = -1;
        }
    }

    /** Unlocks, uptodate, every folio wholly below {@code collectedTo}: one batch, no index lookups. */
    private static void unlockCollected(NetfsIoRequest rreq) {
        CachedFolio[] folios = rreq.folios;
        if (folios == null) {
            return;
        }
        int size = rreq.inode.mapping.folioSize;
        int i = rreq.nextUnlock;
        long limit = rreq.collectedTo;
        while (i < rreq.nrFolios && rreq.start + (long) (i + 1) * size <= limit) {
            if (rreq.keepLocked) {
                folios[i].set(CachedFolio.UPTODATE); // the writer that asked holds the lock
            } else {
                folios[i].unlock(true, 0);
            }
            i++;
        }
        rreq.nextUnlock = i;
    }

    private static void fail(NetfsIoRequest rreq, int error) {
        rreq.error = error;
        rreq.setFlag(NETFS_RREQ_FAILED);
        rreq.inode.netfs.stats.failedRequests.increment();
        failFolios(rreq);
    }

    /** Unlocks the folios not yet collected with the error and drops them, so a later read retries. */
    private static void failFolios(NetfsIoRequest rreq) {
        if (rreq.folios == null) {
            return;
        }
        for (int i = rreq.nextUnlock; i < rreq.nrFolios; i++) {
            CachedFolio f = rreq.folios[i];
            if (rreq.keepLocked) {
                continue; // the writer that asked sees the request's error and handles its folio
            }
            f.unlock(false, rreq.error);
            rreq.inode.mapping.forget(f);
        }
        rreq.nextUnlock = rreq.nrFolios;
    }

    /** Every subrequest is collected: unlock what is left, release the buffer, wake the waiter. */
    private static void complete(NetfsIoRequest rreq) {
        if (rreq.copyStart >= 0 && !rreq.test(NETFS_RREQ_FAILED) && rreq.inode.cache != null
                && rreq.inode.cache.enabled()) {
            copyToCache(rreq, rreq.collectedTo, true);
        }
        if (rreq.test(NETFS_RREQ_FAILED)) {
            failFolios(rreq);
        } else {
            rreq.collectedTo = rreq.start + rreq.len;
            unlockCollected(rreq);
        }
        rreq.inode.noteCacheState();
        rreq.dispatchPos.unset();
        rreq.collectPos.unset();
        rreq.buffer.release();
        for (int i = rreq.nrLoaded; i < rreq.nrFolios; i++) {
            rreq.folios[i].memory.put(FolioRef.REQUEST); // never loaded: not handed to a slot
        }
        rreq.inode.mapping.cache.memoryMayBeFree(); // the buffer's slots put their folio references
        rreq.setFlag(NETFS_RREQ_DONE);
        NetfsEvents.requestDone(rreq, rreq.startNanos);
        rreq.done.countDown();
    }
}
