package io.jnetfs.uring;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;

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
 * The chain operations take a bvecq iterator range: over io_uring each step is one READV, WRITEV,
 * SENDMSG or RECVMSG SQE on the chain's own iovec array ({@link BvecqUring}); over plain system calls,
 * one {@code preadv2}, {@code pwritev2}, {@code sendmsg} or {@code recvmsg} on the same array. Both
 * loop until the whole range is transferred (fewer bytes only at end of file or stream) and advance
 * the iterator by what was transferred. Descriptors are expected in blocking mode.
 *
 * <p>Implementations are thread-safe: concurrent callers never wait for each other's I/O (the
 * io_uring one gives each concurrent call a ring of its own). The owner closes an instance.
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

    /** @return a new implementation over plain system calls ({@code pread}, {@code pwritev2}, ...) */
    static FileIo blocking() {
        return new BlockingFileIo();
    }

    /**
     * @param entries SQ entries of each ring the implementation owns (one per concurrent caller)
     * @return the implementation over io_uring, whose rings {@link #close()} closes
     * @throws IOException if the ring cannot be set up
     */
    static FileIo uring(int entries) throws IOException {
        return new UringFileIo(entries);
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

    /**
     * Reads {@code len} bytes from file offset {@code offset} into the chain range at {@code it}.
     *
     * @param fd an open descriptor
     * @param chain the chain {@code it} walks
     * @param it the iterator at the first byte to fill; advanced by the bytes read
     * @param len bytes to read, at most {@code it.count()}
     * @param offset file offset, at least 0
     * @return bytes read: {@code len}, or fewer at end of file
     * @throws IOException if a read fails
     */
    long preadv(int fd, BvecqBuffer chain, BvecqIter it, long len, long offset) throws IOException;

    /**
     * Writes {@code len} bytes of the chain range at {@code it} at file offset {@code offset}.
     *
     * @param fd an open descriptor
     * @param chain the chain {@code it} walks
     * @param it the iterator at the first byte to write; advanced by the bytes written
     * @param len bytes to write, at most {@code it.count()}
     * @param offset file offset, at least 0
     * @return {@code len}
     * @throws IOException if a write fails
     */
    long pwritev(int fd, BvecqBuffer chain, BvecqIter it, long len, long offset) throws IOException;

    /**
     * Sends {@code len} bytes of the chain range at {@code it}.
     *
     * @param fd a connected socket
     * @param chain the chain {@code it} walks
     * @param it the iterator; advanced by the bytes sent
     * @param len bytes to send
     * @param flags MSG_* flags
     * @return {@code len}
     * @throws IOException if a send fails
     */
    long sendmsg(int fd, BvecqBuffer chain, BvecqIter it, long len, int flags) throws IOException;

    /**
     * Receives {@code len} bytes into the chain range at {@code it}.
     *
     * @param fd a connected socket
     * @param chain the chain {@code it} walks
     * @param it the iterator; advanced by the bytes received
     * @param len bytes to receive
     * @param flags MSG_* flags
     * @return {@code len}, or fewer at end of stream
     * @throws IOException if a receive fails
     */
    long recvmsg(int fd, BvecqBuffer chain, BvecqIter it, long len, int flags) throws IOException;

    /** Releases what the implementation owns (the io_uring one closes its ring). Idempotent. */
    @Override
    void close();
}
