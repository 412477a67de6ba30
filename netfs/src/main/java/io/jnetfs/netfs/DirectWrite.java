package io.jnetfs.netfs;

import static io.jnetfs.netfs.NetfsIoRequest.NETFS_RREQ_ALL_QUEUED;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_IN_PROGRESS;

import io.jnetfs.bvecq.BvecqBuffer;
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
 */
final class DirectWrite {
    private DirectWrite() {
    }

    static long write(NetfsInode inode, long pos, MemorySegment src, NetfsOrigin origin) throws IOException {
        long len = src.byteSize();
        if (len == 0) {
            return 0;
        }
        int err = WriteIssue.writebackAll(inode);
        if (err < 0) {
            throw Errors.ioException("write(" + origin + ", pos=" + pos + ", len=" + len + "): writeback before it", -err);
        }
        BvecqBuffer buffer = BvecqBuffer.extract(inode.netfs.pool, src);
        NetfsIoRequest w = new NetfsIoRequest(inode, origin, pos, len, buffer);
        NetfsIoStream up = w.streams[0];
        up.active = true;
        up.issuedTo = pos;
        up.collectedTo = pos;
        w.streams[1].collectedTo = pos + len;
        up.dispatchPos.set(buffer.head(), 0, 0);
        long end = pos + len;
        long timeout = inode.netfs.config.timeoutNanos();
        try {
            while (up.issuedTo < end && up.error == 0) {
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
        return w.transferred;
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
