package io.jnetfs.netfs;

import static io.jnetfs.netfs.NetfsIoRequest.NETFS_RREQ_ALL_QUEUED;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errors;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Unbuffered and direct-I/O writes (the kernel's {@code direct_write.c}): the caller's memory is
 * extracted into a chain (referenced, heap memory copied) and uploaded in subrequests dispatched in
 * strict sequence: each is issued only after the one before it completed, so the server sees the
 * bytes in file order and a failure leaves no later byte written. The page cache is kept coherent:
 * dirty folios over the range are written back first and the range's folios dropped after; the disk
 * cache forgets the range.
 *
 * <pre>
 *   1. write back and wait for the dirty folios over [pos, pos+len) (WriteIssue.writeAndWait)
 *   2. the caller's memory as a chain (heap memory copied into pool folios, with back-pressure)
 *   3. upload loop (WriteIssue.issueUpload, the one writeback uses too), strict sequence:
 *        issue W0 --&gt; collected? --&gt; issue W1 --&gt; collected? --&gt; ...   (a failure stops it)
 *   4. drop the range's clean folios and the disk cache's copy; the size follows the end written
 * </pre>
 */
final class DirectWrite {
    private DirectWrite() {
    }

    static long write(NetfsInode inode, long pos, MemorySegment src, NetfsOrigin origin) throws IOException {
        long len = src.byteSize();
        if (len == 0) {
            return 0;
        }
        int err = WriteIssue.writeAndWait(inode, pos, pos + len);
        if (err < 0) {
            throw Errors.ioException("write(" + origin + ", pos=" + pos + ", len=" + len + "): writeback before it", -err);
        }
        BvecqBuffer buffer = extract(inode, src);
        NetfsIoRequest w = new NetfsIoRequest(inode, origin, pos, len, buffer);
        NetfsIoStream up = w.streams[0];
        WriteIssue.startUpload(w);
        w.streams[1].collectedTo = pos + len;
        long end = pos + len;
        long timeout = inode.netfs.config.timeoutNanos();
        try {
            while (up.issuedTo < end && up.error == 0) {
                NetfsIoSubrequest s = WriteIssue.issueUpload(w);
                awaitCollected(w, up, s.start + s.len, timeout); // strict sequence
            }
        } finally {
            w.setFlag(NETFS_RREQ_ALL_QUEUED);
            WriteCollect.kick(w);
            w.await();
        }
        inode.mapping.invalidate(pos >>> inode.mapping.folioShift);
        if (inode.cache != null) {
            inode.cache.invalidateRange(pos, end);
        }
        if (w.error < 0) {
            throw Errors.ioException("write(" + origin + ", pos=" + pos + ", len=" + len + ")", -w.error);
        }
        inode.extendSize(end);
        inode.localWrites++;
        return w.transferred;
    }

    /**
     * The caller's memory as a chain: native memory referenced as it is, heap memory copied into pool
     * folios taken with back-pressure (waiting for writeback and eviction, never failing for an empty
     * pool).
     */
    private static BvecqBuffer extract(NetfsInode inode, MemorySegment src) throws IOException {
        if (src.isNative()) {
            return BvecqBuffer.extract(null, src);
        }
        BvecqBuffer b = new BvecqBuffer();
        try {
            long done = 0;
            long len = src.byteSize();
            while (done < len) {
                int n = (int) Math.min(len - done, FolioPool.MAX_FOLIO);
                Folio f = inode.netfs.pageCache.allocate(n, inode.netfs.config.timeoutNanos());
                MemorySegment.copy(src, done, f.segment(), 0, n);
                b.appendFolio(f, 0, n); // hands the NEW reference to the slot
                done += n;
            }
        } catch (IOException | RuntimeException e) {
            b.release();
            throw e;
        }
        return b;
    }

    private static void awaitCollected(NetfsIoRequest w, NetfsIoStream up, long upTo, long timeoutNanos)
            throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (w) {
            while (up.collectedTo < upTo && up.error == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("write request " + w.debugId + " timed out at " + up.collectedTo);
                }
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(w, Math.min(left, 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted in a direct write");
                }
            }
        }
    }
}
