package io.jnetfs.fuse.uring;

import static io.jnetfs.fuse.uring.UringEntryDescriptor.*;

import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.bvecq.IovecDescriptor;
import io.jnetfs.ffm.Errno;
import io.jnetfs.fuse.FuseChannel;
import io.jnetfs.uring.CompletionCallback;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One worker's io_uring: its own ring (SQE128) and {@code depth} ring entries on each FUSE queue it
 * serves, registered with {@code FUSE_IO_URING_CMD_REGISTER}. A {@link FuseChannel}: {@link #receive}
 * takes the next entry the kernel filled (waiting in {@code io_uring_enter}), {@link #send} gathers the
 * reply into that entry and prepares its {@code COMMIT_AND_FETCH}, which goes to the kernel with the
 * next wait: one system call commits the replies and waits for the next requests.
 *
 * <pre>
 *   REGISTER(e) ──▶ kernel: e available ──request──▶ CQE(res 0, e) ──▶ receive(): e is current
 *        ▲                                                                    │ dispatcher
 *        └──────────── COMMIT_AND_FETCH(commit_id, qid) ◀── send(): reply into e's header + payload
 * </pre>
 * An entry whose request got no reply (a request the dispatcher drops) is committed with {@code EIO}
 * before the next one is taken, so no entry is ever lost. A CQE with {@code -ENOTCONN} or
 * {@code -ECANCELED} means the connection or the ring is ending: once every entry has ended,
 * {@link #receive} answers {@code -ENODEV} like the device does after an unmount.
 *
 * <p>Created and used by its worker thread only (the kernel runs an entry's completion work in the task
 * that submitted it). Allocates nothing per request.
 */
final class UringQueue implements FuseChannel {
    private static final System.Logger LOG = System.getLogger(UringQueue.class.getName());
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    /** Every address: reply iovecs point anywhere in native memory (folios, the dispatcher's buffers). */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final int devFd;
    private final int payloadSize;
    private final IoUring ring;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment cmd;
    private final int n;
    private final Folio[] folios;
    private final MemorySegment[] segs;
    private final int[] qid;
    private final long[] commitId;
    /** Per entry, the request view for each op struct size, made on first use. */
    private final MemorySegment[][] views;
    /** Entries the kernel filled, in CQE order (a circular queue of n). */
    private final int[] ready;
    private int readyHead;
    private int readyCount;
    /** Entries the kernel still holds or we hold (not ended). */
    private int live;
    private int firstError;
    private int current = -1;
    private boolean replied;
    private MemorySegment currentView;
    private long served;
    private boolean closed;
    private final CompletionCallback onCqe = this::onCqe;

    /**
     * Sets up the ring and registers the entries; on failure everything is released.
     *
     * @throws IOException naming the call and errno (io_uring_setup, FUSE_IO_URING_CMD_REGISTER)
     */
    UringQueue(int devFd, int[] qids, int depth, int payloadSize, FolioPool pool) throws IOException {
        this.devFd = devFd;
        this.payloadSize = payloadSize;
        this.n = qids.length * depth;
        this.folios = new Folio[n];
        this.segs = new MemorySegment[n];
        this.qid = new int[n];
        this.commitId = new long[n];
        this.views = new MemorySegment[n][];
        this.ready = new int[n];
        this.cmd = arena.allocate(CMD_SIZE, 8);
        IoUring r = null;
        try {
            r = IoUring.builder().entries(Math.max(8, 2 * n)).sqe128().singleIssuer().deferTaskrun().closeTimeout(Duration.ofMillis(200)).build();
            for (int e = 0; e < n; e++) {
                qid[e] = qids[e / depth];
                folios[e] = pool.allocate(PAYLOAD + payloadSize);
                segs[e] = folios[e].segment();
            }
            try {
                // pins the entries' pages once; the 6.18 kernel copies to and from them by address
                r.registerBuffers(segs);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "fuse-uring: could not register the entry buffers: " + e.getMessage());
            }
            for (int e = 0; e < n; e++) {
                MemorySegment iov = arena.allocate(2 * IovecDescriptor.SIZE, 8);
                IovecDescriptor.set(iov, 0, segs[e].address(), HEADER_SIZE);
                IovecDescriptor.set(iov, 1, segs[e].address() + PAYLOAD, payloadSize);
                putCmd(0, qid[e]);
                r.prepUringCmd(devFd, FUSE_IO_URING_CMD_REGISTER, cmd, iov, 2, 0, e);
            }
            live = n;
            r.submit();
            r.complete(onCqe); // a REGISTER the kernel refuses completes at once; a good one completes with a request
            if (firstError != 0) {
                throw io.jnetfs.ffm.Errors.ioException("IORING_OP_URING_CMD(/dev/fuse, FUSE_IO_URING_CMD_REGISTER, qid="
                        + java.util.Arrays.toString(qids) + ")", -firstError);
            }
        } catch (IOException | RuntimeException e) {
            if (r != null) {
                r.close();
            }
            releaseFolios();
            arena.close();
            throw e;
        }
        this.ring = r;
    }

    private void putCmd(long commit, int q) {
        cmd.set(U64, CMD_FLAGS, 0L);
        cmd.set(U64, CMD_COMMIT_ID, commit);
        cmd.set(U16, CMD_QID, (short) q);
    }

    private void onCqe(int res, int flags, long userData) {
        int e = (int) userData;
        if (res >= 0) {
            ready[(readyHead + readyCount) % n] = e;
            readyCount++;
            return;
        }
        live--;
        if (res != -Errno.ENOTCONN && res != -Errno.ECANCELED && res != -Errno.ENODEV) {
            if (firstError == 0) {
                firstError = -res;
            }
            LOG.log(System.Logger.Level.WARNING, "fuse-uring: entry " + e + " (qid=" + qid[e] + ") ended: "
                    + Errno.describe(-res));
        }
    }

    @Override
    public long receive(int timeoutMillis) {
        if (current >= 0 && !replied) {
            commitError(current, commitId[current], -Errno.EIO);
        }
        current = -1;
        boolean waited = false;
        while (true) {
            while (readyCount > 0) {
                int e = ready[readyHead];
                readyHead = (readyHead + 1) % n;
                readyCount--;
                long len = take(e);
                if (len > 0) {
                    return len;
                }
            }
            if (live <= 0 || closed) {
                return -Errno.ENODEV;
            }
            if (waited) {
                return TIMED_OUT;
            }
            try {
                ring.submitAndWait(1, timeoutMillis, TimeUnit.MILLISECONDS);
                ring.complete(onCqe);
            } catch (UncheckedIOException e) {
                LOG.log(System.Logger.Level.WARNING, "fuse-uring: io_uring_enter failed: " + e.getMessage());
                return -Errno.EIO;
            }
            waited = true;
        }
    }

    /** Makes entry {@code e}'s request contiguous and current: its length, or 0 if it was answered here. */
    private long take(int e) {
        MemorySegment s = segs[e];
        long len = Integer.toUnsignedLong(s.get(U32, IN_OUT + IN_LEN));
        long payloadSz = Integer.toUnsignedLong(s.get(U32, PAYLOAD_SZ));
        long id = s.get(U64, COMMIT_ID);
        commitId[e] = id;
        long op = len - IN_HEADER_SIZE - payloadSz;
        if (op < 0 || op > OP_IN_MAX || payloadSz > payloadSize) {
            LOG.log(System.Logger.Level.WARNING, "fuse-uring: entry " + e + " holds len=" + len + " with payload_sz="
                    + payloadSz + ": answered EIO");
            commitError(e, s.get(U64, IN_OUT + IN_UNIQUE), -Errno.EIO);
            return 0;
        }
        int opSize = (int) op;
        long start = requestStart(opSize);
        MemorySegment.copy(s, IN_OUT, s, start, IN_HEADER_SIZE);
        if (opSize > 0) {
            MemorySegment.copy(s, OP_IN, s, start + IN_HEADER_SIZE, opSize);
        }
        MemorySegment[] v = views[e];
        if (v == null) {
            v = views[e] = new MemorySegment[OP_IN_MAX + 1];
        }
        MemorySegment view = v[opSize];
        if (view == null) {
            view = v[opSize] = s.asSlice(start, PAYLOAD - start + payloadSize);
        }
        current = e;
        replied = false;
        currentView = view;
        served++;
        return len;
    }

    @Override
    public MemorySegment requestBuffer() {
        return currentView;
    }

    @Override
    public int send(long iovAddress, int iovCount, long len) {
        int e = current;
        if (e < 0 || replied || iovCount < 1) {
            return -Errno.EINVAL;
        }
        MemorySegment s = segs[e];
        long b0 = ALL.get(U64, iovAddress + IovecDescriptor.IOV_BASE_OFFSET);
        long l0 = ALL.get(U64, iovAddress + IovecDescriptor.IOV_LEN_OFFSET);
        if (l0 < 16) {
            return -Errno.EINVAL;
        }
        long total = l0 - 16;
        for (int i = 1; i < iovCount; i++) {
            total += ALL.get(U64, iovAddress + IovecDescriptor.slotOffset(i) + IovecDescriptor.IOV_LEN_OFFSET);
        }
        if (total > payloadSize) {
            return -Errno.EINVAL;
        }
        // fuse_out_header into in_out, every argument after it into the payload, back to back
        MemorySegment.copy(ALL, b0, s, IN_OUT, 16);
        long at = PAYLOAD;
        if (l0 > 16) {
            MemorySegment.copy(ALL, b0 + 16, s, at, l0 - 16);
            at += l0 - 16;
        }
        for (int i = 1; i < iovCount; i++) {
            long slot = iovAddress + IovecDescriptor.slotOffset(i);
            long b = ALL.get(U64, slot + IovecDescriptor.IOV_BASE_OFFSET);
            long l = ALL.get(U64, slot + IovecDescriptor.IOV_LEN_OFFSET);
            if (l > 0) {
                MemorySegment.copy(ALL, b, s, at, l);
                at += l;
            }
        }
        s.set(U32, PAYLOAD_SZ, (int) total);
        commit(e);
        replied = true;
        return 0;
    }

    /** Answers entry {@code e}'s request with {@code error} alone and re-arms it. */
    private void commitError(int e, long unique, int error) {
        MemorySegment s = segs[e];
        s.set(U32, IN_OUT, 16);
        s.set(U32, IN_OUT + 4, error);
        s.set(U64, IN_OUT + 8, unique);
        s.set(U32, PAYLOAD_SZ, 0);
        commitId[e] = unique;
        commit(e);
        replied = true;
    }

    /** Prepares COMMIT_AND_FETCH for entry {@code e}; it reaches the kernel with the next wait. */
    private void commit(int e) {
        putCmd(commitId[e], qid[e]);
        ring.prepUringCmd(devFd, FUSE_IO_URING_CMD_COMMIT_AND_FETCH, cmd, 0, e);
    }

    /** @return requests taken from this queue's entries (read racily by other threads) */
    long served() {
        return served;
    }

    /** @return the entries this worker registered */
    int entries() {
        return n;
    }

    private void releaseFolios() {
        for (int e = 0; e < n; e++) {
            if (folios[e] != null) {
                folios[e].put();
                folios[e] = null;
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (current >= 0 && !replied) {
            commitError(current, commitId[current], -Errno.ENOTCONN);
        }
        // after an unmount the kernel ends every entry with -ENOTCONN, as completion work that runs only in
        // this thread's wait (DEFER_TASKRUN): collect those for a moment, answering what still arrives
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        try {
            while (live > 0 && System.nanoTime() - deadline < 0) {
                ring.submitAndWait(1, 10, TimeUnit.MILLISECONDS);
                ring.complete(onCqe);
                while (readyCount > 0) {
                    int e = ready[readyHead];
                    readyHead = (readyHead + 1) % n;
                    readyCount--;
                    commitError(e, segs[e].get(U64, COMMIT_ID), -Errno.ENOTCONN);
                }
            }
        } catch (UncheckedIOException ignored) {
            // the ring is going away anyway
        }
        ring.close(); // entries still armed (the connection lives on): closing the ring cancels them
        releaseFolios();
        arena.close();
    }
}
