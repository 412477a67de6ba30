package io.jnetfs.p9;

import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.ffm.Errno;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Asynchronous Treads and Twrites that survive a lost connection: each is issued with this as its
 * callback and a slot index as its cookie, so that a request lost with its connection is not handed
 * to its owner but queued for the recovery ({@link Reconnect}), which sends it again (its data
 * iterator put back where it was at issue) on the recovered connection. A Twrite whose reply was
 * lost is so written again, never dropped: rewriting the same bytes at the same offset is harmless.
 *
 * <pre>
 *   issue ──take a slot──&gt; session.readAsync/writeAsync(cb = this, cookie = slot)
 *   complete(slot, result): lost with its connection ──&gt; queued (Reconnect#requeue)
 *                           else ──&gt; the owner's callback(cookie, result), slot freed
 *   recovered ──&gt; sendAgain: iterator reverted, issued on the new session
 *   gave up   ──&gt; fail: the owner's callback(cookie, -errno of the failure)
 * </pre>
 *
 * <p>Allocation-free while a connection works: the slots are preallocated (twice the tags; more are
 * made only if that many requests wait for a recovery at once).
 */
final class Resend implements P9Callback {
    /** The handle of a request queued for a recovery: names no tag, so cancelling it gives -ESRCH. */
    static final long QUEUED_HANDLE = 0xFFFF;
    private static final long QUEUED = Long.MIN_VALUE;

    /** One asynchronous request and what it takes to send it again. */
    static final class Op {
        final int index;
        int type;
        Fid fid;
        long offset;
        int count;
        BvecqIter data;
        /** {@code data.advanced()} at issue: where a resend starts. */
        long advancedAtIssue;
        P9Callback cb;
        long cookie;
        /** The session it was last issued on. */
        P9Session session;

        Op(int index) {
            this.index = index;
        }
    }

    private final P9Client client;
    private volatile Op[] ops;
    private int[] free;
    private int freeTop;
    /** Under the Reconnect lock (through requeue) and this monitor. */
    private final List<Op> queued = new ArrayList<>();
    private final AtomicLong resent = new AtomicLong();

    Resend(P9Client client, int maxTags) {
        this.client = client;
        int n = 2 * maxTags;
        this.ops = new Op[n];
        this.free = new int[n];
        for (int i = 0; i < n; i++) {
            ops[i] = new Op(i);
            free[i] = n - 1 - i;
        }
        this.freeTop = n;
    }

    long resent() {
        return resent.get();
    }

    /**
     * Issues a Tread or Twrite that is sent again after a lost connection.
     *
     * @return a handle, {@link #QUEUED_HANDLE} if it waits for a recovery, or -errno (no callback then)
     */
    long issue(int type, Fid f, long offset, int count, BvecqIter data, P9Callback cb, long cookie) {
        f.live();
        Op op = take();
        op.type = type;
        op.fid = f;
        op.offset = offset;
        op.count = count;
        op.data = data;
        op.advancedAtIssue = data.advanced();
        op.cb = cb;
        op.cookie = cookie;
        long h = send(op, client.session());
        if (h == QUEUED) {
            return QUEUED_HANDLE;
        }
        if (h < 0) {
            give(op);
        }
        return h;
    }

    /** @return the handle, -errno, or {@link #QUEUED} */
    private long send(Op op, P9Session s) {
        while (true) {
            if (op.fid.isStale()) {
                return -Errno.ESTALE;
            }
            if (op.fid.isClosed()) {
                return -Errno.EBADF;
            }
            op.session = s;
            int fid = op.fid.number();
            long h = op.type == P9Type.Tread ? s.readAsync(fid, op.offset, op.count, op.data, this, op.index)
                    : s.writeAsync(fid, op.offset, op.count, op.data, this, op.index);
            if (!client.lost(s, h)) {
                return h;
            }
            int q = queue(op, s);
            if (q == Reconnect.QUEUED) {
                return QUEUED;
            }
            if (q == Reconnect.FAIL) {
                return h;
            }
            s = client.session(); // recovered since it was issued: send it there
        }
    }

    /** @return what {@link Reconnect#requeue} says */
    private int queue(Op op, P9Session failed) {
        Reconnect r = client.reconnector();
        return r == null ? Reconnect.FAIL : r.requeue(failed, () -> {
            synchronized (this) {
                queued.add(op);
            }
        });
    }

    @Override
    public void complete(long cookie, long result) {
        Op op = ops[(int) cookie];
        if (client.lost(op.session, result)) {
            int q = queue(op, op.session);
            if (q == Reconnect.QUEUED) {
                return; // on the failed connection's receiving thread: the recovery sends it again
            }
            if (q == Reconnect.FAIL) {
                finish(op, result);
                return;
            }
            op.data.revert(op.data.advanced() - op.advancedAtIssue);
            long h = send(op, client.session());
            if (h >= 0 || h == QUEUED) {
                resent.incrementAndGet();
                return;
            }
            result = h;
        }
        finish(op, result);
    }

    private void finish(Op op, long result) {
        P9Callback cb = op.cb;
        long cookie = op.cookie;
        give(op);
        cb.complete(cookie, result);
    }

    /** {@return the queued requests, taken away} (under the Reconnect lock, as the recovery ends) */
    synchronized List<Op> takeQueued() {
        List<Op> l = List.copyOf(queued);
        queued.clear();
        return l;
    }

    /** On the recovery thread, once {@code s} is published: sends the queued requests again. */
    void sendAgain(List<Op> list, P9Session s) {
        for (Op op : list) {
            try {
                op.data.revert(op.data.advanced() - op.advancedAtIssue);
                long h = send(op, s);
                if (h >= 0 || h == QUEUED) {
                    resent.incrementAndGet();
                } else {
                    finish(op, h);
                }
            } catch (RuntimeException | Error e) {
                uncaught(e); // one owner's failing callback must not strand the others
            }
        }
    }

    private static void uncaught(Throwable e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
    }

    /** The recovery gave up (or the client closed): the queued requests fail with {@code -errno}. */
    void fail(List<Op> list, int errno) {
        for (Op op : list) {
            try {
                finish(op, -errno);
            } catch (RuntimeException | Error e) {
                uncaught(e); // one owner's failing callback must not strand the others
            }
        }
    }

    /** The client closed: whatever is still queued fails with {@code -errno}. */
    void failQueued(int errno) {
        fail(takeQueued(), errno);
    }

    private synchronized Op take() {
        if (freeTop == 0) {
            // more requests than twice the tags wait for a recovery: grow (rare, off the hot path)
            int n = ops.length;
            ops = Arrays.copyOf(ops, 2 * n);
            free = Arrays.copyOf(free, 2 * n);
            for (int i = n; i < 2 * n; i++) {
                ops[i] = new Op(i);
                free[freeTop++] = i;
            }
        }
        return ops[free[--freeTop]];
    }

    private synchronized void give(Op op) {
        op.fid = null;
        op.data = null;
        op.cb = null;
        op.session = null;
        free[freeTop++] = op.index;
    }
}
