package io.jnetfs.netfs;

import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_IN_PROGRESS;

import java.util.ArrayDeque;

/**
 * Write retry (the kernel's {@code write_retry.c}): issues the unacknowledged rest of an upload again,
 * after asking the filesystem for its limits again (the server may have changed them) and resplitting
 * the rest to fit. Called only by {@link WriteCollect} on a subrequest not in flight.
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
        if (r >= 0 && s.remaining() > room) {
            long end = s.start + s.len;
            s.len = s.transferred + room;
            synchronized (w.subreqLock) {
                ArrayDeque<NetfsIoSubrequest> rest = new ArrayDeque<>();
                while (!st.subrequests.isEmpty() && st.subrequests.peekLast() != s) {
                    rest.addFirst(st.subrequests.pollLast());
                }
                for (long at = s.start + s.len; at < end; ) {
                    NetfsIoSubrequest n = w.newSubrequest(st.nr);
                    n.source = s.source;
                    n.start = at;
                    n.len = Math.min(end - at, Math.min(s.maxLen, BufferedRead.segLimit(w, at, s.maxSegs)));
                    n.iter = inode.netfs.takeIter().init(w.buffer, at - w.buffer.fpos(), n.len);
                    n.setFlags(NETFS_SREQ_IN_PROGRESS);
                    st.subrequests.addLast(n);
                    at += n.len;
                }
                st.subrequests.addAll(rest);
            }
            // the new pieces go out after this one (in queue order)
            java.util.List<NetfsIoSubrequest> fresh = new java.util.ArrayList<>();
            synchronized (w.subreqLock) {
                boolean after = false;
                for (NetfsIoSubrequest n : st.subrequests) {
                    if (after && n.issueNanos == 0) {
                        fresh.add(n);
                    }
                    after |= n == s;
                }
            }
            reissue(w, s, r);
            for (NetfsIoSubrequest n : fresh) {
                n.issueNanos = System.nanoTime();
                inode.ops.issueWrite(n);
            }
            return;
        }
        reissue(w, s, r);
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
