package io.jnetfs.netfs;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * Buffered writes (the kernel's {@code buffered_write.c}, {@code netfs_perform_write}): data is copied
 * into page-cache folios that are marked dirty; writeback sends them later. No write reads the server
 * first:
 *
 * <pre>
 *   folio:  |..........|XXXXXXXX|..........|       X: written, dirty [dirtyFrom, dirtyTo)
 *   whole folio written             -&gt; UPTODATE, all dirty
 *   folio uptodate                  -&gt; copy in, dirty
 *   folio wholly past the zero point -&gt; zeroes, UPTODATE (the server holds nothing there)
 *   otherwise a streaming write     -&gt; copy in; the dirty range grows when the write touches it;
 *                                      a write apart from it first writes the folio back (flush)
 *   a later read of the rest        -&gt; BufferedRead.readGaps fetches the gaps (netfs_read_gaps)
 * </pre>
 *
 * A write past the end moves the file's size; the zero point stays at what the server holds.
 *
 * <p>Throttling (the kernel's {@code balance_dirty_pages}), across every file of the page cache:
 * past {@link #BACKGROUND_DIVISOR} of the budget in dirty folios, writeback starts in the background;
 * past {@link #DIRTY_LIMIT_DIVISOR} in dirty folios and folios under writeback, the writer waits for
 * writeback before dirtying more. So writers slow down to the server's pace before the pool runs dry,
 * and readers keep memory to read into. A failed writeback stops the throttle; the writer's next
 * write, flush or close reports the upload's own error.
 */
final class BufferedWrite {
    /** Past this share of the page cache in dirty folios, writeback starts in the background. */
    static final int BACKGROUND_DIVISOR = 16;
    /** Past this share in dirty folios and folios under writeback, a writer waits (balance dirty pages). */
    static final int DIRTY_LIMIT_DIVISOR = 4;

    private BufferedWrite() {
    }

    static long write(NetfsInode inode, long pos, MemorySegment src) throws IOException {
        FolioMapping m = inode.mapping;
        long timeout = inode.netfs.config.timeoutNanos();
        long len = src.byteSize();
        long done = 0;
        while (done < len) {
            long at = pos + done;
            long idx = at >>> m.folioShift;
            CachedFolio f = m.get(idx);
            if (f == null) {
                f = m.addNew(idx, CachedFolio.LOCKED, timeout); // waits for memory: back-pressure
                if (f == null) {
                    continue; // someone else added it
                }
            } else if (!f.lock(timeout)) {
                if (f.detached()) {
                    continue;
                }
                throw new IOException("write(pos=" + at + ") timed out waiting for folio " + idx);
            }
            boolean flushFirst = false;
            try {
                // stable pages: wait for a writeback in flight before changing the folio's bytes
                if (!f.waitWhile(CachedFolio.WRITEBACK, timeout)) {
                    throw new IOException("write(pos=" + at + ") timed out waiting for writeback of folio " + idx);
                }
                int inFolio = (int) (at - f.fpos());
                int n = (int) Math.min(len - done, f.size() - inFolio);
                boolean whole = inFolio == 0 && n == f.size();
                if (!f.test(CachedFolio.UPTODATE) && !whole && f.fpos() >= inode.zeroPoint()) {
                    f.memory.segment().fill((byte) 0); // nothing on the server here: zeroes, no read
                    f.dirtyFrom = 0;
                    f.dirtyTo = f.size();
                    f.set(CachedFolio.UPTODATE);
                }
                if (f.test(CachedFolio.UPTODATE) || whole) {
                    MemorySegment.copy(src, done, f.memory.segment(), inFolio, n);
                    f.dirtyFrom = 0;
                    f.dirtyTo = f.size();
                    f.set(CachedFolio.UPTODATE);
                } else if (!f.test(CachedFolio.DIRTY)) {
                    // a streaming write: what was valid here before is on the server already
                    MemorySegment.copy(src, done, f.memory.segment(), inFolio, n);
                    f.dirtyFrom = inFolio;
                    f.dirtyTo = inFolio + n;
                } else if (inFolio <= f.dirtyTo && inFolio + n >= f.dirtyFrom) {
                    MemorySegment.copy(src, done, f.memory.segment(), inFolio, n); // joins the dirty bytes
                    f.dirtyFrom = Math.min(f.dirtyFrom, inFolio);
                    f.dirtyTo = Math.max(f.dirtyTo, inFolio + n);
                    if (f.dirtyFrom == 0 && f.dirtyTo == f.size()) {
                        f.set(CachedFolio.UPTODATE);
                    }
                } else {
                    flushFirst = true; // apart from the dirty bytes: write them back, then look again
                }
                if (!flushFirst) {
                    f.set(CachedFolio.DIRTY);
                    m.markDirty(f);
                    done += n;
                    inode.extendSize(at + n);
                    inode.localWrites++;
                }
            } finally {
                f.clear(CachedFolio.LOCKED);
            }
            if (flushFirst) {
                int err = WriteIssue.writeAndWait(inode, f.fpos(), f.fpos() + f.size());
                if (err < 0) {
                    inode.wbError = 0; // reported here
                    throw inode.writebackError("write", err);
                }
            }
        }
        balanceDirty(inode);
        return done;
    }

    /**
     * Starts background writeback past the background threshold and waits for writeback past the dirty
     * limit (both across every file of the page cache), bounded by the timeout.
     */
    private static void balanceDirty(NetfsInode inode) throws IOException {
        FolioMapping m = inode.mapping;
        FolioCache cache = m.cache;
        long budget = cache.budget();
        long dirty = cache.dirtyBytes();
        if (dirty > budget / BACKGROUND_DIVISOR || (long) m.dirtyCount() * m.folioSize > budget / BACKGROUND_DIVISOR) {
            WriteIssue.startWriteback(inode); // the upload overlaps the writer's next copies
        }
        long limit = Math.max(budget / DIRTY_LIMIT_DIVISOR, 2L * m.folioSize);
        long timeout = inode.netfs.config.timeoutNanos();
        long deadline = System.nanoTime() + timeout;
        while (cache.dirtyBytes() + cache.writebackBytes() > limit && inode.wbError == 0) {
            NetfsIoRequest oldest = inode.writesInFlight.peek();
            if (oldest != null) {
                oldest.await(); // this file's oldest writeback: the writer waits at the server's pace
                inode.writesInFlight.remove(oldest);
                if (oldest.error < 0 && inode.wbError == 0) {
                    inode.wbError = oldest.error;
                }
            } else if (m.hasDirty()) {
                WriteIssue.startWriteback(inode);
            } else {
                // other files' dirt: their writers or the flusher write it back; wait for it
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("write: dirty data of other files was not written back within "
                            + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms (dirty=" + cache.dirtyBytes()
                            + ", writeback=" + cache.writebackBytes() + ")");
                }
                cache.awaitMemory(Math.min(left, TimeUnit.MILLISECONDS.toNanos(2)));
            }
        }
    }
}
