package io.jnetfs.uring;

import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.iovec;

import java.lang.foreign.MemorySegment;

/**
 * The {@code prep*} half of {@link IoUring}: each public method here turns one operation's arguments
 * into one SQE, and is called on the ring ({@code ring.prepRead(...)}). It is a package-private base
 * class, as {@code AbstractStringBuilder} is for {@code StringBuilder}, so the ring's lifecycle,
 * submission and completion ({@link IoUring}) and the catalogue of operations (here) are read apart
 * while the public API stays one type.
 *
 * <pre>
 *   prepX(args, sqeFlags, userData)
 *     1. checks      ensureUsable (open, right thread), SqeArgs (flags, fixed-file index, native memory)
 *     2. reserve()   SubmissionQueue.next(); if the SQ is full, submit what is pending (never inside a
 *                    link chain: that would cut it)
 *     3. track()     InFlight slot: userData + the memory to pin until the last completion --&gt; token
 *     4. sq.addX()   the typed fill helper writes the SQE, with the token as its user_data
 *     --&gt; the token (the target for prepCancel)
 * </pre>
 *
 * <p>A failed check throws before anything is reserved, so no half-written SQE is left behind. Every
 * method allocates nothing on success.
 */
abstract class IoUringOps {
    private static final int IOSQE_BUFFER_SELECT = LibC.IOSQE_BUFFER_SELECT();
    private static final int RECV_MULTISHOT = LibC.IORING_RECV_MULTISHOT();
    private static final int RECVSEND_FIXED_BUF = LibC.IORING_RECVSEND_FIXED_BUF();
    private static final int SPLICE_F_FD_IN_FIXED = LibC.SPLICE_F_FD_IN_FIXED();

    /** The SQ ring and SQE array. */
    final SubmissionQueue sq;
    /** Registered buffers and files, to check fixed indexes against. */
    final Registrations reg;
    /** Operations between prep and their last completion. */
    final InFlight inFlight;
    /** Byte offset of the SQE prepared last, until it is submitted; -1 if none. */
    long lastSqe = -1;
    /** The in-flight slot of the SQE prepared last. */
    int lastSlot = -1;

    IoUringOps(SubmissionQueue sq, Registrations reg, InFlight inFlight) {
        this.sq = sq;
        this.reg = reg;
        this.inFlight = inFlight;
    }

    /**
     * @throws IllegalStateException if the ring is closed, or this thread may not use it
     */
    abstract void ensureUsable();

    /** Submits every pending SQE (the SQ is full), and waits until the kernel made room. */
    abstract void submitForRoom();

    /** @throws IllegalArgumentException if {@code buffers} is not an open buffer ring of this ring */
    abstract void checkBufferRing(BufferRing buffers);

    /** The checks every prep method starts with. */
    final void checkPrep(int fd, int sqeFlags) {
        ensureUsable();
        SqeArgs.checkSqeFlags(sqeFlags, SqeFlags.ALLOWED);
        SqeArgs.checkFd(fd, sqeFlags, reg.files());
    }

    /** Takes the next free SQE, submitting pending ones first if the ring is full: its byte offset. */
    final long reserve() {
        long at = sq.next();
        if (at < 0) {
            makeRoom();
            at = sq.next();
        }
        return at;
    }

    private void makeRoom() {
        if (lastSqe >= 0 && (sq.flagsOf(lastSqe) & SqeFlags.LINKS) != 0) {
            throw new IllegalStateException("SQ ring full (sq_entries=" + sq.entries + ") inside a link chain: "
                    + "submitting now would cut the chain; a chain must fit in sqSpace()");
        }
        submitForRoom();
    }

    /**
     * Records the operation whose SQE is at {@code at} (taken by {@link #reserve()}) in the in-flight
     * table, pinning {@code pin} until its last completion.
     *
     * @return its token, the SQE's {@code user_data}
     */
    final long track(long at, int op, int fd, long userData, Object pin) {
        int slot = inFlight.acquire(op, fd, userData, pin);
        lastSqe = at;
        lastSlot = slot;
        return inFlight.token(slot);
    }

    // ---- hooks for BvecqUring (same package) ------------------------------------------------------

    /** Checks the ring may be used by this thread; for {@link BvecqUring}. */
    void checkUsable() {
        ensureUsable();
    }

    /** Takes the next free SQE (submitting pending ones if the ring is full): its byte offset. */
    long reserveSqe() {
        return reserve();
    }

    /** @return the ring index of the SQE at byte offset {@code at}, for per-SQE side tables */
    int sqeIndex(long at) {
        return sq.index(at);
    }

    /**
     * Writes a read/write/message SQE at {@code at} (from {@link #reserveSqe()}) and records the
     * operation; the slot takes over a reference the caller holds on {@code segment} (may be null).
     */
    long prepAt(long at, int op, int sqeFlags, int fd, long off, long addr, int len, int opFlags, int bufIndex,
                long userData, Object pin, io.jnetfs.bvecq.Bvecq segment) {
        SqeArgs.checkSqeFlags(sqeFlags, SqeFlags.ALLOWED);
        SqeArgs.checkFd(fd, sqeFlags, reg.files());
        long token = track(at, op, fd, userData, pin);
        sq.addRw(at, op, sqeFlags, fd, off, addr, len, opFlags, bufIndex, token);
        if (segment != null) {
            inFlight.holdSegment(lastSlot, segment);
        }
        return token;
    }

    /**
     * @param address start of a memory range
     * @param length its length
     * @return the index of a registered buffer that contains the range, or -1
     */
    int fixedIndexOf(long address, long length) {
        return reg.fixedIndexOf(address, length);
    }

    /**
     * Keeps {@code o} reachable until the last completion of the SQE prepared last, for memory the
     * SQE reaches only indirectly (the buffers behind an iovec array or a msghdr).
     *
     * @param o the object to keep, such as the owner of the buffers
     * @throws IllegalStateException if no SQE has been prepared since the last submission
     */
    public void attach(Object o) {
        ensureUsable();
        if (lastSqe < 0) {
            throw new IllegalStateException("no SQE prepared since the last submission to attach to");
        }
        inFlight.attach(lastSlot, o);
    }

    /**
     * {@code IORING_OP_NOP}: completes with {@code res} 0.
     *
     * @param sqeFlags IOSQE_* flags ({@link SqeFlags})
     * @param userData the caller's value, given back in the completion
     * @return the token of the SQE (its kernel {@code user_data})
     */
    public long prepNop(int sqeFlags, long userData) {
        ensureUsable();
        SqeArgs.checkSqeFlags(sqeFlags, SqeFlags.ALLOWED);
        long at = reserve();
        long token = track(at, Opcode.IORING_OP_NOP, -1, userData, null);
        sq.addNop(at, sqeFlags, token);
        return token;
    }

    /**
     * {@code IORING_OP_READV}: {@code preadv(fd, iov, iovcnt, offset)}. The buffers the iovecs point at
     * must stay alive until the completion (see {@link #attach(Object)}).
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param iov a {@code struct iovec[]} in native memory
     * @param iovcnt entries of {@code iov} to use
     * @param offset file offset, or -1 for the file position
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepReadv(int fd, MemorySegment iov, int iovcnt, long offset, int sqeFlags, long userData) {
        return prepVector(Opcode.IORING_OP_READV, fd, iov, iovcnt, offset, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_WRITEV}: {@code pwritev(fd, iov, iovcnt, offset)}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param iov a {@code struct iovec[]} in native memory
     * @param iovcnt entries of {@code iov} to use
     * @param offset file offset, or -1 for the file position
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepWritev(int fd, MemorySegment iov, int iovcnt, long offset, int sqeFlags, long userData) {
        return prepVector(Opcode.IORING_OP_WRITEV, fd, iov, iovcnt, offset, sqeFlags, userData);
    }

    private long prepVector(int op, int fd, MemorySegment iov, int iovcnt, long offset, int sqeFlags, long userData) {
        checkPrep(fd, sqeFlags);
        SqeArgs.checkNative(iov, "iov");
        if (iovcnt < 0 || iovcnt * iovec.sizeof() > iov.byteSize()) {
            throw new IllegalArgumentException("iovcnt out of the iovec array: iovcnt=" + iovcnt
                    + ", iov.byteSize()=" + iov.byteSize());
        }
        long at = reserve();
        long token = track(at, op, fd, userData, iov);
        sq.addRw(at, op, sqeFlags, fd, offset, iov.address(), iovcnt, 0, 0, token);
        return token;
    }

    /**
     * {@code IORING_OP_READ}: {@code pread(fd, buf, buf.byteSize(), offset)}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the native buffer to fill
     * @param offset file offset, or -1 for the file position
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepRead(int fd, MemorySegment buf, long offset, int sqeFlags, long userData) {
        return prepBuffer(Opcode.IORING_OP_READ, fd, buf, offset, -1, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_WRITE}: {@code pwrite(fd, buf, buf.byteSize(), offset)}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the native buffer to write
     * @param offset file offset, or -1 for the file position
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepWrite(int fd, MemorySegment buf, long offset, int sqeFlags, long userData) {
        return prepBuffer(Opcode.IORING_OP_WRITE, fd, buf, offset, -1, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_READ_FIXED}: a read into (part of) registered buffer {@code bufIndex}, which
     * saves the kernel mapping the pages on every call.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the part of the registered buffer to fill
     * @param offset file offset, or -1 for the file position
     * @param bufIndex index of the registered buffer that contains {@code buf}
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     * @throws IllegalArgumentException if {@code buf} is not inside registered buffer {@code bufIndex}
     */
    public long prepReadFixed(int fd, MemorySegment buf, long offset, int bufIndex, int sqeFlags, long userData) {
        return prepBuffer(Opcode.IORING_OP_READ_FIXED, fd, buf, offset, bufIndex, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_WRITE_FIXED}: a write from (part of) registered buffer {@code bufIndex}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the part of the registered buffer to write
     * @param offset file offset, or -1 for the file position
     * @param bufIndex index of the registered buffer that contains {@code buf}
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     * @throws IllegalArgumentException if {@code buf} is not inside registered buffer {@code bufIndex}
     */
    public long prepWriteFixed(int fd, MemorySegment buf, long offset, int bufIndex, int sqeFlags, long userData) {
        return prepBuffer(Opcode.IORING_OP_WRITE_FIXED, fd, buf, offset, bufIndex, sqeFlags, userData);
    }

    /** READ, WRITE ({@code bufIndex} -1) and READ_FIXED, WRITE_FIXED. */
    private long prepBuffer(int op, int fd, MemorySegment buf, long offset, int bufIndex, int sqeFlags,
                            long userData) {
        checkPrep(fd, sqeFlags);
        SqeArgs.checkNative(buf, "buf");
        int len = SqeArgs.checkLength(buf, "buf");
        long a = buf.address();
        if (bufIndex >= 0 || op == Opcode.IORING_OP_READ_FIXED || op == Opcode.IORING_OP_WRITE_FIXED) {
            reg.checkInside(bufIndex, a, len, "buf");
        }
        long at = reserve();
        long token = track(at, op, fd, userData, buf);
        sq.addRw(at, op, sqeFlags, fd, offset, a, len, 0, Math.max(bufIndex, 0), token);
        return token;
    }

    /**
     * {@code IORING_OP_FSYNC}: {@code fsync(fd)}, or {@code fdatasync(fd)} with
     * {@code IORING_FSYNC_DATASYNC}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param fsyncFlags 0 or {@code IORING_FSYNC_DATASYNC}
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepFsync(int fd, int fsyncFlags, int sqeFlags, long userData) {
        checkPrep(fd, sqeFlags);
        long at = reserve();
        long token = track(at, Opcode.IORING_OP_FSYNC, fd, userData, null);
        sq.addFsync(at, sqeFlags, fd, fsyncFlags, token);
        return token;
    }

    /**
     * {@code IORING_OP_FALLOCATE}: {@code fallocate(fd, mode, offset, length)}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param mode 0 or FALLOC_FL_* flags
     * @param offset start of the range
     * @param length length of the range
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepFallocate(int fd, int mode, long offset, long length, int sqeFlags, long userData) {
        checkPrep(fd, sqeFlags);
        long at = reserve();
        long token = track(at, Opcode.IORING_OP_FALLOCATE, fd, userData, null);
        sq.addFallocate(at, sqeFlags, fd, mode, offset, length, token);
        return token;
    }

    /**
     * {@code IORING_OP_OPENAT}: {@code openat(dirfd, path, flags, mode)}; {@code res} is the new
     * descriptor.
     *
     * @param dirfd a directory descriptor, or {@code AT_FDCWD}
     * @param path a NUL-terminated path in native memory
     * @param flags O_* flags
     * @param mode permissions for O_CREAT
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepOpenat(int dirfd, MemorySegment path, int flags, int mode, int sqeFlags, long userData) {
        ensureUsable();
        SqeArgs.checkSqeFlags(sqeFlags, SqeFlags.ALLOWED);
        SqeArgs.checkNative(path, "path");
        long at = reserve();
        long token = track(at, Opcode.IORING_OP_OPENAT, dirfd, userData, path);
        sq.addOpenat(at, sqeFlags, dirfd, path.address(), flags, mode, token);
        return token;
    }

    /**
     * {@code IORING_OP_CLOSE}: {@code close(fd)}.
     *
     * @param fd the descriptor to close
     * @param sqeFlags IOSQE_* flags (not {@link SqeFlags#IOSQE_FIXED_FILE})
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepClose(int fd, int sqeFlags, long userData) {
        ensureUsable();
        SqeArgs.checkSqeFlags(sqeFlags, SqeFlags.ALLOWED);
        long at = reserve();
        long token = track(at, Opcode.IORING_OP_CLOSE, fd, userData, null);
        sq.addClose(at, sqeFlags, fd, token);
        return token;
    }

    /**
     * {@code IORING_OP_SENDMSG}: {@code sendmsg(fd, msghdr, msgFlags)}. The buffers the msghdr points
     * at must stay alive until the completion (see {@link #attach(Object)}).
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param msghdr a {@code struct msghdr} in native memory
     * @param msgFlags MSG_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepSendmsg(int fd, MemorySegment msghdr, int msgFlags, int sqeFlags, long userData) {
        return prepMsg(Opcode.IORING_OP_SENDMSG, fd, msghdr, msgFlags, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_RECVMSG}: {@code recvmsg(fd, msghdr, msgFlags)}.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param msghdr a {@code struct msghdr} in native memory
     * @param msgFlags MSG_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepRecvmsg(int fd, MemorySegment msghdr, int msgFlags, int sqeFlags, long userData) {
        return prepMsg(Opcode.IORING_OP_RECVMSG, fd, msghdr, msgFlags, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_SENDMSG_ZC} (Linux 6.1): a zero-copy {@code sendmsg}. It completes twice with the
     * same {@code userData}: the result (with IORING_CQE_F_MORE), then the notification
     * (IORING_CQE_F_NOTIF) after which the buffers may be reused; the ring keeps the msghdr and the
     * attachment alive until the notification.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param msghdr a {@code struct msghdr} in native memory
     * @param msgFlags MSG_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepSendmsgZc(int fd, MemorySegment msghdr, int msgFlags, int sqeFlags, long userData) {
        return prepMsg(Opcode.IORING_OP_SENDMSG_ZC, fd, msghdr, msgFlags, sqeFlags, userData);
    }

    private long prepMsg(int op, int fd, MemorySegment msghdr, int msgFlags, int sqeFlags, long userData) {
        checkPrep(fd, sqeFlags);
        SqeArgs.checkNative(msghdr, "msghdr");
        long at = reserve();
        long token = track(at, op, fd, userData, msghdr);
        sq.addMsg(at, op, sqeFlags, fd, msghdr.address(), msgFlags, token);
        return token;
    }

    /**
     * {@code IORING_OP_SEND}: {@code send(fd, buf, buf.byteSize(), msgFlags)}.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the native bytes to send
     * @param msgFlags MSG_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepSend(int fd, MemorySegment buf, int msgFlags, int sqeFlags, long userData) {
        return prepSock(Opcode.IORING_OP_SEND, fd, buf, msgFlags, 0, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_RECV}: {@code recv(fd, buf, buf.byteSize(), msgFlags)}; {@code res} 0 at end
     * of stream.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the native buffer to fill
     * @param msgFlags MSG_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepRecv(int fd, MemorySegment buf, int msgFlags, int sqeFlags, long userData) {
        return prepSock(Opcode.IORING_OP_RECV, fd, buf, msgFlags, 0, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_SEND_ZC} (Linux 6.0): a zero-copy {@code send}; completes twice, like
     * {@link #prepSendmsgZc}, and keeps {@code buf} alive until the notification.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the native bytes to send
     * @param msgFlags MSG_* flags
     * @param zcFlags IORING_RECVSEND_* and IORING_SEND_ZC_* flags (such as
     *     {@code IORING_SEND_ZC_REPORT_USAGE}, which makes the notification's {@code res} carry
     *     {@code IORING_NOTIF_USAGE_ZC_COPIED} when the kernel copied after all); not
     *     {@code IORING_RECVSEND_FIXED_BUF}
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepSendZc(int fd, MemorySegment buf, int msgFlags, int zcFlags, int sqeFlags, long userData) {
        if ((zcFlags & LibC.IORING_RECVSEND_FIXED_BUF()) != 0) {
            throw new IllegalArgumentException("IORING_RECVSEND_FIXED_BUF is not supported by prepSendZc: zcFlags=0x"
                    + Integer.toHexString(zcFlags));
        }
        return prepSock(Opcode.IORING_OP_SEND_ZC, fd, buf, msgFlags, zcFlags, sqeFlags, userData);
    }

    private long prepSock(int op, int fd, MemorySegment buf, int msgFlags, int ioprio, int sqeFlags, long userData) {
        checkPrep(fd, sqeFlags);
        SqeArgs.checkNative(buf, "buf");
        int len = SqeArgs.checkLength(buf, "buf");
        long at = reserve();
        long token = track(at, op, fd, userData, buf);
        sq.addSock(at, op, sqeFlags, ioprio, fd, buf.address(), len, msgFlags, 0, token);
        return token;
    }

    /**
     * {@code IORING_OP_TIMEOUT}: completes with {@code -ETIME} after {@code nanos}, or with 0 once
     * {@code count} other completions have been posted (count 0: only the time counts).
     *
     * @param nanos the relative timeout (or absolute CLOCK_MONOTONIC time with {@code IORING_TIMEOUT_ABS})
     * @param count completions that end the timeout early; 0 for none
     * @param timeoutFlags IORING_TIMEOUT_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepTimeout(long nanos, int count, int timeoutFlags, int sqeFlags, long userData) {
        ensureUsable();
        SqeArgs.checkSqeFlags(sqeFlags, SqeFlags.ALLOWED);
        if (nanos < 0 || count < 0) {
            throw new IllegalArgumentException("negative timeout or count: nanos=" + nanos + ", count=" + count);
        }
        long at = reserve();
        long token = track(at, Opcode.IORING_OP_TIMEOUT, -1, userData, null);
        sq.addTimeout(at, Opcode.IORING_OP_TIMEOUT, sqeFlags, nanos, count, timeoutFlags, token);
        return token;
    }

    /**
     * {@code IORING_OP_LINK_TIMEOUT}: a timeout for the SQE prepared just before, which must carry
     * {@link SqeFlags#IOSQE_IO_LINK}. If it fires, that SQE is cancelled ({@code -ECANCELED}) and this
     * one completes with {@code -ETIME}; if that SQE completes first, this one completes with
     * {@code -ECANCELED}.
     *
     * @param nanos the relative timeout
     * @param timeoutFlags IORING_TIMEOUT_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     * @throws IllegalStateException if the SQE prepared last does not carry IOSQE_IO_LINK
     */
    public long prepLinkTimeout(long nanos, int timeoutFlags, int sqeFlags, long userData) {
        ensureUsable();
        SqeArgs.checkSqeFlags(sqeFlags, SqeFlags.ALLOWED);
        SqeArgs.checkNotNegative(nanos, "timeout");
        if (lastSqe < 0 || (sq.flagsOf(lastSqe) & SqeFlags.LINKS) == 0) {
            throw new IllegalStateException("IORING_OP_LINK_TIMEOUT must follow an SQE prepared with IOSQE_IO_LINK");
        }
        long at = reserve();
        long token = track(at, Opcode.IORING_OP_LINK_TIMEOUT, -1, userData, null);
        sq.addTimeout(at, Opcode.IORING_OP_LINK_TIMEOUT, sqeFlags, nanos, 0, timeoutFlags, token);
        return token;
    }

    /**
     * {@code IORING_OP_ASYNC_CANCEL}: cancels the operation whose token is {@code token}. Its
     * {@code res}: 0 if it was found and cancelled (the target then completes with
     * {@code -ECANCELED}), {@code -ENOENT} if it was not found (already completed), {@code -EALREADY}
     * if it was running and could not be stopped.
     *
     * @param token the token a {@code prep*} method returned
     * @param cancelFlags IORING_ASYNC_CANCEL_* flags (0 for one match by token)
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of this SQE
     */
    public long prepCancel(long token, int cancelFlags, int sqeFlags, long userData) {
        ensureUsable();
        SqeArgs.checkSqeFlags(sqeFlags, SqeFlags.ALLOWED);
        long at = reserve();
        long own = track(at, Opcode.IORING_OP_ASYNC_CANCEL, -1, userData, null);
        sq.addCancel(at, sqeFlags, token, cancelFlags, own);
        return own;
    }

    // ---- zero copy: splice, registered-buffer sends, provided-buffer receives ---------------------

    /**
     * {@code IORING_OP_SPLICE} (Linux 5.7): {@code splice(fdIn, offIn, fdOut, offOut, nbytes, spliceFlags)}
     * moves up to {@code nbytes} between two descriptors, one of them a pipe, without the bytes
     * entering user space. A file goes to a socket in two, linked with {@link SqeFlags#IOSQE_IO_LINK}:
     * file to pipe, then pipe to socket. {@code res}: bytes moved, 0 at the end of the input.
     *
     * @param fdIn the source (a registered file index with {@code SPLICE_F_FD_IN_FIXED} in {@code spliceFlags})
     * @param offIn offset in the source, or -1 for a pipe (or the file position)
     * @param fdOut the destination (a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE})
     * @param offOut offset in the destination, or -1 for a pipe or socket
     * @param nbytes the most bytes to move
     * @param spliceFlags {@code SPLICE_F_*} flags ({@code SPLICE_F_MORE}, {@code SPLICE_F_FD_IN_FIXED})
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepSplice(int fdIn, long offIn, int fdOut, long offOut, int nbytes, int spliceFlags, int sqeFlags,
                           long userData) {
        checkPrep(fdOut, sqeFlags);
        if ((spliceFlags & SPLICE_F_FD_IN_FIXED) != 0) {
            SqeArgs.checkFd(fdIn, SqeFlags.IOSQE_FIXED_FILE, reg.files());
        }
        SqeArgs.checkNotNegative(nbytes, "nbytes");
        long at = reserve();
        long token = track(at, Opcode.IORING_OP_SPLICE, fdOut, userData, null);
        sq.addSplice(at, sqeFlags, fdIn, offIn, fdOut, offOut, nbytes, spliceFlags, token);
        return token;
    }

    /**
     * {@code IORING_OP_SEND_ZC} (Linux 6.0) from (part of) registered buffer {@code bufIndex}
     * ({@code IORING_RECVSEND_FIXED_BUF}): the kernel neither copies the bytes nor pins the pages per
     * call. Completes twice, like {@link #prepSendZc}: the result with IORING_CQE_F_MORE, then the
     * notification (IORING_CQE_F_NOTIF), after which the bytes may be overwritten.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the bytes to send, inside registered buffer {@code bufIndex}
     * @param bufIndex index of the registered buffer that contains {@code buf}
     * @param msgFlags MSG_* flags
     * @param zcFlags {@code IORING_SEND_ZC_*} flags (IORING_RECVSEND_FIXED_BUF is added)
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     * @throws IllegalArgumentException if {@code buf} is not inside registered buffer {@code bufIndex}
     */
    public long prepSendZcFixed(int fd, MemorySegment buf, int bufIndex, int msgFlags, int zcFlags, int sqeFlags,
                                long userData) {
        checkPrep(fd, sqeFlags);
        SqeArgs.checkNative(buf, "buf");
        int len = SqeArgs.checkLength(buf, "buf");
        long a = buf.address();
        reg.checkInside(bufIndex, a, len, "buf");
        long at = reserve();
        long token = track(at, Opcode.IORING_OP_SEND_ZC, fd, userData, buf);
        sq.addSock(at, Opcode.IORING_OP_SEND_ZC, sqeFlags, zcFlags | RECVSEND_FIXED_BUF, fd, a, len, msgFlags,
                bufIndex, token);
        return token;
    }

    /**
     * {@code IORING_OP_RECV} with {@code IORING_RECV_MULTISHOT} (Linux 6.0) and IOSQE_BUFFER_SELECT: one
     * SQE that completes once per arrival, each time into a buffer the kernel picks from
     * {@code buffers}. Every completion but the last carries IORING_CQE_F_MORE; each one with bytes
     * carries IORING_CQE_F_BUFFER and the buffer id ({@link BufferRing#use}). It ends (no F_MORE) at the
     * end of the stream ({@code res} 0), on an error, or with {@code -ENOBUFS} when the ring ran out of
     * buffers: recycle faster, and prepare it again.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buffers a buffer ring registered with this ring; kept reachable until the last completion
     * @param msgFlags MSG_* flags (not MSG_WAITALL)
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value, given back with every completion
     * @return the token of the SQE (cancel it to stop receiving)
     */
    public long prepRecvMultishot(int fd, BufferRing buffers, int msgFlags, int sqeFlags, long userData) {
        return prepRecvSelect(fd, buffers, 0, RECV_MULTISHOT, msgFlags, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_RECV} with IOSQE_BUFFER_SELECT (Linux 5.7 with provided buffers, 5.19 with a
     * buffer ring): one receive into a buffer the kernel picks from {@code buffers} when bytes arrive,
     * so no buffer is tied up while the socket is idle. Its completion carries IORING_CQE_F_BUFFER and
     * the buffer id ({@link BufferRing#use}); {@code -ENOBUFS} if the ring had none.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buffers a buffer ring registered with this ring; kept reachable until the completion
     * @param len the most bytes to receive, or 0 for a whole buffer
     * @param msgFlags MSG_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepRecvSelect(int fd, BufferRing buffers, int len, int msgFlags, int sqeFlags, long userData) {
        SqeArgs.checkNotNegative(len, "len");
        return prepRecvSelect(fd, buffers, len, 0, msgFlags, sqeFlags, userData);
    }

    private long prepRecvSelect(int fd, BufferRing buffers, int len, int ioprio, int msgFlags, int sqeFlags,
                                long userData) {
        checkPrep(fd, sqeFlags);
        checkBufferRing(buffers);
        long at = reserve();
        long token = track(at, Opcode.IORING_OP_RECV, fd, userData, buffers);
        sq.addSock(at, Opcode.IORING_OP_RECV, sqeFlags | IOSQE_BUFFER_SELECT, ioprio, fd, 0, len, msgFlags,
                buffers.groupId(), token);
        return token;
    }

    // ---- passthrough commands ---------------------------------------------------------------------

    /**
     * {@code IORING_OP_URING_CMD} (Linux 5.19): a command for the file behind {@code fd} to carry out
     * ({@code file->f_op->uring_cmd}), such as {@code SOCKET_URING_OP_SIOCINQ} on a socket (Linux 6.7)
     * or FUSE's {@code FUSE_IO_URING_CMD_REGISTER} on /dev/fuse (Linux 6.14, which wants SQE128).
     *
     * @param fd the descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param cmdOp the command ({@code cmd_op})
     * @param cmd the command's bytes, copied into the SQE now (up to 16, or 80 on a ring set up with
     *     {@link IoUring.Builder#sqe128()}; the rest of the area is zeroed), or null for none
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepUringCmd(int fd, int cmdOp, MemorySegment cmd, int sqeFlags, long userData) {
        return prepUringCmd(fd, cmdOp, cmd, null, 0, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_URING_CMD} with {@code addr} and {@code len} as well, for commands that point at
     * memory (FUSE's REGISTER: an array of two iovecs, the entry's header and payload buffers, and
     * {@code len} 2). The ring keeps {@code addr} reachable until the completion; memory the command
     * hands to the kernel for longer (FUSE's entry buffers) is the caller's to keep.
     *
     * @param fd the descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param cmdOp the command ({@code cmd_op})
     * @param cmd the command's bytes, copied into the SQE now, or null
     * @param addr native memory for {@code sqe->addr}, or null for 0
     * @param len {@code sqe->len}
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     * @throws IllegalArgumentException if {@code cmd} does not fit the SQE's command area
     */
    public long prepUringCmd(int fd, int cmdOp, MemorySegment cmd, MemorySegment addr, int len, int sqeFlags,
                             long userData) {
        checkPrep(fd, sqeFlags);
        long cmdLen = cmd == null ? 0 : cmd.byteSize();
        if (cmdLen > sq.cmdSize) {
            throw new IllegalArgumentException("cmd does not fit the " + sq.cmdSize + "-byte command area of a "
                    + sq.sqeSize + "-byte SQE" + (sq.sqeSize == SqeDescriptor.SIZE
                    ? " (a ring set up with IORING_SETUP_SQE128 has 80 bytes)" : "") + ": cmd.byteSize()=" + cmdLen);
        }
        if (addr != null) {
            SqeArgs.checkNative(addr, "addr");
        }
        long at = reserve();
        long token = track(at, Opcode.IORING_OP_URING_CMD, fd, userData, addr);
        sq.addUringCmd(at, sqeFlags, fd, cmdOp, cmd, cmdLen, addr == null ? 0 : addr.address(), len, 0, 0, token);
        return token;
    }
}
