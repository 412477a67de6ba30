package io.jnetfs.netfs;

import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A filesystem for the engine's tests: "the server" is a local file read with preadv2 into the
 * subrequest's iterator, with faults injected deterministically from a seed: short reads, transient
 * and permanent errors, delays (completion on another thread), and overruns.
 */
final class LocalTestFs implements NetfsRequestOps, AutoCloseable {
    final int fd;
    /** The most one subrequest may carry; a test may change it between issue and retry. */
    volatile long maxLen;
    /** When set, the first issue of each read and write fails transiently and the limit drops to this. */
    volatile long shrinkTo;
    /** The largest subrequest issued since the limit last changed. */
    final AtomicLong maxIssuedSinceShrink = new AtomicLong();
    private final java.util.Set<NetfsIoSubrequest> failedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
    int shortReadPercent;
    int transientErrorPercent;
    int transientErrno = Errno.ECONNRESET;
    long permanentErrorAt = -1;
    int permanentErrno = Errno.EACCES;
    boolean noProgressOnce;
    boolean overrun;
    long delayMicros;
    final AtomicLong rpcs = new AtomicLong();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    private final Random random;
    private final ScheduledExecutorService completer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "test-fs-completer");
        t.setDaemon(true);
        return t;
    });

    LocalTestFs(Path file, long maxLen, long seed) {
        try (Arena a = Arena.ofConfined()) {
            this.fd = Native.open(a.allocateFrom(file.toString()), LibC.O_RDWR(), 0);
        }
        if (fd < 0) {
            throw new IllegalStateException("open " + file + ": " + Errno.describe(fd));
        }
        this.maxLen = maxLen;
        this.random = new Random(seed);
    }

    @Override
    public long estimate(NetfsIoRequest rreq) {
        return maxLen * 8;
    }

    @Override
    public int prepareRead(NetfsIoSubrequest subreq) {
        subreq.maxLen(maxLen);
        return 0;
    }

    @Override
    public void issueRead(NetfsIoSubrequest s) {
        rpcs.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        long result = decide(s);
        if (delayMicros > 0) {
            completer.schedule(() -> finish(s, result), delayMicros, TimeUnit.MICROSECONDS);
        } else {
            finish(s, result);
        }
    }

    /** The limit-changing fault: the first issue fails with ECONNRESET and the limit shrinks meanwhile. */
    private long shrinkFault(NetfsIoSubrequest s) {
        long to = shrinkTo;
        if (to > 0 && failedOnce.add(s)) {
            maxLen = to;
            maxIssuedSinceShrink.set(0);
            return -Errno.ECONNRESET;
        }
        maxIssuedSinceShrink.accumulateAndGet(s.remaining(), Math::max);
        return 0;
    }

    private synchronized long decide(NetfsIoSubrequest s) {
        long shrink = shrinkFault(s);
        if (shrink < 0) {
            return shrink;
        }
        if (permanentErrorAt >= 0 && s.position() <= permanentErrorAt && permanentErrorAt < s.position() + s.remaining()) {
            return -permanentErrno;
        }
        if (random.nextInt(100) < transientErrorPercent) {
            return -transientErrno;
        }
        if (noProgressOnce) {
            noProgressOnce = false;
            return 0;
        }
        long want = s.remaining();
        if (random.nextInt(100) < shortReadPercent && want > 1) {
            want = 1 + random.nextInt((int) Math.min(want - 1, Integer.MAX_VALUE - 1));
        }
        return want;
    }

    private void finish(NetfsIoSubrequest s, long decided) {
        inFlight.decrementAndGet();
        if (decided <= 0) {
            s.terminated(decided);
            return;
        }
        BvecqIter it = s.iter();
        long done = 0;
        while (done < decided) {
            int n = it.nextIov(decided - done);
            long r = Native.preadv2Address(fd, it.iovAddress(), n, s.position() + done, 0);
            if (r < 0) {
                s.terminated(r);
                return;
            }
            if (r == 0) {
                break;
            }
            it.advance(r);
            done += r;
        }
        s.terminated(overrun ? done + 1 : done);
    }

    // ---- writes -------------------------------------------------------------------------------------

    int writeShortPercent;
    int writeTransientPercent;
    int writeErrno;               // when set, every upload fails with it (a permanent failure)
    final AtomicInteger writesInFlight = new AtomicInteger();
    final AtomicInteger maxWritesInFlight = new AtomicInteger();
    final AtomicLong writeRpcs = new AtomicLong();
    final AtomicLong fsyncs = new AtomicLong();

    @Override
    public int prepareWrite(NetfsIoSubrequest subreq) {
        subreq.maxLen(maxLen);
        return 0;
    }

    @Override
    public void issueWrite(NetfsIoSubrequest s) {
        writeRpcs.incrementAndGet();
        int now = writesInFlight.incrementAndGet();
        maxWritesInFlight.accumulateAndGet(now, Math::max);
        long decided;
        synchronized (this) {
            long shrink = shrinkFault(s);
            if (shrink < 0) {
                decided = shrink;
            } else if (writeErrno != 0) {
                decided = -writeErrno;
            } else if (random.nextInt(100) < writeTransientPercent) {
                decided = -transientErrno;
            } else if (random.nextInt(100) < writeShortPercent && s.remaining() > 1) {
                decided = 1 + random.nextInt((int) Math.min(s.remaining() - 1, Integer.MAX_VALUE - 1));
            } else {
                decided = s.remaining();
            }
        }
        Runnable finish = () -> {
            writesInFlight.decrementAndGet();
            if (decided <= 0) {
                s.terminated(decided);
                return;
            }
            BvecqIter it = s.iter();
            long done = 0;
            while (done < decided) {
                int n = it.nextIov(decided - done);
                long r = Native.pwritev2Address(fd, it.iovAddress(), n, s.position() + done, 0);
                if (r < 0) {
                    s.terminated(r);
                    return;
                }
                it.advance(r);
                done += r;
            }
            s.terminated(done);
        };
        if (delayMicros > 0) {
            completer.schedule(finish, delayMicros, TimeUnit.MICROSECONDS);
        } else {
            finish.run();
        }
    }

    @Override
    public int fsync() {
        fsyncs.incrementAndGet();
        return Native.fsync(fd);
    }

    @Override
    public int truncate(long size) {
        return Native.ftruncate(fd, size);
    }

    @Override
    public void close() {
        completer.shutdownNow();
        Native.close(fd);
    }
}
