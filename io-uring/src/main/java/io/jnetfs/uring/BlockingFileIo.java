package io.jnetfs.uring;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.msghdr;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link FileIo} over plain system calls through {@link Native}: the fallback without io_uring. Holds
 * one msghdr per calling thread for the chain sendmsg/recvmsg, in an arena freed by {@link #close()}.
 */
final class BlockingFileIo implements FileIo {
    private static final long MSG_IOV = msghdr.msg_iov$offset();
    private static final long MSG_IOVLEN = msghdr.msg_iovlen$offset();

    private final Arena arena = Arena.ofShared();
    private final ThreadLocal<MemorySegment> msg = ThreadLocal.withInitial(() -> arena.allocate(msghdr.layout()));
    private volatile boolean closed;

    BlockingFileIo() {
    }

    @Override
    public String kind() {
        return "blocking";
    }

    @Override
    public long pread(int fd, MemorySegment buf, long offset) throws IOException {
        long r;
        do {
            r = Native.pread(fd, buf, buf.byteSize(), offset);
        } while (r == -Errno.EINTR);
        return r >= 0 ? r : fail("pread(fd=" + fd + ", count=" + buf.byteSize() + ", offset=" + offset + ")", r);
    }

    @Override
    public long pwrite(int fd, MemorySegment buf, long offset) throws IOException {
        long r;
        do {
            r = Native.pwrite(fd, buf, buf.byteSize(), offset);
        } while (r == -Errno.EINTR);
        return r >= 0 ? r : fail("pwrite(fd=" + fd + ", count=" + buf.byteSize() + ", offset=" + offset + ")", r);
    }

    @Override
    public long preadv(int fd, MemorySegment iov, int iovcnt, long offset) throws IOException {
        long r;
        do {
            r = Native.preadv2(fd, iov, iovcnt, offset, 0);
        } while (r == -Errno.EINTR);
        return r >= 0 ? r : fail("preadv2(fd=" + fd + ", iovcnt=" + iovcnt + ", offset=" + offset + ")", r);
    }

    @Override
    public long pwritev(int fd, MemorySegment iov, int iovcnt, long offset) throws IOException {
        long r;
        do {
            r = Native.pwritev2(fd, iov, iovcnt, offset, 0);
        } while (r == -Errno.EINTR);
        return r >= 0 ? r : fail("pwritev2(fd=" + fd + ", iovcnt=" + iovcnt + ", offset=" + offset + ")", r);
    }

    @Override
    public void fsync(int fd, boolean dataOnly) throws IOException {
        int r = dataOnly ? Native.fdatasync(fd) : Native.fsync(fd);
        if (r < 0) {
            fail((dataOnly ? "fdatasync" : "fsync") + "(fd=" + fd + ")", r);
        }
    }

    @Override
    public long pwriteSync(int fd, MemorySegment buf, long offset, boolean dataOnly) throws IOException {
        long n = pwrite(fd, buf, offset);
        if (n == buf.byteSize()) {
            fsync(fd, dataOnly);
        }
        return n;
    }

    @Override
    public void fallocate(int fd, int mode, long offset, long length) throws IOException {
        int r = Native.fallocate(fd, mode, offset, length);
        if (r < 0) {
            fail("fallocate(fd=" + fd + ", mode=" + mode + ", offset=" + offset + ", len=" + length + ")", r);
        }
    }

    @Override
    public long sendmsg(int fd, MemorySegment msghdr, int flags) throws IOException {
        long r;
        do {
            r = Native.sendmsg(fd, msghdr, flags);
        } while (r == -Errno.EINTR);
        return r >= 0 ? r : fail("sendmsg(fd=" + fd + ", flags=" + flags + ")", r);
    }

    @Override
    public long recvmsg(int fd, MemorySegment msghdr, int flags) throws IOException {
        long r;
        do {
            r = Native.recvmsg(fd, msghdr, flags);
        } while (r == -Errno.EINTR);
        return r >= 0 ? r : fail("recvmsg(fd=" + fd + ", flags=" + flags + ")", r);
    }

    @Override
    public int preadBatch(int fd, MemorySegment[] bufs, long[] offsets, long[] results, int count) {
        int failed = 0;
        for (int i = 0; i < count; i++) {
            long r;
            do {
                r = Native.pread(fd, bufs[i], bufs[i].byteSize(), offsets[i]);
            } while (r == -Errno.EINTR);
            results[i] = r;
            if (r < 0) {
                failed++;
            }
        }
        return failed;
    }

    @Override
    public long preadv(int fd, BvecqBuffer chain, BvecqIter it, long len, long offset) throws IOException {
        return chainIo(fd, it, len, offset, 0, OP_PREADV2);
    }

    @Override
    public long pwritev(int fd, BvecqBuffer chain, BvecqIter it, long len, long offset) throws IOException {
        return chainIo(fd, it, len, offset, 0, OP_PWRITEV2);
    }

    @Override
    public long sendmsg(int fd, BvecqBuffer chain, BvecqIter it, long len, int flags) throws IOException {
        return chainIo(fd, it, len, 0, flags, OP_SENDMSG);
    }

    @Override
    public long recvmsg(int fd, BvecqBuffer chain, BvecqIter it, long len, int flags) throws IOException {
        return chainIo(fd, it, len, 0, flags, OP_RECVMSG);
    }

    private static final int OP_PREADV2 = 0;
    private static final int OP_PWRITEV2 = 1;
    private static final int OP_SENDMSG = 2;
    private static final int OP_RECVMSG = 3;
    private static final String[] OP_NAMES = {"preadv2", "pwritev2", "sendmsg", "recvmsg"};

    private long chainIo(int fd, BvecqIter it, long len, long offset, int flags, int op) throws IOException {
        if (closed) {
            throw new IllegalStateException("FileIo is closed");
        }
        ChainChecks.check(it, len, offset, op == OP_PREADV2 || op == OP_PWRITEV2);
        MemorySegment m = op >= OP_SENDMSG ? msg.get() : null;
        long done = 0;
        while (done < len) {
            int n = it.nextIov(Math.min(len - done, BvecqUring.MAX_BYTES));
            long r;
            switch (op) {
                case OP_PREADV2 -> r = Native.preadv2Address(fd, it.iovAddress(), n, offset + done, 0);
                case OP_PWRITEV2 -> r = Native.pwritev2Address(fd, it.iovAddress(), n, offset + done, 0);
                default -> {
                    m.fill((byte) 0);
                    m.set(ValueLayout.JAVA_LONG, MSG_IOV, it.iovAddress());
                    m.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, n);
                    r = op == OP_SENDMSG ? Native.sendmsgAddress(fd, m.address(), flags)
                            : Native.recvmsgAddress(fd, m.address(), flags);
                }
            }
            if (r > 0) {
                it.advance(r);
                done += r;
            } else if (r == 0) {
                if (op == OP_PREADV2 || op == OP_RECVMSG) {
                    break; // end of file or stream
                }
                throw new IOException(OP_NAMES[op] + "(fd=" + fd + ", iovcnt=" + n + ") transferred 0 bytes");
            } else if (r != -Errno.EINTR) {
                fail(OP_NAMES[op] + "(fd=" + fd + ", iovcnt=" + n
                        + (op < OP_SENDMSG ? ", offset=" + (offset + done) : ", flags=" + flags) + ")", r);
            }
        }
        return done;
    }

    private static long fail(String call, long negErrno) throws IOException {
        throw Errors.ioException(call, (int) -negErrno);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "FileIo[blocking]";
    }
}
