package io.jnetfs.netfs;

import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_IN_PROGRESS;


/**
 * Write retry (the kernel's {@code write_retry.c}): issues the unacknowledged rest of an upload again,
 * after asking the filesystem for its limits again (the server may have changed them) and resplitting
 * the rest to fit. Called only by {@link WriteCollect} on a subrequest not in flight.
 *
 * <pre>
 *   stream 0:  [ W0 acked ][ W1: acked | unacknowledged ][ W2 in flight ]
 *   retry W1:  prepareWrite again; the unacknowledged rest goes out from the same buffer position
 *              too big for the new limits: W1 cut to what fits, the rest queued as W1a, W1b... right
 *              after it (NetfsIoRequest.resplitRest) and issued after W1, so the server receives the
 *              file's bytes in order and the collected point only moves over acknowledged bytes
 *   a transient error counts against maxRetries; a short write that made progress does not
 * </pre>
 */
final class WriteRetry {
    private WriteRetry() {
    }

    static void retry(NetfsIoRequest w, NetfsIoStream st, NetfsIoSubrequest s) {
        NetfsInode inode = w.inode;
        if (s.error < 0) {
            s.retryCount++;
        }
        inode.netfs.stats.retries.increment();
        s.error = 0;
        s.maxLen = Long.MAX_VALUE;
        s.maxSegs = Integer.MAX_VALUE;
        int r = inode.ops.prepareWrite(s);
        long room = Math.min(s.maxLen, BufferedRead.segLimit(w, s.position(), s.maxSegs));
        java.util.List<NetfsIoSubrequest> fresh = r >= 0 && s.remaining() > room
                ? w.resplitRest(st.subrequests, s, room) : java.util.List.of();
        reissue(w, s, r);
        for (NetfsIoSubrequest n : fresh) { // after s: the server sees the bytes in file order
            n.issueNanos = System.nanoTime();
            inode.ops.issueWrite(n);
        }
    }

    private static void reissue(NetfsIoRequest w, NetfsIoSubrequest s, int prepared) {
        s.iter.init(w.buffer, s.position() - w.buffer.fpos(), s.remaining());
        s.issueNanos = System.nanoTime();
        s.setFlags(NETFS_SREQ_IN_PROGRESS);
        if (prepared < 0) {
            s.terminated(prepared);
        } else {
            w.inode.ops.issueWrite(s);
        }
    }
}
