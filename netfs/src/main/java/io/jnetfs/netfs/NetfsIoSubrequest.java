package io.jnetfs.netfs;

import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_IN_PROGRESS;
import static io.jnetfs.netfs.NetfsSreqFlags.NETFS_SREQ_MADE_PROGRESS;

import io.jnetfs.bvecq.BvecqIter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One piece of a request sent to one source (the kernel's {@code struct netfs_io_subrequest}): the
 * file range {@code [start, start+len)}, what has been transferred, its error, its flags and an
 * iterator over its part of the request's buffer.
 *
 * <p>The filesystem reads {@link #position()}, {@link #remaining()} and {@link #iter()}, issues, and
 * reports with {@link #terminated(long)}; everything else belongs to the engine.
 */
public final class NetfsIoSubrequest {
    private static final VarHandle FLAGS;

    static {
        try {
            FLAGS = MethodHandles.lookup().findVarHandle(NetfsIoSubrequest.class, "flags", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final NetfsIoRequest rreq;
    final int debugIndex;
    final int streamNr;
    NetfsSource source = NetfsSource.NETFS_INVALID_READ;
    long start;
    long len;
    long transferred;
    int error;
    @SuppressWarnings("unused") // accessed through FLAGS
    private volatile int flags;
    int retryCount;
    long maxLen = Long.MAX_VALUE;
    int maxSegs = Integer.MAX_VALUE;
    BvecqIter iter;
    /** When an upload was (last) issued; 0: not yet, which {@link WriteRetry} relies on. Reads leave it 0. */
    long issueNanos;
    /** The result of the last issue, set by terminated(): bytes or -errno. */
    long lastResult;
    Object fsPrivate;

    NetfsIoSubrequest(NetfsIoRequest rreq, int debugIndex, int streamNr) {
        this.rreq = rreq;
        this.debugIndex = debugIndex;
        this.streamNr = streamNr;
    }

    /** @return the request this belongs to */
    public NetfsIoRequest request() {
        return rreq;
    }

    /** @return where the data comes from or goes to */
    public NetfsSource source() {
        return source;
    }

    /** @return the file position of the subrequest's first byte */
    public long start() {
        return start;
    }

    /** @return the subrequest's length */
    public long len() {
        return len;
    }

    /** @return the bytes transferred so far (over retries) */
    public long transferred() {
        return transferred;
    }

    /** @return the file position the next byte goes to: {@code start + transferred} */
    public long position() {
        return start + transferred;
    }

    /** @return the bytes still to transfer */
    public long remaining() {
        return len - transferred;
    }

    /** @return the iterator over the buffer for the remaining bytes */
    public BvecqIter iter() {
        return iter;
    }

    /** @return {@code -errno} of the failure, or 0 */
    public int error() {
        return error;
    }

    /** @return the index of this subrequest in its request, for tracing */
    public int debugIndex() {
        return debugIndex;
    }

    /** @return how many times it has been retried */
    public int retryCount() {
        return retryCount;
    }

    /** @param maxLen the most bytes one issue may transfer (the filesystem's rsize/wsize) */
    public void maxLen(long maxLen) {
        if (maxLen <= 0) {
            throw new IllegalArgumentException("invalid maxLen=" + maxLen);
        }
        this.maxLen = maxLen;
    }

    /** @param maxSegs the most buffer segments (iovec entries) one issue may use */
    public void maxSegs(int maxSegs) {
        if (maxSegs <= 0) {
            throw new IllegalArgumentException("invalid maxSegs=" + maxSegs);
        }
        this.maxSegs = maxSegs;
    }

    /** @return the filesystem's private object */
    public Object fsPrivate() {
        return fsPrivate;
    }

    /** @param p the filesystem's private object */
    public void fsPrivate(Object p) {
        this.fsPrivate = p;
    }

    /** @return the flag bits ({@link NetfsSreqFlags}) */
    public int flags() {
        return (int) FLAGS.getAcquire(this);
    }

    /** @return whether all of {@code bits} are set */
    public boolean test(int bits) {
        return (flags() & bits) == bits;
    }

    /** Sets flag bits (atomically). */
    public void setFlags(int bits) {
        int f;
        do {
            f = (int) FLAGS.getAcquire(this);
        } while (!FLAGS.weakCompareAndSetRelease(this, f, f | bits));
    }

    /** Clears flag bits (atomically). */
    public void clearFlags(int bits) {
        int f;
        do {
            f = (int) FLAGS.getAcquire(this);
        } while (!FLAGS.weakCompareAndSetRelease(this, f, f & ~bits));
    }

    /**
     * The filesystem (or cache) reports the outcome of one issue: the bytes transferred into or from
     * {@link #iter()} (0 when nothing was: the filesystem sets {@link NetfsSreqFlags#NETFS_SREQ_HIT_EOF}
     * first if it knows the file ended there), or {@code -errno}. The iterator must have been advanced by
     * the bytes transferred. May be called from any thread, once per issue.
     *
     * @param result bytes transferred, or {@code -errno}
     */
    public void terminated(long result) {
        if (!test(NETFS_SREQ_IN_PROGRESS)) {
            throw new IllegalStateException("subrequest terminated twice: " + this);
        }
        lastResult = result;
        if (result > 0) {
            transferred += result;
            setFlags(NETFS_SREQ_MADE_PROGRESS);
        } else if (result < 0) {
            error = (int) result;
        }
        rreq.stats().subreqTerminated(this, result);
        // release: the fields written above are visible to the collector that sees IN_PROGRESS clear
        clearFlags(NETFS_SREQ_IN_PROGRESS);
        rreq.subreqTerminated(this);
    }

    @Override
    public String toString() {
        return "NetfsIoSubrequest[" + rreq.debugId() + ":" + debugIndex + " " + source + " start=" + start + " len=" + len
                + " transferred=" + transferred + " error=" + error + " flags=" + NetfsSreqFlags.describe(flags())
                + " retries=" + retryCount + "]";
    }
}
