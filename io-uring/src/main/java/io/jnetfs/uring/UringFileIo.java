package io.jnetfs.uring;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.gen.LibC;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link FileIo} over io_uring. Each call borrows a <em>lane</em> (a ring of its own plus the state of
 * one call), prepares its SQEs, submits them in one io_uring_enter, waits for their completions and
 * gives the lane back. A ring is used by one thread at a time, so concurrent callers use different
 * lanes: a blocking receive on one thread never holds up a send on another. Lanes are created on
 * demand, at most {@value #MAX_IDLE} are kept idle, and {@link #close()} closes them all.
 */
final class UringFileIo implements FileIo {
    private static final int MAX_IDLE = 8;

    private final int entries;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Lane> idle = new ArrayDeque<>();
    private boolean closed;

    /**
     * @param entries SQ entries per lane's ring
     * @throws IOException if the first ring cannot be set up
     */
    UringFileIo(int entries) throws IOException {
        this.entries = entries;
        idle.add(new Lane(IoUring.open(entries)));
    }

    /** A ring, its bvecq submitter, and where the completions of the current call land. */
    private static final class Lane implements CompletionCallback {
        final IoUring ring;
        final BvecqUring chains;
        final long[] single = new long[2];
        long[] target;
        int remaining;

        Lane(IoUring ring) {
            this.ring = ring;
            this.chains = new BvecqUring(ring);
        }

        @Override
        public void complete(int res, int flags, long userData) {
            target[(int) userData] = res;
            remaining--;
        }

        /** Submits and waits until {@code n} completions have landed in {@code into}. */
        void run(long[] into, int n) {
            target = into;
            remaining = n;
            while (remaining > 0) {
                ring.submitAndWait(Math.min(remaining, ring.cqEntries()));
                ring.complete(this);
            }
        }

        /** Submits the one prepared SQE and waits: its result, or {@code -errno}. */
        long one() throws IOException {
            run(single, 1);
            return single[0];
        }

        void close() {
            try {
                chains.close();
            } finally {
                ring.close();
            }
        }
    }

    /**
     * Throws the failure of one operation. The arguments are formatted only here: a call that
     * succeeds builds no message.
     */
    private static long failed(int op, long r, String args) throws IOException {
        throw new IoUringException(op, args, (int) r);
    }

    private Lane acquire() throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("FileIo is closed");
            }
            Lane l = idle.pollFirst();
            if (l != null) {
                return l;
            }
        } finally {
            lock.unlock();
        }
        return new Lane(IoUring.open(entries));
    }

    private void release(Lane l) {
        // a lane that still has operations in flight (its call failed half-way) is not reused
        if (l.ring.inFlight() == 0) {
            lock.lock();
            try {
                if (!closed && idle.size() < MAX_IDLE) {
                    idle.addFirst(l);
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
        l.close();
    }

    @Override
    public String kind() {
        return "io_uring";
    }

    @Override
    public long pread(int fd, MemorySegment buf, long offset) throws IOException {
        Lane l = acquire();
        try {
            l.ring.prepRead(fd, buf, offset, 0, 0);
            long r = l.one();
            return r >= 0 ? r : failed(Opcode.IORING_OP_READ, r, "fd=" + fd + ", len=" + buf.byteSize() + ", off=" + offset);
        } finally {
            release(l);
        }
    }

    @Override
    public long pwrite(int fd, MemorySegment buf, long offset) throws IOException {
        Lane l = acquire();
        try {
            l.ring.prepWrite(fd, buf, offset, 0, 0);
            long r = l.one();
            return r >= 0 ? r : failed(Opcode.IORING_OP_WRITE, r, "fd=" + fd + ", len=" + buf.byteSize() + ", off=" + offset);
        } finally {
            release(l);
        }
    }

    @Override
    public long preadv(int fd, MemorySegment iov, int iovcnt, long offset) throws IOException {
        Lane l = acquire();
        try {
            l.ring.prepReadv(fd, iov, iovcnt, offset, 0, 0);
            long r = l.one();
            return r >= 0 ? r : failed(Opcode.IORING_OP_READV, r, "fd=" + fd + ", iovcnt=" + iovcnt + ", off=" + offset);
        } finally {
            release(l);
        }
    }

    @Override
    public long pwritev(int fd, MemorySegment iov, int iovcnt, long offset) throws IOException {
        Lane l = acquire();
        try {
            l.ring.prepWritev(fd, iov, iovcnt, offset, 0, 0);
            long r = l.one();
            return r >= 0 ? r : failed(Opcode.IORING_OP_WRITEV, r, "fd=" + fd + ", iovcnt=" + iovcnt + ", off=" + offset);
        } finally {
            release(l);
        }
    }

    @Override
    public void fsync(int fd, boolean dataOnly) throws IOException {
        Lane l = acquire();
        try {
            l.ring.prepFsync(fd, dataOnly ? LibC.IORING_FSYNC_DATASYNC() : 0, 0, 0);
            long r = l.one();
            if (r < 0) {
                failed(Opcode.IORING_OP_FSYNC, r, "fd=" + fd + (dataOnly ? ", fsync_flags=IORING_FSYNC_DATASYNC" : ""));
            }
        } finally {
            release(l);
        }
    }

    @Override
    public long pwriteSync(int fd, MemorySegment buf, long offset, boolean dataOnly) throws IOException {
        Lane l = acquire();
        try {
            // a short write fails the link, so the FSYNC is cancelled: the same as the blocking order
            l.ring.prepWrite(fd, buf, offset, SqeFlags.IOSQE_IO_LINK, 0);
            l.ring.prepFsync(fd, dataOnly ? LibC.IORING_FSYNC_DATASYNC() : 0, 0, 1);
            l.run(l.single, 2);
            long w = l.single[0];
            long s = l.single[1];
            if (w < 0) {
                throw new IoUringException(Opcode.IORING_OP_WRITE, "fd=" + fd + ", len=" + buf.byteSize() + ", off="
                        + offset, (int) w);
            }
            if (s < 0 && !(s == -Errno.ECANCELED && w < buf.byteSize())) {
                throw new IoUringException(Opcode.IORING_OP_FSYNC, "fd=" + fd, (int) s);
            }
            return w;
        } finally {
            release(l);
        }
    }

    @Override
    public void fallocate(int fd, int mode, long offset, long length) throws IOException {
        Lane l = acquire();
        try {
            l.ring.prepFallocate(fd, mode, offset, length, 0, 0);
            long r = l.one();
            if (r < 0) {
                failed(Opcode.IORING_OP_FALLOCATE, r, "fd=" + fd + ", mode=" + mode + ", off=" + offset + ", len=" + length);
            }
        } finally {
            release(l);
        }
    }

    @Override
    public long sendmsg(int fd, MemorySegment msghdr, int flags) throws IOException {
        Lane l = acquire();
        try {
            l.ring.prepSendmsg(fd, msghdr, flags, 0, 0);
            long r = l.one();
            return r >= 0 ? r : failed(Opcode.IORING_OP_SENDMSG, r, "fd=" + fd + ", msg_flags=" + flags);
        } finally {
            release(l);
        }
    }

    @Override
    public long recvmsg(int fd, MemorySegment msghdr, int flags) throws IOException {
        Lane l = acquire();
        try {
            l.ring.prepRecvmsg(fd, msghdr, flags, 0, 0);
            long r = l.one();
            return r >= 0 ? r : failed(Opcode.IORING_OP_RECVMSG, r, "fd=" + fd + ", msg_flags=" + flags);
        } finally {
            release(l);
        }
    }

    @Override
    public int preadBatch(int fd, MemorySegment[] bufs, long[] offsets, long[] results, int count) {
        if (count < 0 || count > bufs.length || count > offsets.length || count > results.length) {
            throw new IllegalArgumentException("count out of the arrays: count=" + count);
        }
        Lane l;
        try {
            l = acquire();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            for (int i = 0; i < count; i++) {
                l.ring.prepRead(fd, bufs[i], offsets[i], 0, i);
            }
            l.run(results, count);
            int failed = 0;
            for (int i = 0; i < count; i++) {
                if (results[i] < 0) {
                    failed++;
                }
            }
            return failed;
        } finally {
            release(l);
        }
    }

    @Override
    public long preadv(int fd, BvecqBuffer chain, BvecqIter it, long len, long offset) throws IOException {
        return chainIo(fd, chain, it, len, offset, 0, Opcode.IORING_OP_READV);
    }

    @Override
    public long pwritev(int fd, BvecqBuffer chain, BvecqIter it, long len, long offset) throws IOException {
        return chainIo(fd, chain, it, len, offset, 0, Opcode.IORING_OP_WRITEV);
    }

    @Override
    public long sendmsg(int fd, BvecqBuffer chain, BvecqIter it, long len, int flags) throws IOException {
        return chainIo(fd, chain, it, len, 0, flags, Opcode.IORING_OP_SENDMSG);
    }

    @Override
    public long recvmsg(int fd, BvecqBuffer chain, BvecqIter it, long len, int flags) throws IOException {
        return chainIo(fd, chain, it, len, 0, flags, Opcode.IORING_OP_RECVMSG);
    }

    /** One SQE per step over the chain's own iovecs, until the range is done or the file/stream ends. */
    private long chainIo(int fd, BvecqBuffer chain, BvecqIter it, long len, long offset, int flags, int op)
            throws IOException {
        boolean positional = op == Opcode.IORING_OP_READV || op == Opcode.IORING_OP_WRITEV;
        ChainChecks.check(it, len, offset, positional);
        Lane l = acquire();
        try {
            BvecqUring chains = l.chains;
            long done = 0;
            while (done < len) {
                long want;
                if (op == Opcode.IORING_OP_READV) {
                    want = chains.prepReadv(fd, chain, it, len - done, offset + done, 0, 0);
                } else if (op == Opcode.IORING_OP_WRITEV) {
                    want = chains.prepWritev(fd, chain, it, len - done, offset + done, 0, 0);
                } else if (op == Opcode.IORING_OP_SENDMSG) {
                    want = chains.prepSendmsg(fd, chain, it, len - done, flags, 0, 0);
                } else {
                    want = chains.prepRecvmsg(fd, chain, it, len - done, flags, 0, 0);
                }
                int used = UserData.op(chains.lastToken());
                l.run(l.single, 1);
                long r = l.single[0];
                // the SQE advanced the iterator by what it covers: step back over what did not happen
                it.revert(want - Math.max(r, 0));
                if (r < 0) {
                    throw new IoUringException(used, "fd=" + fd + ", len=" + want
                            + (positional ? ", off=" + (offset + done) : ", msg_flags=" + flags), (int) r);
                }
                if (r == 0) {
                    if (op == Opcode.IORING_OP_READV || op == Opcode.IORING_OP_RECVMSG) {
                        break; // end of file or stream
                    }
                    throw new IOException(Opcode.name(used) + "(fd=" + fd + ", len=" + want + ") transferred 0 bytes");
                }
                done += r;
            }
            return done;
        } finally {
            release(l);
        }
    }

    /** Closes the idle lanes now; lanes in use are closed when their call gives them back. */
    @Override
    public void close() {
        ArrayDeque<Lane> lanes;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            lanes = new ArrayDeque<>(idle);
            idle.clear();
        } finally {
            lock.unlock();
        }
        for (Lane l : lanes) {
            l.close();
        }
    }

    @Override
    public String toString() {
        return "FileIo[io_uring, entries=" + entries + "]";
    }
}
