package io.jnetfs.netfs;

import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_COPY_TO_CACHE;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_HIT_EOF;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_IN_PROGRESS;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_NEED_RETRY;

/**
 * Read retry (the kernel's {@code read_retry.c}): issues the rest of a subrequest again. A short read
 * that made progress continues where it stopped; a transient server error is retried after asking the
 * filesystem for its limits again (the server may have changed them), and a subrequest that no longer
 * fits is resplit; a failed cache read is re-sourced from the server.
 *
 * <p>Called only by {@link ReadCollect}, on a subrequest that is not in flight.
 */
final class ReadRetry {
    private ReadRetry() {
    }

    /** Issues the rest of {@code s} again from the same source. */
    static void retry(NetfsIoSubrequest s) {
        NetfsIoRequest rreq = s.rreq;
        if (s.error < 0) {
            s.retryCount++;
        }
        rreq.inode.netfs.stats.retries.increment();
        s.error = 0;
        s.clearFlags(NETFS_SREQ_NEED_RETRY | NETFS_SREQ_HIT_EOF);
        if (s.source == NetfsSource.NETFS_DOWNLOAD_FROM_SERVER) {
            s.maxLen = Long.MAX_VALUE;
            s.maxSegs = Integer.MAX_VALUE;
            int r = rreq.inode.ops.prepareRead(s);
            if (r < 0) {
                s.error = r;
                s.setFlags(NETFS_SREQ_IN_PROGRESS);
                s.terminated(r);
                return;
            }
            resplit(s);
        }
        reissue(s);
    }

    /** A cache read failed: read the rest from the server instead. */
    static void resourceFromServer(NetfsIoSubrequest s) {
        s.source = NetfsSource.NETFS_DOWNLOAD_FROM_SERVER;
        s.clearFlags(NETFS_SREQ_COPY_TO_CACHE);
        s.error = 0;
        s.retryCount++;
        retry(s);
    }

    /** Cuts {@code s} to its (new) limits and queues the rest as new subrequests right after it. */
    private static void resplit(NetfsIoSubrequest s) {
        NetfsIoRequest rreq = s.rreq;
        long limit = BufferedRead.segLimit(rreq, s.position(), s.maxSegs);
        long room = Math.min(s.maxLen, limit);
        if (s.remaining() <= room) {
            return;
        }
        long end = s.start + s.len;
        s.len = s.transferred + room;
        synchronized (rreq.subreqLock) {
            // rebuild the queue with the new pieces right after s, keeping issue order
            java.util.ArrayDeque<NetfsIoSubrequest> rest = new java.util.ArrayDeque<>();
            while (!rreq.subrequests.isEmpty() && rreq.subrequests.peekLast() != s) {
                rest.addFirst(rreq.subrequests.pollLast());
            }
            long at = s.start + s.len;
            while (at < end) {
                NetfsIoSubrequest n = rreq.newSubrequest(s.streamNr);
                n.source = s.source;
                n.start = at;
                n.maxLen = s.maxLen;
                n.maxSegs = s.maxSegs;
                n.len = Math.min(end - at, Math.min(s.maxLen, BufferedRead.segLimit(rreq, at, s.maxSegs)));
                n.setFlags(s.flags() & NETFS_SREQ_COPY_TO_CACHE);
                n.setFlags(NETFS_SREQ_IN_PROGRESS);
                rreq.subrequests.addLast(n);
                at += n.len;
            }
            rreq.subrequests.addAll(rest);
        }
        // issue the new pieces (they were queued in flight, so the collector waits for them)
        java.util.List<NetfsIoSubrequest> fresh = new java.util.ArrayList<>();
        synchronized (rreq.subreqLock) {
            boolean after = false;
            for (NetfsIoSubrequest n : rreq.subrequests) {
                if (after && n.iter == null) {
                    fresh.add(n);
                }
                if (n == s) {
                    after = true;
                }
            }
        }
        for (NetfsIoSubrequest n : fresh) {
            n.iter = rreq.inode.netfs.takeIter().init(rreq.buffer, n.start - rreq.buffer.fpos(), n.len);
            rreq.inode.ops.issueRead(n);
        }
    }

    private static void reissue(NetfsIoSubrequest s) {
        NetfsIoRequest rreq = s.rreq;
        s.iter.init(rreq.buffer, s.position() - rreq.buffer.fpos(), s.remaining());
        s.setFlags(NETFS_SREQ_IN_PROGRESS);
        switch (s.source) {
            case NETFS_DOWNLOAD_FROM_SERVER -> rreq.inode.ops.issueRead(s);
            case NETFS_READ_FROM_CACHE -> rreq.inode.cache.read(s);
            default -> throw new IllegalStateException("cannot retry " + s);
        }
    }
}
