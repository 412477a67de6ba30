package io.jnetfs.uring;

import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.io_cqring_offsets;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The completion side of a ring: the kernel-shared CQ ring, mmapped by {@link RingSetup}, the drain
 * that turns each CQE back into the caller's {@code (res, flags, userData)}, and a Java-side spill area
 * for the rare case the kernel refuses submissions while its overflow list is full.
 *
 * <pre>
 *   CQ ring (shared)
 *   khead ----------+  we publish it (release) after reading each CQE
 *   ktail -------+  |  kernel advances it; we read it with acquire
 *                v  v
 *   cqes:  +-----+-----+-----+-----+
 *          | cqe | cqe | cqe | cqe |   entries x 16 bytes
 *          +-----+-----+-----+-----+
 *
 *   spill (Java arrays): CQEs moved out of the ring by {@link #spill()}, delivered before the ring's
 *
 *   drain: cqe.user_data = token (op, slot, generation) --InFlight--&gt; slot --&gt; caller's userData
 *          last completion of the slot (no IORING_CQE_F_MORE) --&gt; slot released, memory unpinned
 * </pre>
 *
 * <p>A CQE whose token matches no slot in flight is the ring's own (close-time cancellation, counted in
 * {@link #internalCompletions()}) or a stray one (counted; should never happen). Not thread-safe:
 * {@link IoUring} confines it. Draining allocates nothing.
 */
final class CompletionQueue {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int CQE_F_MORE = LibC.IORING_CQE_F_MORE();

    private final MemorySegment ring;
    private final long cqesOffset;
    private final long headOffset;
    private final long tailOffset;
    private final long overflowOffset;
    /** {@code cq_entries}: a power of two. */
    final int entries;
    private final int mask;
    /** Our head: CQEs before it are consumed; published to the kernel in {@link #advance()}. */
    private int head;

    private long[] spillUserData;
    private int[] spillRes;
    private int[] spillFlags;
    private int spillHead;
    private int spillCount;
    /** How many times {@link #spill()} moved entries: for tests and diagnostics. */
    private long spills;
    /** Set when the ring closes (maybe from inside a callback): the drain stops at once. */
    private boolean closed;
    private int internalRes;
    private int internalCompletions;
    private long strayCompletions;

    /**
     * @param ring the mapping holding the CQ ring ({@code IORING_OFF_CQ_RING}, or the SQ ring's mapping
     *     under IORING_FEAT_SINGLE_MMAP)
     * @param cqOff the {@code struct io_cqring_offsets} the kernel filled in at setup
     */
    CompletionQueue(MemorySegment ring, MemorySegment cqOff) {
        this.ring = ring;
        cqesOffset = Integer.toUnsignedLong(io_cqring_offsets.cqes(cqOff));
        headOffset = Integer.toUnsignedLong(io_cqring_offsets.head(cqOff));
        tailOffset = Integer.toUnsignedLong(io_cqring_offsets.tail(cqOff));
        overflowOffset = Integer.toUnsignedLong(io_cqring_offsets.overflow(cqOff));
        entries = ring.get(ValueLayout.JAVA_INT, Integer.toUnsignedLong(io_cqring_offsets.ring_entries(cqOff)));
        mask = ring.get(ValueLayout.JAVA_INT, Integer.toUnsignedLong(io_cqring_offsets.ring_mask(cqOff)));
        head = (int) INT.getAcquire(ring, headOffset);
        spillUserData = new long[entries];
        spillRes = new int[entries];
        spillFlags = new int[entries];
    }

    /** @return the kernel's tail, read with acquire: the CQEs before it are fully written */
    int kernelTail() {
        return (int) INT.getAcquire(ring, tailOffset);
    }

    /** @return our head: the position of the next CQE to read */
    int head() {
        return head;
    }

    /** @return CQEs waiting in the ring (not counting spilled ones) */
    int inRing() {
        return kernelTail() - head;
    }

    /** @return CQEs ready to deliver: in the ring and spilled */
    int ready() {
        return kernelTail() - head + spillCount;
    }

    /** @return {@code user_data} of the CQE at our head (call only when {@link #inRing()} &gt; 0) */
    long userData() {
        return ring.get(ValueLayout.JAVA_LONG, cqe(head) + CqeDescriptor.USER_DATA);
    }

    /** @return {@code res} of the CQE at our head */
    int res() {
        return ring.get(ValueLayout.JAVA_INT, cqe(head) + CqeDescriptor.RES);
    }

    /** @return {@code flags} of the CQE at our head */
    int flags() {
        return ring.get(ValueLayout.JAVA_INT, cqe(head) + CqeDescriptor.FLAGS);
    }

    /** Consumes the CQE at our head: its slot goes back to the kernel. */
    void advance() {
        int h = head + 1;
        head = h;
        // release: our reads of the CQE complete before the kernel may overwrite its slot
        INT.setRelease(ring, headOffset, h);
    }

    private long cqe(int position) {
        return cqesOffset + (position & mask) * CqeDescriptor.SIZE;
    }

    /** @return the kernel's count of CQEs it had to drop ({@code overflow}): with IORING_FEAT_NODROP only on allocation failure */
    int dropped() {
        return (int) INT.getAcquire(ring, overflowOffset);
    }

    // ---- drain ----------------------------------------------------------------------------------

    /**
     * Delivers every ready CQE, spilled ones first, oldest first, until none is left or a callback
     * closed the ring.
     *
     * @param inFlight the table that maps each token back to its operation
     * @param callback receives the caller's view of each completion
     * @return how many completions were delivered to {@code callback}
     */
    int drain(InFlight inFlight, CompletionCallback callback) {
        int n = 0;
        int tail = kernelTail();
        for (;;) {
            long token;
            int res;
            int flags;
            if (spillCount > 0) {
                token = spilledUserData();
                res = spilledRes();
                flags = spilledFlags();
                dropSpilled();
            } else {
                // signed difference: a callback that spilled may have moved our head past a stale tail
                if (tail - head <= 0) {
                    tail = kernelTail();
                    if (tail - head <= 0) {
                        break;
                    }
                }
                token = userData();
                res = res();
                flags = flags();
                advance();
            }
            if (deliver(inFlight, token, res, flags, callback)) {
                n++;
                if (closed) {
                    break; // the callback closed the ring: its memory is gone
                }
            }
        }
        return n;
    }

    private boolean deliver(InFlight inFlight, long token, int res, int flags, CompletionCallback callback) {
        int slot = inFlight.slotOf(token);
        if (slot < 0) {
            if (UserData.id(token) == InFlight.INTERNAL_SLOT) {
                internalRes = res;
                internalCompletions++;
            } else {
                strayCompletions++;
            }
            return false;
        }
        long user = inFlight.userData(slot);
        if ((flags & CQE_F_MORE) == 0) {
            // last completion of the operation: its memory is no longer the kernel's
            inFlight.release(slot);
        }
        callback.complete(res, flags, user);
        return true;
    }

    /** Stops a drain in progress: the ring is closing. */
    void markClosed() {
        closed = true;
    }

    /** @return completions of the ring's own operations (close-time cancellation) so far */
    int internalCompletions() {
        return internalCompletions;
    }

    /** @return {@code res} of the ring's own operation completed last */
    int internalRes() {
        return internalRes;
    }

    /** @return CQEs whose user_data matched no operation in flight (should stay 0) */
    long strayCompletions() {
        return strayCompletions;
    }

    // ---- spill ----------------------------------------------------------------------------------

    /**
     * Moves every CQE in the ring to the spill area, so the kernel has room to flush its overflow list
     * (the way out of {@code -EBUSY} from io_uring_enter on kernels before 5.19). Spilled CQEs keep
     * their order and are delivered before the ring's.
     *
     * @return how many CQEs were moved
     */
    int spill() {
        int moved = 0;
        int tail = kernelTail();
        while (tail - head > 0) {
            if (spillCount == spillUserData.length) {
                growSpill();
            }
            int at = (spillHead + spillCount) % spillUserData.length;
            spillUserData[at] = userData();
            spillRes[at] = res();
            spillFlags[at] = flags();
            spillCount++;
            advance();
            moved++;
        }
        if (moved > 0) {
            spills++;
        }
        return moved;
    }

    private void growSpill() {
        int n = spillUserData.length;
        long[] ud = new long[n * 2];
        int[] res = new int[n * 2];
        int[] fl = new int[n * 2];
        for (int i = 0; i < spillCount; i++) {
            int from = (spillHead + i) % n;
            ud[i] = spillUserData[from];
            res[i] = spillRes[from];
            fl[i] = spillFlags[from];
        }
        spillUserData = ud;
        spillRes = res;
        spillFlags = fl;
        spillHead = 0;
    }

    /** @return spilled CQEs not yet delivered */
    int spilled() {
        return spillCount;
    }

    /** @return {@code user_data} of the oldest spilled CQE (call only when {@link #spilled()} &gt; 0) */
    long spilledUserData() {
        return spillUserData[spillHead];
    }

    /** @return {@code res} of the oldest spilled CQE */
    int spilledRes() {
        return spillRes[spillHead];
    }

    /** @return {@code flags} of the oldest spilled CQE */
    int spilledFlags() {
        return spillFlags[spillHead];
    }

    /** Drops the oldest spilled CQE (it has been read). */
    void dropSpilled() {
        spillHead = (spillHead + 1) % spillUserData.length;
        spillCount--;
    }

    /** @return how many times CQEs were spilled */
    long spills() {
        return spills;
    }

    @Override
    public String toString() {
        return "CompletionQueue[entries=" + entries + ", head=" + head + ", spilled=" + spillCount
                + ", spillCapacity=" + spillUserData.length + "]";
    }
}
