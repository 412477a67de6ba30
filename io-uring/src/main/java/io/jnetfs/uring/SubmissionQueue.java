package io.jnetfs.uring;

import io.jnetfs.ffm.gen.__kernel_timespec;
import io.jnetfs.ffm.gen.io_sqring_offsets;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The submission side of a ring: the kernel-shared SQ ring and the SQE array, both mmapped by
 * {@link RingSetup}, and the one place SQEs are written ({@link #enqueueSqe}, with a typed fill helper
 * per kind of operation that knows which field the kernel reads what from).
 *
 * <pre>
 *   SQ ring (shared)                              SQE array (shared)
 *   khead ----------+  kernel advances it         +-----+-----+-----+-----+
 *   ktail -------+  |  we publish it (release)    | sqe | sqe | sqe | sqe |   entries x 64 bytes
 *   array[i] = i |  |  set once: SQE i is slot i  +-----+-----+-----+-----+   (x 128 with SQE128)
 *                |  |                                ^ head       ^ tail (local, ahead of ktail
 *                v  v                                               until flush())
 *   timespecs (ours): one __kernel_timespec per SQE index, for TIMEOUT and LINK_TIMEOUT
 * </pre>
 *
 * <p>{@link #next()} takes the SQE at the local {@code tail}; a fill helper writes every field of it
 * (fields the operation does not use are zeroed, so nothing of an earlier SQE leaks into the next);
 * {@link #flush()} publishes the tail to the kernel with release semantics, so the kernel never reads a
 * half-written SQE. The kernel's head is read with acquire semantics: once it has moved past an SQE, the
 * kernel has finished reading that SQE (and with IORING_FEAT_SUBMIT_STABLE everything it points at
 * that is read at submission, such as the timespec of its index), so the entry may be written again.
 *
 * <p>Not thread-safe: {@link IoUring} confines it. The fill helpers allocate nothing.
 */
final class SubmissionQueue {
    /** Coordinates (MemorySegment, long offset); used for the words the kernel shares with us. */
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final long TS_SIZE = __kernel_timespec.sizeof();
    private static final long TS_SEC = __kernel_timespec.tv_sec$offset();
    private static final long TS_NSEC = __kernel_timespec.tv_nsec$offset();

    private final MemorySegment ring;
    private final MemorySegment sqes;
    /** One {@code __kernel_timespec} per SQE index. */
    private final MemorySegment timespecs;
    private final long headOffset;
    private final long tailOffset;
    private final long flagsOffset;
    private final long droppedOffset;
    /** {@code sq_entries}: a power of two. */
    final int entries;
    private final int mask;
    /** 64, or 128 for a ring set up with IORING_SETUP_SQE128. */
    final long sqeSize;
    /** Room for URING_CMD's command bytes in one SQE: 16, or 80 with SQE128. */
    final int cmdSize;
    /** Next SQE to write; ahead of the kernel's tail until {@link #flush()}. */
    private int tail;
    /** The kernel's head as last read: SQEs before it are free. */
    private int cachedHead;

    /**
     * @param ring the mapping of the SQ ring ({@code IORING_OFF_SQ_RING})
     * @param sqes the mapping of the SQE array ({@code IORING_OFF_SQES})
     * @param sqOff the {@code struct io_sqring_offsets} the kernel filled in at setup
     * @param sqe128 whether the ring was set up with IORING_SETUP_SQE128
     * @param timespecs room for one {@code __kernel_timespec} per SQ entry, owned by the ring
     */
    SubmissionQueue(MemorySegment ring, MemorySegment sqes, MemorySegment sqOff, boolean sqe128,
                    MemorySegment timespecs) {
        this.ring = ring;
        this.sqes = sqes;
        this.timespecs = timespecs;
        headOffset = Integer.toUnsignedLong(io_sqring_offsets.head(sqOff));
        tailOffset = Integer.toUnsignedLong(io_sqring_offsets.tail(sqOff));
        flagsOffset = Integer.toUnsignedLong(io_sqring_offsets.flags(sqOff));
        droppedOffset = Integer.toUnsignedLong(io_sqring_offsets.dropped(sqOff));
        entries = ring.get(ValueLayout.JAVA_INT, Integer.toUnsignedLong(io_sqring_offsets.ring_entries(sqOff)));
        mask = ring.get(ValueLayout.JAVA_INT, Integer.toUnsignedLong(io_sqring_offsets.ring_mask(sqOff)));
        sqeSize = sqe128 ? SqeDescriptor.SIZE128 : SqeDescriptor.SIZE;
        cmdSize = sqe128 ? SqeDescriptor.CMD_SIZE128 : SqeDescriptor.CMD_SIZE;
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
        return (t & mask) * sqeSize;
    }

    /** @return the ring index of the SQE at byte offset {@code at} (for per-SQE side tables) */
    int index(long at) {
        return (int) (at / sqeSize);
    }

    // ---- the one writer -------------------------------------------------------------------------

    /**
     * Writes every field of the 64-byte SQE at {@code at} (from {@link #next()}); it goes to the kernel
     * at the next {@link #flush()}. The second half of a 128-byte SQE is written only by
     * {@link #addUringCmd}, the one operation that reads it.
     *
     * @param at the SQE's byte offset
     * @param opcode {@code IORING_OP_*}
     * @param flags {@code IOSQE_*}
     * @param ioprio {@code ioprio}; the RECV/SEND flags ({@code IORING_RECVSEND_*}) for socket operations
     * @param fd {@code fd}
     * @param off {@code off} / {@code addr2} / {@code cmd_op}
     * @param addr {@code addr} / {@code splice_off_in}
     * @param len {@code len}
     * @param opFlags the 32-bit flags union
     * @param userData {@code user_data}: the ring's token
     * @param bufIndex {@code buf_index} / {@code buf_group}
     * @param spliceFdIn {@code splice_fd_in} / {@code file_index}
     * @param addr3 {@code addr3}, the first 8 command bytes of URING_CMD
     */
    void enqueueSqe(long at, int opcode, int flags, int ioprio, int fd, long off, long addr, int len, int opFlags,
                    long userData, int bufIndex, int spliceFdIn, long addr3) {
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
        s.set(ValueLayout.JAVA_INT, at + SqeDescriptor.SPLICE_FD_IN, spliceFdIn);
        s.set(ValueLayout.JAVA_LONG, at + SqeDescriptor.ADDR3, addr3);
        s.set(ValueLayout.JAVA_LONG, at + SqeDescriptor.PAD2, 0L);
    }

    // ---- typed fill helpers: which field carries what, per operation ----------------------------

    /** IORING_OP_NOP. */
    void addNop(long at, int flags, long token) {
        enqueueSqe(at, Opcode.IORING_OP_NOP, flags, 0, -1, 0, 0, 0, 0, token, 0, 0, 0);
    }

    /**
     * READV/WRITEV ({@code addr} an iovec array, {@code len} its count), READ/WRITE and
     * READ_FIXED/WRITE_FIXED ({@code addr} a buffer, {@code len} its length, {@code bufIndex} the
     * registered buffer).
     */
    void addRw(long at, int op, int flags, int fd, long offset, long addr, int len, int rwFlags, int bufIndex,
               long token) {
        enqueueSqe(at, op, flags, 0, fd, offset, addr, len, rwFlags, token, bufIndex, 0, 0);
    }

    /** IORING_OP_FSYNC. */
    void addFsync(long at, int flags, int fd, int fsyncFlags, long token) {
        enqueueSqe(at, Opcode.IORING_OP_FSYNC, flags, 0, fd, 0, 0, 0, fsyncFlags, token, 0, 0, 0);
    }

    /** IORING_OP_FALLOCATE: the kernel reads the length from {@code addr} and the mode from {@code len}. */
    void addFallocate(long at, int flags, int fd, int mode, long offset, long length, long token) {
        enqueueSqe(at, Opcode.IORING_OP_FALLOCATE, flags, 0, fd, offset, length, mode, 0, token, 0, 0, 0);
    }

    /** IORING_OP_OPENAT: the path in {@code addr}, the mode in {@code len}, the O_* flags in {@code open_flags}. */
    void addOpenat(long at, int flags, int dirfd, long path, int openFlags, int mode, long token) {
        enqueueSqe(at, Opcode.IORING_OP_OPENAT, flags, 0, dirfd, 0, path, mode, openFlags, token, 0, 0, 0);
    }

    /** IORING_OP_CLOSE. */
    void addClose(long at, int flags, int fd, long token) {
        enqueueSqe(at, Opcode.IORING_OP_CLOSE, flags, 0, fd, 0, 0, 0, 0, token, 0, 0, 0);
    }

    /** SENDMSG, RECVMSG, SENDMSG_ZC: the msghdr in {@code addr}, {@code len} 1. */
    void addMsg(long at, int op, int flags, int fd, long msghdr, int msgFlags, long token) {
        enqueueSqe(at, op, flags, 0, fd, 0, msghdr, 1, msgFlags, token, 0, 0, 0);
    }

    /**
     * SEND, RECV, SEND_ZC: the buffer in {@code addr}; {@code ioprio} carries IORING_RECVSEND_* (and
     * IORING_RECV_MULTISHOT); {@code bufIndex} is the registered buffer with IORING_RECVSEND_FIXED_BUF,
     * or the buffer group with IOSQE_BUFFER_SELECT.
     */
    void addSock(long at, int op, int flags, int ioprio, int fd, long addr, int len, int msgFlags, int bufIndex,
                 long token) {
        enqueueSqe(at, op, flags, ioprio, fd, 0, addr, len, msgFlags, token, bufIndex, 0, 0);
    }

    /**
     * TIMEOUT ({@code count} completions end it early) and LINK_TIMEOUT: {@code addr} points at the
     * timespec of this SQE's index, which the kernel copies at submission.
     */
    void addTimeout(long at, int op, int flags, long nanos, int count, int timeoutFlags, long token) {
        long ts = index(at) * TS_SIZE;
        timespecs.set(ValueLayout.JAVA_LONG, ts + TS_SEC, nanos / 1_000_000_000L);
        timespecs.set(ValueLayout.JAVA_LONG, ts + TS_NSEC, nanos % 1_000_000_000L);
        enqueueSqe(at, op, flags, 0, -1, count, timespecs.address() + ts, 1, timeoutFlags, token, 0, 0, 0);
    }

    /** IORING_OP_ASYNC_CANCEL: the target's {@code user_data} in {@code addr}. */
    void addCancel(long at, int flags, long target, int cancelFlags, long token) {
        enqueueSqe(at, Opcode.IORING_OP_ASYNC_CANCEL, flags, 0, -1, 0, target, 0, cancelFlags, token, 0, 0, 0);
    }

    /**
     * IORING_OP_SPLICE: {@code fd} is the destination ({@code off} its offset), {@code splice_fd_in}
     * the source ({@code splice_off_in}, in {@code addr}, its offset); -1 for a pipe's offset.
     */
    void addSplice(long at, int flags, int fdIn, long offIn, int fdOut, long offOut, int nbytes, int spliceFlags,
                   long token) {
        enqueueSqe(at, Opcode.IORING_OP_SPLICE, flags, 0, fdOut, offOut, offIn, nbytes, spliceFlags, token, 0, fdIn, 0);
    }

    /**
     * IORING_OP_URING_CMD: {@code cmd_op} in the low half of {@code off}, {@code cmdLen} command bytes
     * copied from {@code cmd} into {@code cmd[]} and the rest of the command area zeroed.
     */
    void addUringCmd(long at, int flags, int fd, int cmdOp, MemorySegment cmd, long cmdLen, long addr, int len,
                     int uringCmdFlags, int bufIndex, long token) {
        enqueueSqe(at, Opcode.IORING_OP_URING_CMD, flags, 0, fd, Integer.toUnsignedLong(cmdOp), addr, len,
                uringCmdFlags, token, bufIndex, 0, 0);
        long area = at + SqeDescriptor.CMD;
        if (cmdLen > 0) {
            MemorySegment.copy(cmd, 0, sqes, area, cmdLen);
        }
        for (long i = cmdLen; i < cmdSize; i++) {
            sqes.set(ValueLayout.JAVA_BYTE, area + i, (byte) 0);
        }
    }

    // ---- state ----------------------------------------------------------------------------------

    /** @return the {@code user_data} of the SQE at ring position {@code position} */
    long userDataAt(int position) {
        return sqes.get(ValueLayout.JAVA_LONG, (position & mask) * sqeSize + SqeDescriptor.USER_DATA);
    }

    /** @return the SQE at {@code at} (a view; for tests that check what was written) */
    MemorySegment sqe(long at) {
        return sqes.asSlice(at, sqeSize);
    }

    /** @return the IOSQE_* flags of the SQE at {@code at} */
    int flagsOf(long at) {
        return sqes.get(ValueLayout.JAVA_BYTE, at + SqeDescriptor.FLAGS) & 0xFF;
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
