package io.jnetfs.p9;

import io.jnetfs.ffm.Errno;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Recovering a lost connection (what a hard NFS mount does for its programs, which v9fs does not):
 * one recovery at a time, on its own thread, for the session whose connection failed.
 *
 * <pre>
 *   a request lost with its connection (a blocking call, or an asynchronous one through {@link Resend})
 *       ──&gt; {@link #await}/{@link #requeue}: start the recovery of that session, once
 *   recovery thread:
 *       close the failed connection (its receiving thread completes everything in flight: blocking
 *           callers see their request lost and wait here, asynchronous ones are queued in {@link Resend})
 *       loop with back-off 10 ms .. 500 ms, until the timeout has passed since the failure:
 *           connect, Tversion (the same msize), Tattach the root fid number again (the same qid path)
 *           for every live fid, under its lock: Twalk the same number from the root along its path;
 *               a qid of another path or type, or an error, makes it stale (ESTALE from then on);
 *               an open one is opened again with its flags (without CREATE, EXCL, TRUNC)
 *       publish the new session ──&gt; blocking callers send their request again ({@code P9Client.retrying}),
 *           queued asynchronous ones are sent again from here
 *   not back in time ──&gt; give up: the waiters get the first failure's errno, as without recovery; the
 *       next request lost on that session starts a new recovery
 * </pre>
 *
 * <p>Locks: a fid's monitor is held by whoever makes, opens or clunks it (for one request on one
 * session) and by the recovery while it walks that fid again, so a fid is marked made or open on the
 * connection that really made or opened it. The recovery closes the failed connection before it
 * takes any fid's monitor, so a holder waiting on that connection returns at once. Nobody waits for
 * the recovery while holding a fid's monitor.
 */
final class Reconnect {
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final P9Client client;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    /** Under {@link #lock}: the session being recovered, or {@code null}. */
    private P9Session recovering;
    /** Under {@link #lock}: bumped when a recovery ends (published or gave up). */
    private long rounds;
    /** Under {@link #lock}. */
    private boolean closing;
    private Thread thread;
    /** The generation the next session gets. */
    private int nextGen = 1;
    private final AtomicLong recovered = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong staleFids = new AtomicLong();
    private volatile String lastGiveUp;
    /**
     * Under {@link #lock}: the session whose recovery just gave up, while its queued requests are failed:
     * what their owners issue in return fails at once instead of starting another recovery (a queue of
     * writeback behind them would otherwise wait one timeout per batch).
     */
    private P9Session givingUp;

    Reconnect(P9Client client) {
        this.client = client;
    }

    long recovered() {
        return recovered.get();
    }

    long retried() {
        return retried.get();
    }

    void countRetry() {
        retried.incrementAndGet();
    }

    long staleFids() {
        return staleFids.get();
    }

    /** {@return why the last recovery gave up, or {@code null}} */
    String lastGiveUp() {
        return lastGiveUp;
    }

    /**
     * Waits until the session {@code failed} is recovered (starting its recovery if nobody did).
     * Not on a receiving thread: the recovery closes that connection and waits for its thread.
     *
     * @return the session to send the request again on, or {@code null} if the recovery gave up (or the
     *     client is closing)
     */
    P9Session await(P9Session failed) {
        lock.lock();
        try {
            P9Session now = client.session();
            if (now != failed) {
                return now;
            }
            if (closing) {
                return null;
            }
            start(failed);
            long round = rounds;
            while (rounds == round) {
                ended.awaitUninterruptibly();
            }
            now = client.session();
            return now != failed ? now : null;
        } finally {
            lock.unlock();
        }
    }

    /** {@link #requeue}: queued for the recovery. */
    static final int QUEUED = 1;
    /** {@link #requeue}: recovered already: send it again now, on {@link P9Client#session()}. */
    static final int SEND_NOW = 0;
    /** {@link #requeue}: the recovery of that session just gave up: fail it. */
    static final int FAIL = -1;

    /**
     * For an asynchronous request lost with {@code failed}: queues it for the recovery (starting it if
     * nobody did), unless a recovered session is in use already or the recovery just gave up.
     *
     * @return {@link #QUEUED}, {@link #SEND_NOW} or {@link #FAIL}
     */
    int requeue(P9Session failed, Runnable queue) {
        lock.lock();
        try {
            if (recovering == null && client.session() != failed) {
                return SEND_NOW;
            }
            if (failed == givingUp) {
                return FAIL;
            }
            queue.run();
            if (closing) {
                return QUEUED; // the client's close fails what is queued
            }
            start(failed);
            return QUEUED;
        } finally {
            lock.unlock();
        }
    }

    /** Under {@link #lock}: starts the recovery of {@code failed} unless one runs. */
    private void start(P9Session failed) {
        if (recovering != null) {
            return;
        }
        recovering = failed;
        thread = Thread.ofPlatform().daemon().name("p9-reconnect " + failed.connection().peer())
                .start(() -> run(failed));
    }

    /** Stops a recovery under way (the client is closing) and waits for its thread. */
    void close() {
        Thread t;
        lock.lock();
        try {
            closing = true;
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean closing() {
        lock.lock();
        try {
            return closing;
        } finally {
            lock.unlock();
        }
    }

    // ---- the recovery thread -------------------------------------------------------------------------

    private void run(P9Session failed) {
        P9Connection old = failed.connection();
        int errno = old.failErrno() != 0 ? old.failErrno() : Errno.ECONNRESET;
        String why = old.failReason();
        long timeout = old.timeoutNanos();
        long deadline = System.nanoTime() + timeout;
        old.close(); // everything in flight completes: blocking callers wait in await, async ones are queued
        long backoff = FIRST_BACKOFF_NANOS;
        P9Session next = null;
        while (!closing()) {
            try {
                next = reopen(nextGen++);
                break;
            } catch (IOException | RuntimeException e) {
                why = e.getMessage();
            }
            long now = System.nanoTime();
            if (now + backoff - deadline > 0) {
                break;
            }
            sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
        List<Resend.Op> queued;
        lock.lock();
        try {
            if (next != null && closing) {
                next.connection().close(); // the client closed meanwhile
                next = null;
            }
            if (next != null) {
                client.publish(next);
                recovered.incrementAndGet();
            } else {
                gaveUp.incrementAndGet();
                lastGiveUp = "no reconnect to " + old.peer() + " within " + TimeUnit.NANOSECONDS.toMillis(timeout)
                        + " ms: " + why;
            }
            queued = client.resender() != null ? client.resender().takeQueued() : List.of();
            recovering = null;
            if (next == null) {
                givingUp = failed;
            }
            rounds++;
            ended.signalAll();
        } finally {
            lock.unlock();
        }
        if (client.resender() != null) {
            if (next != null) {
                client.resender().sendAgain(queued, next);
            } else {
                try {
                    client.resender().fail(queued, closing() ? Errno.ECONNABORTED : errno);
                } finally {
                    lock.lock();
                    try {
                        givingUp = null;
                    } finally {
                        lock.unlock();
                    }
                }
            }
        }
    }

    private static void sleep(long nanos) {
        long end = System.nanoTime() + nanos;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    /**
     * A new connection with every live fid on it again; not yet published.
     *
     * @throws IOException if the server cannot be reached, refuses, or the connection fails meanwhile
     *     (then the next attempt starts over)
     */
    private P9Session reopen(int gen) throws IOException {
        P9Options o = client.options();
        P9Connection conn = P9Connection.open(o);
        P9Session s = new P9Session(conn, client.fidNumbers(), gen);
        try {
            if (conn.msize() != client.msize()) {
                throw new P9Exception("Tversion(msize=" + o.msize() + ") on reconnect", Errno.EPROTO,
                        "the server granted msize " + conn.msize() + ", not " + client.msize() + " as before");
            }
            Fid root = client.root();
            P9Reply rep = new P9Reply();
            int r = s.attach(root.number(), o.uname(), o.aname(), o.nUname(), rep);
            if (r < 0) {
                throw new P9Exception(P9Client.attachCall(o, root.number()) + " on reconnect", -r, conn.failReason());
            }
            if (rep.qid != null && root.qid() != null && rep.qid.path() != root.qid().path()) {
                throw new P9Exception(P9Client.attachCall(o, root.number()) + " on reconnect", Errno.ESTALE,
                        "the export's root is another directory now");
            }
            root.gen = gen;
            List<Fid> live = new ArrayList<>();
            for (Fid f : client.liveFidObjects()) {
                if (f != root) {
                    live.add(f);
                }
            }
            for (Fid f : live) {
                synchronized (f) {
                    if (f.isClosed() || f.gen < 0 || f.isStale() || f.gen == gen) {
                        continue; // closed, not made yet (its maker sends it again), or already done
                    }
                    rewalk(s, root, f, rep);
                }
            }
            return s;
        } catch (IOException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    /**
     * Walks {@code f}'s number from the root along its path on {@code s}, checks it is the same file and
     * reopens it; marks it stale when the server shows otherwise.
     *
     * @throws IOException if the new connection failed meanwhile
     */
    private void rewalk(P9Session s, Fid root, Fid f, P9Reply rep) throws IOException {
        String[] names = f.names();
        int done = 0;
        Qid q = root.qid();
        do {
            int n = Math.min(P9Descriptor.MAXWELEM, names.length - done);
            byte[][] part = new byte[n][];
            for (int i = 0; i < n; i++) {
                part[i] = P9Codec.utf8(names[done + i]);
            }
            rep.clear();
            int r = s.walk(done == 0 ? root.number() : f.number(), f.number(), part, rep);
            if (r < 0) {
                check(s, r, f);
                if (done > 0) {
                    s.clunk(f.number());
                }
                stale(f);
                return;
            }
            if (rep.qid != null) {
                q = rep.qid;
            }
            done += n;
        } while (done < names.length);
        Qid was = f.qid();
        if (was != null && q != null && (was.path() != q.path() || was.isDirectory() != q.isDirectory())) {
            s.clunk(f.number()); // another file has the path now: never hand out its bytes
            stale(f);
            return;
        }
        int flags = f.reopenFlags();
        if (flags >= 0) {
            rep.clear();
            int r = s.lopen(f.number(), flags, rep);
            if (r < 0) {
                check(s, r, f);
                s.clunk(f.number());
                stale(f);
                return;
            }
        }
        f.gen = s.gen();
    }

    /** An error on the new connection that is the connection's, not the file's: start over. */
    private static void check(P9Session s, int r, Fid f) throws IOException {
        int fe = s.connection().failErrno();
        if ((fe != 0 && (r == -fe || r == -Errno.EIO)) || r == -Errno.ETIMEDOUT) {
            throw new P9Exception("walking fid " + f.number() + " (" + f.path() + ") again on reconnect", -r,
                    s.connection().failReason());
        }
    }

    private void stale(Fid f) {
        f.markStale();
        staleFids.incrementAndGet();
    }
}
