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
 * <pre>
 *   buffer:   |==== collected ====|== S1: transferred ==|..... S1 rest .....|== S2 (in flight) ==|
 *                                  ^ start             ^ position()        ^ start + len
 *   retry S1: prepareRead again (maxLen, maxSegs may be smaller now)
 *             fits:      S1 reissued for [position, start+len) from the same iterator position
 *             too big:   S1 cut to [start, position + room); the rest becomes S1a, S1b... queued
 *                        before S2 (NetfsIoRequest.resplitRest), issued, then S1 reissued
 *   cache read failed: the rest of S1 comes from the server instead (resourceFromServer)
 * </pre>
 * Collection stays in issue order: the new pieces sit between S1 and S2 in the queue, so the
 * collector still walks the file from low to high.
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

    /** Cuts {@code s} to its (new) limits and issues the rest as new subrequests right after it. */
    private static void resplit(NetfsIoSubrequest s) {
        NetfsIoRequest rreq = s.rreq;
        long room = Math.min(s.maxLen, BufferedRead.segLimit(rreq, s.position(), s.maxSegs));
        if (s.remaining() <= room) {
            return;
        }
        // queued in flight, so the collector waits for them; they go out now, before s is reissued
        for (NetfsIoSubrequest n : rreq.resplitRest(rreq.subrequests, s, room)) {
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
