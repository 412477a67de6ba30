package io.jnetfs.uring;

import io.jnetfs.ffm.gen.io_sqring_offsets;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The submission side of a ring: the kernel-shared SQ ring and the SQE array, both mmapped and owned
 * by {@link IoUring}.
 *
 * <pre>
 *   SQ ring (shared)                              SQE array (shared)
 *   khead ----------+  kernel advances it         +-----+-----+-----+-----+
 *   ktail -------+  |  we publish it (release)    | sqe | sqe | sqe | sqe |   entries x 64 bytes
 *   array[i] = i |  |  set once: SQE i is slot i  +-----+-----+-----+-----+
 *                |  |                                ^ head       ^ tail (local, ahead of ktail
 *                v  v                                               until flush())
 * </pre>
 *
 * <p>SQEs are written at the local {@code tail}; {@link #flush()} publishes it to the kernel's tail with
 * release semantics, so the kernel never reads a half-written SQE. The kernel's head is read with
 * acquire semantics: once it has moved past an SQE, the kernel has finished reading that SQE (and with
 * IORING_FEAT_SUBMIT_STABLE everything it points at that is read at submission), so the entry may be
 * written again. Not thread-safe: {@link IoUring} confines it.
 */
final class SubmissionQueue {
    /** Coordinates (MemorySegment, long offset); used for the words the kernel shares with us. */
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final MemorySegment sqes;
    private final long headOffset;
    private final long tailOffset;
    private final long flagsOffset;
    private final long droppedOffset;
    /** {@code sq_entries}: a power of two. */
    final int entries;
    private final int mask;
    /** Next SQE to write; ahead of the kernel's tail until {@link #flush()}. */
    private int tail;
    /** The kernel's head as last read: SQEs before it are free. */
    private int cachedHead;

    /**
     * @param ring the mapping of the SQ ring ({@code IORING_OFF_SQ_RING})
     * @param sqes the mapping of the SQE array ({@code IORING_OFF_SQES})
     * @param sqOff the {@code struct io_sqring_offsets} the kernel filled in at setup
     */
    SubmissionQueue(MemorySegment ring, MemorySegment sqes, MemorySegment sqOff) {
        this.ring = ring;
        this.sqes = sqes;
        headOffset = Integer.toUnsignedLong(io_sqring_offsets.head(sqOff));
        tailOffset = Integer.toUnsignedLong(io_sqring_offsets.tail(sqOff));
        flagsOffset = Integer.toUnsignedLong(io_sqring_offsets.flags(sqOff));
        droppedOffset = Integer.toUnsignedLong(io_sqring_offsets.dropped(sqOff));
        entries = ring.get(ValueLayout.JAVA_INT, Integer.toUnsignedLong(io_sqring_offsets.ring_entries(sqOff)));
        mask = ring.get(ValueLayout.JAVA_INT, Integer.toUnsignedLong(io_sqring_offsets.ring_mask(sqOff)));
        long array = Integer.toUnsignedLong(io_sqring_offsets.array(sqOff));
        // SQEs are always filled in ring order, so the indirection array is the identity, set once
        for (int i = 0; i < entries; i++) {
            ring.set(ValueLayout.JAVA_INT, array + 4L * i, i);
        }
        sqes.fill((byte) 0);
        tail = (int) INT.getAcquire(ring, tailOffset);
        cachedHead = (int) INT.getAcquire(ring, headOffset);
    }

    /**
     * Takes the next free SQE.
     *
     * @return its byte offset in the SQE array, or -1 if all {@link #entries} are written and not yet
     *     consumed by the kernel
     */
    long next() {
        int t = tail;
        if (t - cachedHead == entries) {
            // acquire: the kernel's reads of the SQEs it consumed happen before we overwrite them
            cachedHead = (int) INT.getAcquire(ring, headOffset);
            if (t - cachedHead == entries) {
                return -1;
            }
        }
        tail = t + 1;
        return (t & mask) * SqeDescriptor.SIZE;
    }

    /** @return the ring index of the SQE at byte offset {@code at} (for per-SQE side tables). */
    static int index(long at) {
        return (int) (at / SqeDescriptor.SIZE);
    }

    /** Writes every field of the SQE at {@code at}; fields the operation does not use are zeroed. */
    void write(long at, int opcode, int flags, int ioprio, int fd, long off, long addr, int len, int opFlags,
               long userData, int bufIndex) {
        MemorySegment s = sqes;
        s.set(ValueLayout.JAVA_BYTE, at + SqeDescriptor.OPCODE, (byte) opcode);
        s.set(ValueLayout.JAVA_BYTE, at + SqeDescriptor.FLAGS, (byte) flags);
        s.set(ValueLayout.JAVA_SHORT, at + SqeDescriptor.IOPRIO, (short) ioprio);
        s.set(ValueLayout.JAVA_INT, at + SqeDescriptor.FD, fd);
        s.set(ValueLayout.JAVA_LONG, at + SqeDescriptor.OFF, off);
        s.set(ValueLayout.JAVA_LONG, at + SqeDescriptor.ADDR, addr);
        s.set(ValueLayout.JAVA_INT, at + SqeDescriptor.LEN, len);
        s.set(ValueLayout.JAVA_INT, at + SqeDescriptor.OP_FLAGS, opFlags);
        s.set(ValueLayout.JAVA_LONG, at + SqeDescriptor.USER_DATA, userData);
        s.set(ValueLayout.JAVA_SHORT, at + SqeDescriptor.BUF_INDEX, (short) bufIndex);
        s.set(ValueLayout.JAVA_SHORT, at + SqeDescriptor.PERSONALITY, (short) 0);
        s.set(ValueLayout.JAVA_INT, at + SqeDescriptor.SPLICE_FD_IN, 0);
        s.set(ValueLayout.JAVA_LONG, at + SqeDescriptor.ADDR3, 0L);
        s.set(ValueLayout.JAVA_LONG, at + SqeDescriptor.PAD2, 0L);
    }

    /** @return the {@code user_data} of the SQE at ring position {@code position} */
    long userDataAt(int position) {
        return sqes.get(ValueLayout.JAVA_LONG, (position & mask) * SqeDescriptor.SIZE + SqeDescriptor.USER_DATA);
    }

    /** @return the IOSQE_* flags of the SQE at {@code at} */
    int flagsOf(long at) {
        return sqes.get(ValueLayout.JAVA_BYTE, at + SqeDescriptor.FLAGS) & 0xFF;
    }

    /** Sets IOSQE_* flags on the SQE at {@code at} (before it is flushed). */
    void orFlags(long at, int flags) {
        sqes.set(ValueLayout.JAVA_BYTE, at + SqeDescriptor.FLAGS, (byte) (flagsOf(at) | flags));
    }

    /**
     * Publishes every written SQE to the kernel.
     *
     * @return how many SQEs the kernel has yet to consume
     */
    int flush() {
        int t = tail;
        // release: the SQE stores above are visible to the kernel before it can see the new tail
        INT.setRelease(ring, tailOffset, t);
        return t - kernelHead();
    }

    /** @return SQEs written (flushed or not) that the kernel has not consumed yet */
    int pending() {
        return tail - kernelHead();
    }

    /** @return SQEs that can be written before the ring is full */
    int space() {
        return entries - (tail - kernelHead());
    }

    /** @return the local tail: the position of the next SQE to write */
    int tail() {
        return tail;
    }

    /** @return the kernel's head, read with acquire (see {@link #next()}) */
    int kernelHead() {
        int h = (int) INT.getAcquire(ring, headOffset);
        cachedHead = h;
        return h;
    }

    /**
     * @return the SQ ring's {@code flags} word (IORING_SQ_NEED_WAKEUP, IORING_SQ_CQ_OVERFLOW,
     *     IORING_SQ_TASKRUN), read with acquire; callers that need it ordered after the tail store use
     *     a full fence first
     */
    int kernelFlags() {
        return (int) INT.getAcquire(ring, flagsOffset);
    }

    /** @return the kernel's count of invalid SQEs it dropped ({@code dropped}) */
    int dropped() {
        return (int) INT.getAcquire(ring, droppedOffset);
    }
}
