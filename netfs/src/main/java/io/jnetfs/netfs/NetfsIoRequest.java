package io.jnetfs.netfs;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqPos;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One read or write operation on a file (the kernel's {@code struct netfs_io_request}): the file
 * range, the origin, the buffer it reads into or writes from (a bvecq chain), the subrequests in issue
 * order, and three cursors on the buffer.
 *
 * <pre>
 *   buffer:  [ folio ][ folio ][ folio ][ folio ][ folio ][ folio ]  ...      &lt;- load (the tail)
 *            ^ collect: folios below are unlocked      ^ dispatch: the next subrequest starts here
 *   subrequests (issue order):  [S0 done][S1 in flight][S2 in flight]
 *   collection walks them in order; only the collector decides what a result means.
 * </pre>
 */
public final class NetfsIoRequest {
    private static final AtomicLong IDS = new AtomicLong();

    /** Every subrequest has been made. */
    static final int NETFS_RREQ_ALL_QUEUED = 1;
    /** The request failed; in-flight subrequests are drained without effect. */
    static final int NETFS_RREQ_FAILED = 1 << 1;
    /** Collection is finished and the request is complete. */
    static final int NETFS_RREQ_DONE = 1 << 2;
    /** A subrequest hit the end of the file. */
    static final int NETFS_RREQ_HIT_EOF = 1 << 3;

    final long debugId = IDS.incrementAndGet();
    final NetfsInode inode;
    final NetfsOrigin origin;
    final long start;
    final long len;
    final BvecqBuffer buffer;
    final BvecqPos dispatchPos = new BvecqPos();
    final BvecqPos collectPos = new BvecqPos();
    final ArrayDeque<NetfsIoSubrequest> subrequests = new ArrayDeque<>();
    final Object subreqLock = new Object();
    final AtomicInteger collectState = new AtomicInteger();
    final CountDownLatch done = new CountDownLatch(1);
    final long startNanos = System.nanoTime();

    /** Folios in load order (buffered reads and writeback); folio i starts at {@code start + i * size}. */
    CachedFolio[] folios;
    int nrFolios;
    /** Folios appended to the buffer so far (the load cursor); the rest still hold the request's reference. */
    int nrLoaded;
    int nextUnlock;

    /** Start of the downloaded span not yet copied to the disk cache, or -1. */
    long copyStart = -1;
    long dispatchedTo;
    long collectedTo;
    long transferred;
    int subreqCount;
    volatile int flags;
    volatile int error;
    Object fsPrivate;
    /** Write requests: stream 0 uploads to the server, stream 1 writes to the cache. */
    final NetfsIoStream[] streams = {
        new NetfsIoStream(0, NetfsSource.NETFS_UPLOAD_TO_SERVER),
        new NetfsIoStream(1, NetfsSource.NETFS_WRITE_TO_CACHE)};
    /** Read-for-write: the collector marks folios uptodate but leaves them locked for the writer. */
    boolean keepLocked;

    /**
     * @return the request's buffer (the chain its subrequests' iterators walk): a cache's io_uring
     *     submission holds a reference on it while the SQE is in flight
     */
    public BvecqBuffer buffer() {
        return buffer;
    }

    NetfsIoRequest(NetfsInode inode, NetfsOrigin origin, long start, long len, BvecqBuffer buffer) {
        this.inode = inode;
        this.origin = origin;
        this.start = start;
        this.len = len;
        this.buffer = buffer;
        this.dispatchedTo = start;
        this.collectedTo = start;
        buffer.fpos(start);
        inode.netfs.stats.requests.increment();
    }

    /** @return a process-unique id, for tracing */
    public long debugId() {
        return debugId;
    }

    /** @return why the request was made */
    public NetfsOrigin origin() {
        return origin;
    }

    /** @return the file position of the first byte */
    public long start() {
        return start;
    }

    /** @return the request's length */
    public long len() {
        return len;
    }

    /** @return the bytes transferred (collected) so far */
    public long transferred() {
        return transferred;
    }

    /** @return {@code -errno} of the failure, or 0 */
    public int error() {
        return error;
    }

    /** @return the inode context */
    public NetfsInode inode() {
        return inode;
    }

    /** @return how many subrequests were made */
    public int subreqCount() {
        return subreqCount;
    }

    /** @return the filesystem's private object */
    public Object fsPrivate() {
        return fsPrivate;
    }

    /** @param p the filesystem's private object */
    public void fsPrivate(Object p) {
        this.fsPrivate = p;
    }

    NetfsStats stats() {
        return inode.netfs.stats;
    }

    boolean test(int bit) {
        return (flags & bit) != 0;
    }

    synchronized void setFlag(int bit) {
        flags |= bit;
    }

    NetfsIoSubrequest newSubrequest(int streamNr) {
        inode.netfs.stats.subrequests.increment();
        return new NetfsIoSubrequest(this, subreqCount++, streamNr);
    }

    /**
     * Resplits a subrequest about to be retried under limits that shrank since its issue (the part
     * {@link ReadRetry} and {@link WriteRetry} share): {@code s} keeps what it transferred plus
     * {@code room} bytes, and the rest of its range becomes new subrequests, each within
     * {@code s.maxLen}/{@code s.maxSegs}, queued right after {@code s} in {@code queue} (before the
     * subrequests issued after it), marked in progress with their iterators set.
     *
     * <pre>
     *   before:  [ s: transferred | ............ rest of s ............ ][ s+1 ][ s+2 ]
     *   after:   [ s: transferred | room ][ n1 ][ n2 ][ n3 ]             [ s+1 ][ s+2 ]
     * </pre>
     *
     * @param queue the stream's subrequests in issue order, {@code s} among them
     * @param s the subrequest being retried (not in flight)
     * @param room the bytes it may carry now
     * @return the new subrequests in order, for the caller to issue after {@code s}
     */
    java.util.List<NetfsIoSubrequest> resplitRest(ArrayDeque<NetfsIoSubrequest> queue, NetfsIoSubrequest s, long room) {
        long end = s.start + s.len;
        s.len = s.transferred + room;
        java.util.List<NetfsIoSubrequest> fresh = new java.util.ArrayList<>();
        synchronized (subreqLock) {
            ArrayDeque<NetfsIoSubrequest> rest = new ArrayDeque<>();
            while (!queue.isEmpty() && queue.peekLast() != s) {
                rest.addFirst(queue.pollLast());
            }
            for (long at = s.start + s.len; at < end; ) {
                NetfsIoSubrequest n = newSubrequest(s.streamNr);
                n.source = s.source;
                n.start = at;
                n.maxLen = s.maxLen;
                n.maxSegs = s.maxSegs;
                n.len = Math.min(end - at, Math.min(s.maxLen, BufferedRead.segLimit(this, at, s.maxSegs)));
                n.setFlags((s.flags() & NetfsSreqFlags.NETFS_SREQ_COPY_TO_CACHE) | NetfsSreqFlags.NETFS_SREQ_IN_PROGRESS);
                n.iter = inode.netfs.takeIter().init(buffer, at - buffer.fpos(), n.len);
                queue.addLast(n);
                fresh.add(n);
                at += n.len;
            }
            queue.addAll(rest);
        }
        return fresh;
    }

    /**
     * Runs {@code collect} so that one thread collects at a time: a kick while another thread collects
     * makes that thread look again instead of waiting (0: idle, 1: collecting, 2: collecting and asked
     * to look again).
     */
    void runCollector(java.util.function.Consumer<NetfsIoRequest> collect) {
        while (true) {
            int s = collectState.get();
            if (s == 0) {
                if (collectState.compareAndSet(0, 1)) {
                    break;
                }
            } else if (s == 2 || collectState.compareAndSet(1, 2)) {
                return;
            }
        }
        do {
            collectState.set(1);
            collect.accept(this);
        } while (!collectState.compareAndSet(1, 0));
    }

    /** Called from {@link NetfsIoSubrequest#terminated}: let the collector look. */
    void subreqTerminated(NetfsIoSubrequest s) {
        if (origin.isRead()) {
            ReadCollect.kick(this);
        } else {
            WriteCollect.kick(this);
        }
    }

    /**
     * Waits for the request to complete.
     *
     * @throws IOException if it timed out or was interrupted
     */
    void await() throws IOException {
        try {
            if (!done.await(inode.netfs.config.timeoutNanos(), TimeUnit.NANOSECONDS)) {
                throw new IOException("netfs request " + debugId + " (" + origin + ", start=" + start + ", len=" + len
                        + ") timed out after " + TimeUnit.NANOSECONDS.toMillis(inode.netfs.config.timeoutNanos()) + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for netfs request " + debugId);
        }
    }

    /** @return whether the request completed */
    boolean isDone() {
        return done.getCount() == 0;
    }

    @Override
    public String toString() {
        return "NetfsIoRequest[" + debugId + " " + origin + " start=" + start + " len=" + len + " transferred="
                + transferred + " error=" + error + "]";
    }
}
