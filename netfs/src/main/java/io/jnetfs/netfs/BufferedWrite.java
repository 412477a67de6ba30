package io.jnetfs.netfs;

import io.jnetfs.bvecq.BvecqBuffer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Buffered writes (the kernel's {@code buffered_write.c}): data is copied into page-cache folios that
 * are marked dirty; writeback sends them later. A folio written whole needs no read; a folio written in
 * part is read first (NETFS_READ_FOR_WRITE) unless it lies wholly past the zero point (then it is
 * zeroes, and nothing is read). A write past the end moves the file's size; the zero point stays at
 * what the server holds.
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
                f = m.addNew(idx, CachedFolio.LOCKED);
                if (f == null) {
                    continue; // someone else added it
                }
            } else if (!f.lock(timeout)) {
                if (f.detached()) {
                    continue;
                }
                throw new IOException("write(pos=" + at + ") timed out waiting for folio " + idx);
            }
            try {
                // stable pages: wait for a writeback in flight before changing the folio's bytes
                if (!f.waitWhile(CachedFolio.WRITEBACK, timeout)) {
                    throw new IOException("write(pos=" + at + ") timed out waiting for writeback of folio " + idx);
                }
                long inFolio = at - f.fpos();
                long n = Math.min(len - done, f.size() - inFolio);
                if (!f.test(CachedFolio.UPTODATE) && !(inFolio == 0 && n == f.size())) {
                    prepare(inode, f);
                }
                MemorySegment.copy(src, done, f.memory.segment(), inFolio, n);
                if (inFolio == 0 && n == f.size()) {
                    f.set(CachedFolio.UPTODATE); // streaming write: the whole folio is new data
                }
                f.set(CachedFolio.DIRTY);
                m.markDirty(f);
                done += n;
                inode.extendSize(at + n);
            } finally {
                f.clear(CachedFolio.LOCKED);
            }
        }
        long budget = inode.netfs.config.pageCacheBytes();
        long dirty = (long) m.dirtyCount() * m.folioSize;
        if (dirty > budget / BACKGROUND_DIVISOR) {
            WriteIssue.startWriteback(inode); // the upload overlaps the writer's next copies
        }
        long inWriteback = 0;
        for (NetfsIoRequest w : inode.writesInFlight) {
            inWriteback += w.isDone() ? 0 : w.len;
        }
        if (dirty + inWriteback > budget / DIRTY_LIMIT_DIVISOR) {
            // balance dirty pages: wait for the oldest writeback before dirtying more
            NetfsIoRequest oldest = inode.writesInFlight.peek();
            if (oldest != null) {
                oldest.await();
                inode.writesInFlight.remove(oldest);
                if (oldest.error < 0 && inode.wbError == 0) {
                    inode.wbError = oldest.error;
                }
            }
        }
        return done;
    }

    /** Makes a locked, not uptodate folio hold the file's data before a partial write. */
    private static void prepare(NetfsInode inode, CachedFolio f) throws IOException {
        long zp = inode.zeroPoint();
        if (f.fpos() >= zp) {
            f.memory.segment().fill((byte) 0);
            f.set(CachedFolio.UPTODATE);
            return;
        }
        BvecqBuffer buffer = new BvecqBuffer(4);
        NetfsIoRequest rreq = new NetfsIoRequest(inode, NetfsOrigin.NETFS_READ_FOR_WRITE, f.fpos(), f.size(), buffer);
        rreq.folios = new CachedFolio[] {f};
        rreq.nrFolios = 1;
        rreq.keepLocked = true;
        f.memory.get();
        rreq.nrLoaded = 1;
        buffer.appendFolio(f.memory, 0, f.size());
        BufferedRead.dispatch(rreq, null);
        rreq.await();
        if (rreq.error < 0) {
            throw inode.readError(rreq, f.fpos(), f.size());
        }
        f.set(CachedFolio.UPTODATE);
    }
}
