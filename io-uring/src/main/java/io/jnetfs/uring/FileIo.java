package io.jnetfs.uring;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The blocking-style I/O operations the rest of jnetfs needs, with two implementations that give the
 * same results: {@link #uring(int)} over an {@link IoUring}, and {@link #blocking()} over plain system
 * calls (the fallback where io_uring is unavailable). {@link #open()} picks the first that works.
 *
 * <p>Each call returns what the matching system call returns ({@code pread} may read less than asked,
 * 0 at end of file) and throws a {@link io.jnetfs.ffm.NativeIoException} on failure: an
 * {@link IoUringException} naming the opcode from the io_uring implementation, one naming the system
 * call from the blocking one, with the same errno. Batch calls report per entry (bytes or
 * {@code -errno}) instead of throwing.
 *
 * <p>Buffers are native segments owned by the caller and must stay alive until the call returns.
 * Implementations are thread-safe; the io_uring one serialises callers on its ring.
 */
public interface FileIo extends AutoCloseable {

    /**
     * @return an io_uring implementation with a 64-entry ring if {@link IoUring#isAvailable()}, else
     *     the blocking one
     * @throws IOException if the ring cannot be set up although io_uring is available
     */
    static FileIo open() throws IOException {
        return IoUring.isAvailable() ? uring(64) : blocking();
    }

    /** @return the implementation over plain system calls ({@code pread}, {@code pwritev2}, ...) */
    static FileIo blocking() {
        return BlockingFileIo.INSTANCE;
    }

    /**
     * @param entries SQ entries of the ring the implementation owns
     * @return the implementation over a new io_uring, closed by {@link #close()}
     * @throws IOException if the ring cannot be set up
     */
    static FileIo uring(int entries) throws IOException {
        return new UringFileIo(IoUring.open(entries));
    }

    /** @return {@code "io_uring"} or {@code "blocking"} */
    String kind();

    /**
     * {@code pread(fd, buf, buf.byteSize(), offset)}.
     *
     * @param fd an open descriptor
     * @param buf the native buffer to fill
     * @param offset file offset
     * @return bytes read: fewer than asked near the end of the file, 0 at or past it
     * @throws IOException if the read fails
     */
    long pread(int fd, MemorySegment buf, long offset) throws IOException;

    /**
     * {@code pwrite(fd, buf, buf.byteSize(), offset)}.
     *
     * @param fd an open descriptor
     * @param buf the native bytes to write
     * @param offset file offset
     * @return bytes written
     * @throws IOException if the write fails
     */
    long pwrite(int fd, MemorySegment buf, long offset) throws IOException;

    /**
     * {@code preadv(fd, iov, iovcnt, offset)}.
     *
     * @param fd an open descriptor
     * @param iov a native {@code struct iovec[]}
     * @param iovcnt entries to use
     * @param offset file offset
     * @return bytes read
     * @throws IOException if the read fails
     */
    long preadv(int fd, MemorySegment iov, int iovcnt, long offset) throws IOException;

    /**
     * {@code pwritev(fd, iov, iovcnt, offset)}.
     *
     * @param fd an open descriptor
     * @param iov a native {@code struct iovec[]}
     * @param iovcnt entries to use
     * @param offset file offset
     * @return bytes written
     * @throws IOException if the write fails
     */
    long pwritev(int fd, MemorySegment iov, int iovcnt, long offset) throws IOException;

    /**
     * {@code fsync(fd)}, or {@code fdatasync(fd)}.
     *
     * @param fd an open descriptor
     * @param dataOnly true for fdatasync
     * @throws IOException if it fails
     */
    void fsync(int fd, boolean dataOnly) throws IOException;

    /**
     * A write followed by a sync of the file, the sync only if the whole buffer was written (over
     * io_uring: a WRITE linked to an FSYNC, one submission).
     *
     * @param fd an open descriptor
     * @param buf the native bytes to write
     * @param offset file offset
     * @param dataOnly true for fdatasync semantics
     * @return bytes written; if fewer than {@code buf.byteSize()}, the file was not synced
     * @throws IOException if the write or the sync fails
     */
    long pwriteSync(int fd, MemorySegment buf, long offset, boolean dataOnly) throws IOException;

    /**
     * {@code fallocate(fd, mode, offset, length)}.
     *
     * @param fd an open descriptor
     * @param mode 0 or FALLOC_FL_* flags
     * @param offset start of the range
     * @param length length of the range
     * @throws IOException if it fails
     */
    void fallocate(int fd, int mode, long offset, long length) throws IOException;

    /**
     * {@code sendmsg(fd, msghdr, flags)}.
     *
     * @param fd a connected socket
     * @param msghdr a native {@code struct msghdr}
     * @param flags MSG_* flags
     * @return bytes sent
     * @throws IOException if it fails
     */
    long sendmsg(int fd, MemorySegment msghdr, int flags) throws IOException;

    /**
     * {@code recvmsg(fd, msghdr, flags)}.
     *
     * @param fd a connected socket
     * @param msghdr a native {@code struct msghdr}
     * @param flags MSG_* flags
     * @return bytes received, 0 at end of stream
     * @throws IOException if it fails
     */
    long recvmsg(int fd, MemorySegment msghdr, int flags) throws IOException;

    /**
     * Many positional reads of one file at once (over io_uring: one submission for the batch).
     *
     * @param fd an open descriptor
     * @param bufs the buffers, {@code count} used
     * @param offsets the file offset per buffer
     * @param results receives per entry the bytes read or {@code -errno}
     * @param count entries to read
     * @return how many entries failed (0 if none)
     */
    int preadBatch(int fd, MemorySegment[] bufs, long[] offsets, long[] results, int count);

    /** Releases what the implementation owns (the io_uring one closes its ring). Idempotent. */
    @Override
    void close();
}
