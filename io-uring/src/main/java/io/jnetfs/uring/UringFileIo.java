package io.jnetfs.uring;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.gen.LibC;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link FileIo} over an {@link IoUring} it owns. Each call prepares its SQEs, submits them in one
 * io_uring_enter and waits for their completions; callers are serialised on a lock, since a ring is
 * used by one thread at a time. The {@code userData} of each SQE is its index in the result array.
 */
final class UringFileIo implements FileIo, CompletionCallback {
    private final IoUring ring;
    private final ReentrantLock lock = new ReentrantLock();
    /** Where completions land: the caller's batch results, or {@link #single}. */
    private long[] target;
    private final long[] single = new long[2];
    private int remaining;

    UringFileIo(IoUring ring) {
        this.ring = ring;
    }

    @Override
    public String kind() {
        return "io_uring";
    }

    @Override
    public void complete(int res, int flags, long userData) {
        target[(int) userData] = res;
        remaining--;
    }

    /** Submits and waits until {@code n} completions have landed in {@code into}. */
    private void run(long[] into, int n) {
        target = into;
        remaining = n;
        while (remaining > 0) {
            ring.submitAndWait(Math.min(remaining, ring.cqEntries()));
            ring.complete(this);
        }
    }

    private long one(int op, String args) throws IOException {
        run(single, 1);
        long r = single[0];
        if (r < 0) {
            throw new IoUringException(op, args, (int) r);
        }
        return r;
    }

    @Override
    public long pread(int fd, MemorySegment buf, long offset) throws IOException {
        lock.lock();
        try {
            ring.prepRead(fd, buf, offset, 0, 0);
            return one(Opcode.IORING_OP_READ, "fd=" + fd + ", len=" + buf.byteSize() + ", off=" + offset);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long pwrite(int fd, MemorySegment buf, long offset) throws IOException {
        lock.lock();
        try {
            ring.prepWrite(fd, buf, offset, 0, 0);
            return one(Opcode.IORING_OP_WRITE, "fd=" + fd + ", len=" + buf.byteSize() + ", off=" + offset);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long preadv(int fd, MemorySegment iov, int iovcnt, long offset) throws IOException {
        lock.lock();
        try {
            ring.prepReadv(fd, iov, iovcnt, offset, 0, 0);
            return one(Opcode.IORING_OP_READV, "fd=" + fd + ", iovcnt=" + iovcnt + ", off=" + offset);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long pwritev(int fd, MemorySegment iov, int iovcnt, long offset) throws IOException {
        lock.lock();
        try {
            ring.prepWritev(fd, iov, iovcnt, offset, 0, 0);
            return one(Opcode.IORING_OP_WRITEV, "fd=" + fd + ", iovcnt=" + iovcnt + ", off=" + offset);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void fsync(int fd, boolean dataOnly) throws IOException {
        lock.lock();
        try {
            ring.prepFsync(fd, dataOnly ? LibC.IORING_FSYNC_DATASYNC() : 0, 0, 0);
            one(Opcode.IORING_OP_FSYNC, "fd=" + fd + (dataOnly ? ", fsync_flags=IORING_FSYNC_DATASYNC" : ""));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long pwriteSync(int fd, MemorySegment buf, long offset, boolean dataOnly) throws IOException {
        lock.lock();
        try {
            if (ring.sqSpace() < 2) {
                ring.submit();
            }
            // a short write fails the link, so the FSYNC is cancelled: the same as the blocking order
            ring.prepWrite(fd, buf, offset, SqeFlags.IOSQE_IO_LINK, 0);
            ring.prepFsync(fd, dataOnly ? LibC.IORING_FSYNC_DATASYNC() : 0, 0, 1);
            run(single, 2);
            long w = single[0];
            long s = single[1];
            if (w < 0) {
                throw new IoUringException(Opcode.IORING_OP_WRITE, "fd=" + fd + ", len=" + buf.byteSize() + ", off="
                        + offset, (int) w);
            }
            if (s < 0 && !(s == -Errno.ECANCELED && w < buf.byteSize())) {
                throw new IoUringException(Opcode.IORING_OP_FSYNC, "fd=" + fd, (int) s);
            }
            return w;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void fallocate(int fd, int mode, long offset, long length) throws IOException {
        lock.lock();
        try {
            ring.prepFallocate(fd, mode, offset, length, 0, 0);
            one(Opcode.IORING_OP_FALLOCATE, "fd=" + fd + ", mode=" + mode + ", off=" + offset + ", len=" + length);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long sendmsg(int fd, MemorySegment msghdr, int flags) throws IOException {
        lock.lock();
        try {
            ring.prepSendmsg(fd, msghdr, flags, 0, 0);
            return one(Opcode.IORING_OP_SENDMSG, "fd=" + fd + ", msg_flags=" + flags);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long recvmsg(int fd, MemorySegment msghdr, int flags) throws IOException {
        lock.lock();
        try {
            ring.prepRecvmsg(fd, msghdr, flags, 0, 0);
            return one(Opcode.IORING_OP_RECVMSG, "fd=" + fd + ", msg_flags=" + flags);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int preadBatch(int fd, MemorySegment[] bufs, long[] offsets, long[] results, int count) {
        if (count < 0 || count > bufs.length || count > offsets.length || count > results.length) {
            throw new IllegalArgumentException("count out of the arrays: count=" + count);
        }
        lock.lock();
        try {
            for (int i = 0; i < count; i++) {
                ring.prepRead(fd, bufs[i], offsets[i], 0, i);
            }
            run(results, count);
            int failed = 0;
            for (int i = 0; i < count; i++) {
                if (results[i] < 0) {
                    failed++;
                }
            }
            return failed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            ring.close();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "FileIo[io_uring " + ring + "]";
    }
}
