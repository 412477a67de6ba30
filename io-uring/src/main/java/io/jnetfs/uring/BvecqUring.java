package io.jnetfs.uring;

import io.jnetfs.bvecq.Bvecq;
import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.bvecq.IovecDescriptor;
import io.jnetfs.bvecq.RefTrace;
import io.jnetfs.ffm.gen.msghdr;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Submits a range of a bvecq chain as ONE io_uring SQE: READV, WRITEV, SENDMSG or RECVMSG over the
 * chain's own {@code struct iovec[]} memory, without copying data.
 *
 * <pre>
 *   chain:  [seg A: iov0 iov1 iov2 iov3] -&gt; [seg B: iov0 ...]
 *   range of whole entries inside A  -&gt; SQE.addr = &amp;A.bv[1], len = 3               (direct: no copy)
 *   one entry inside a registered     -&gt; READ_FIXED/WRITE_FIXED, buf_index = its slab (pooled chains)
 *   pool slab
 *   partial entries or across A, B    -&gt; entries copied into this SQE's own area   (gather: 16 B each)
 *   SENDMSG/RECVMSG                   -&gt; a msghdr in this SQE's own area pointing at either
 * </pre>
 *
 * <p>Lifetime: the SQE takes a reference on the chain's head segment (a segment holds a reference on
 * the next, and its slots on their folios), put back at the operation's completion, so the data memory
 * stays alive even if the chain's owner releases it meanwhile. The iovec array and msghdr only have to
 * live until the kernel consumed the SQE (IORING_FEAT_SUBMIT_STABLE): the per-SQE area of an SQE index
 * is rewritten only after the kernel has moved past that index.
 *
 * <p>Each {@code prep*} method describes up to {@code len} bytes from the iterator's position,
 * advances the iterator past them and returns how many bytes the SQE covers (fewer than {@code len}
 * when the range needs more than {@code gatherEntries} gathered entries or more than 1 GiB). A short
 * completion is the caller's to handle (revert the iterator, or submit the rest). The ring's
 * {@code userData} and callback work as for any other SQE; {@link #lastToken()} is the SQE's token.
 *
 * <p>Not thread-safe; used on the ring's thread. Does not own the ring; {@link #close()} frees the
 * per-SQE areas (after submitting what is prepared).
 */
public final class BvecqUring implements AutoCloseable {
    /** Default number of gathered iovec entries one SQE may carry. */
    public static final int DEFAULT_GATHER_ENTRIES = 64;
    /** The most bytes one SQE describes: the kernel caps a read or write at 2 GiB - 4 KiB. */
    static final long MAX_BYTES = 1L << 30;

    private static final long MSG_IOV = msghdr.msg_iov$offset();
    private static final long MSG_IOVLEN = msghdr.msg_iovlen$offset();
    private static final long MSGHDR_SIZE = 64; // sizeof(struct msghdr) = 56, rounded to a cache line
    /** All of memory: reads an iovec entry at an address the iterator gave, without a segment per read. */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final IoUring ring;
    private final int gatherEntries;
    private final Arena arena = Arena.ofShared();
    /** Per SQE index: a msghdr, then {@code gatherEntries} iovecs. */
    private final MemorySegment areas;
    private final long stride;
    private FolioPool pool;
    private int poolSlabs;
    private long lastToken;
    private boolean lastDirect;
    private boolean closed;

    /**
     * @param ring the ring to submit to (not owned)
     */
    public BvecqUring(IoUring ring) {
        this(ring, DEFAULT_GATHER_ENTRIES);
    }

    /**
     * @param ring the ring to submit to (not owned)
     * @param gatherEntries how many iovec entries an SQE may carry when the range cannot use the
     *     chain's own array, 1 .. IOV_MAX
     */
    public BvecqUring(IoUring ring, int gatherEntries) {
        if (gatherEntries < 1 || gatherEntries > IovecDescriptor.IOV_MAX) {
            throw new IllegalArgumentException("gatherEntries out of 1.." + IovecDescriptor.IOV_MAX + ": gatherEntries="
                    + gatherEntries);
        }
        this.ring = ring;
        this.gatherEntries = gatherEntries;
        stride = MSGHDR_SIZE + gatherEntries * IovecDescriptor.SIZE;
        areas = arena.allocate(stride * ring.sqEntries(), 64);
    }

    /**
     * Registers the slabs of {@code pool} as the ring's fixed buffers, so single-entry ranges of pooled
     * chains go as READ_FIXED/WRITE_FIXED: {@code maxSlabs} sparse slots, filled with the slabs the pool
     * has now; call {@link #syncPool()} after the pool grew.
     *
     * @param pool the folio pool whose chains this submitter will see
     * @param maxSlabs slots to register (the pool's maxBytes / 2 MiB)
     * @throws IOException if io_uring_register fails
     */
    public void registerPool(FolioPool pool, int maxSlabs) throws IOException {
        checkOpen();
        ring.registerBuffersSparse(maxSlabs);
        this.pool = pool;
        poolSlabs = 0;
        syncPool();
    }

    /**
     * Registers the slabs the pool carved since {@link #registerPool} or the last sync.
     *
     * @return slabs registered in all
     * @throws IOException if io_uring_register fails
     */
    public int syncPool() throws IOException {
        checkOpen();
        if (pool == null) {
            throw new IllegalStateException("no pool registered");
        }
        List<MemorySegment> slabs = pool.slabs();
        int n = Math.min(slabs.size(), ring.registeredBuffers());
        if (n > poolSlabs) {
            ring.updateBuffers(poolSlabs, slabs.subList(poolSlabs, n).toArray(new MemorySegment[0]));
            poolSlabs = n;
        }
        return poolSlabs;
    }

    /** @return whether the SQE prepared last used the chain's own iovec array (nothing copied): for tests */
    boolean lastDirect() {
        return lastDirect;
    }

    /** @return the token of the SQE prepared last (for {@link IoUring#prepCancel}) */
    public long lastToken() {
        return lastToken;
    }

    /**
     * IORING_OP_READV (or READ_FIXED) into the next bytes of {@code it} from file offset {@code offset}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param chain the chain {@code it} walks: the SQE holds a reference on its head
     * @param it the iterator, at the first byte to fill; advanced past the bytes the SQE covers
     * @param len the most bytes to read, at most {@code it.count()}
     * @param offset file offset, or -1 for the file position
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return bytes the SQE covers
     */
    public long prepReadv(int fd, BvecqBuffer chain, BvecqIter it, long len, long offset, int sqeFlags, long userData) {
        return prepVector(Opcode.IORING_OP_READV, Opcode.IORING_OP_READ_FIXED, fd, chain, it, len, offset, sqeFlags,
                userData);
    }

    /**
     * IORING_OP_WRITEV (or WRITE_FIXED) of the next bytes of {@code it} at file offset {@code offset}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param chain the chain {@code it} walks: the SQE holds a reference on its head
     * @param it the iterator, at the first byte to write; advanced past the bytes the SQE covers
     * @param len the most bytes to write, at most {@code it.count()}
     * @param offset file offset, or -1 for the file position
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return bytes the SQE covers
     */
    public long prepWritev(int fd, BvecqBuffer chain, BvecqIter it, long len, long offset, int sqeFlags, long userData) {
        return prepVector(Opcode.IORING_OP_WRITEV, Opcode.IORING_OP_WRITE_FIXED, fd, chain, it, len, offset, sqeFlags,
                userData);
    }

    /**
     * IORING_OP_SENDMSG of the next bytes of {@code it} as one message.
     *
     * @param fd a connected socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param chain the chain {@code it} walks
     * @param it the iterator; advanced past the bytes the SQE covers
     * @param len the most bytes to send
     * @param msgFlags MSG_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return bytes the SQE covers
     */
    public long prepSendmsg(int fd, BvecqBuffer chain, BvecqIter it, long len, int msgFlags, int sqeFlags,
                            long userData) {
        return prepMsg(Opcode.IORING_OP_SENDMSG, fd, chain, it, len, msgFlags, sqeFlags, userData);
    }

    /**
     * IORING_OP_RECVMSG into the next bytes of {@code it}: the data lands in the chain's memory.
     *
     * @param fd a connected socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param chain the chain {@code it} walks
     * @param it the iterator; advanced past the bytes the SQE covers
     * @param len the most bytes to receive
     * @param msgFlags MSG_* flags (MSG_WAITALL to fill the whole range)
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return bytes the SQE covers
     */
    public long prepRecvmsg(int fd, BvecqBuffer chain, BvecqIter it, long len, int msgFlags, int sqeFlags,
                            long userData) {
        return prepMsg(Opcode.IORING_OP_RECVMSG, fd, chain, it, len, msgFlags, sqeFlags, userData);
    }

    private long prepVector(int op, int fixedOp, int fd, BvecqBuffer chain, BvecqIter it, long len, long offset,
                            int sqeFlags, long userData) {
        Bvecq head = begin(chain, it, len);
        try {
            long at = ring.reserveSqe();
            long iov = describe(it, len, at);
            int n = it.iovCount();
            long bytes = it.iovBytes();
            if (n == 1 && pool != null) {
                long base = ALL.get(ValueLayout.JAVA_LONG, iov + IovecDescriptor.IOV_BASE_OFFSET);
                int bufIndex = ring.fixedIndexOf(base, bytes);
                if (bufIndex >= 0) {
                    lastToken = ring.prepAt(at, fixedOp, sqeFlags, fd, offset, base, (int) bytes, 0, bufIndex, userData,
                            chain, head);
                    return advance(it, bytes);
                }
            }
            lastToken = ring.prepAt(at, op, sqeFlags, fd, offset, iov, n, 0, 0, userData, chain, head);
            return advance(it, bytes);
        } catch (RuntimeException e) {
            head.put(RefTrace.SQE_INFLIGHT);
            throw e;
        }
    }

    private long prepMsg(int op, int fd, BvecqBuffer chain, BvecqIter it, long len, int msgFlags, int sqeFlags,
                         long userData) {
        Bvecq head = begin(chain, it, len);
        try {
            long at = ring.reserveSqe();
            long iov = describe(it, len, at);
            long area = ring.sqeIndex(at) * stride;
            for (long o = 0; o < MSGHDR_SIZE; o += Long.BYTES) {
                areas.set(ValueLayout.JAVA_LONG, area + o, 0L);
            }
            areas.set(ValueLayout.JAVA_LONG, area + MSG_IOV, iov);
            areas.set(ValueLayout.JAVA_LONG, area + MSG_IOVLEN, it.iovCount());
            long bytes = it.iovBytes();
            lastToken = ring.prepAt(at, op, sqeFlags, fd, 0, areas.address() + area, 1, msgFlags, 0, userData, chain,
                    head);
            return advance(it, bytes);
        } catch (RuntimeException e) {
            head.put(RefTrace.SQE_INFLIGHT);
            throw e;
        }
    }

    /** Checks the arguments and takes the SQE's reference on the chain's head. */
    private Bvecq begin(BvecqBuffer chain, BvecqIter it, long len) {
        checkOpen();
        ring.checkUsable();
        if (len <= 0 || len > it.count()) {
            throw new IllegalArgumentException("len out of 1..count=" + it.count() + ": len=" + len);
        }
        Bvecq head = chain.head();
        if (head == null) {
            throw new IllegalArgumentException("the chain is empty or released: chain=" + chain);
        }
        return head.get(RefTrace.SQE_INFLIGHT);
    }

    /**
     * Describes up to {@code len} next bytes: the chain's own array where the range is whole entries of
     * one segment, else entries gathered into the area of the SQE at {@code at}.
     *
     * @return the address of the iovec array; the iterator's {@code iovCount}/{@code iovBytes} describe it
     */
    private long describe(BvecqIter it, long len, long at) {
        long want = Math.min(len, MAX_BYTES);
        it.nextIov(want);
        lastDirect = it.iovDirect();
        if (lastDirect) {
            return it.iovAddress();
        }
        // the iterator's own scratch array is reused by its next call: copy into this SQE's area
        long first = ring.sqeIndex(at) * stride + MSGHDR_SIZE;
        it.gather(areas, (int) (first / IovecDescriptor.SIZE), gatherEntries, want);
        return areas.address() + first;
    }

    private static long advance(BvecqIter it, long bytes) {
        it.advance(bytes);
        return bytes;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("BvecqUring is closed");
        }
    }

    /**
     * Submits what is prepared (its iovec arrays and msghdrs live in memory this frees), then frees
     * the per-SQE areas. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!ring.isClosed()) {
                ring.submit();
            }
        } finally {
            arena.close();
        }
    }
}
