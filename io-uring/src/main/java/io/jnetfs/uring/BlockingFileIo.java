package io.jnetfs.uring;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** {@link FileIo} over plain system calls through {@link Native}: the fallback without io_uring. */
final class BlockingFileIo implements FileIo {
    static final BlockingFileIo INSTANCE = new BlockingFileIo();

    private BlockingFileIo() {
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

    private static long fail(String call, long negErrno) throws IOException {
        throw Errors.ioException(call, (int) -negErrno);
    }

    @Override
    public void close() {
        // nothing owned
    }

    @Override
    public String toString() {
        return "FileIo[blocking]";
    }
}
