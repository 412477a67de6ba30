package io.jnetfs.bvecq;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.msghdr;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Vectored system calls on bvecq iterator ranges: {@code writev}, {@code readv}, {@code pwritev2},
 * {@code preadv2}, and {@code sendmsg}/{@code recvmsg} of [header, chain range, trailer] as ONE
 * message.
 *
 * <p>Each call loops until the whole range is transferred: over short transfers, over
 * {@link IovecDescriptor#IOV_MAX} entries, and over {@code EINTR}; the iterator is advanced by what
 * was transferred. On a non-blocking descriptor, {@code EAGAIN} is a result, not an exception: the call
 * returns the bytes transferred so far, or {@link #WOULD_BLOCK} if none. Any other failure throws a
 * {@link io.jnetfs.ffm.NativeIoException} naming the call, the descriptor and the errno. A read that
 * meets end of file or end of stream returns the bytes transferred before it.
 *
 * <p>An instance owns a scratch iovec array and a {@code msghdr} in native memory, reused by every call:
 * the calls allocate nothing. Not thread-safe: one per thread. {@link #close()} frees them.
 */
public final class BvecqIo implements AutoCloseable {
    /** The result of a call on a non-blocking descriptor that could transfer nothing ({@code -EAGAIN}). */
    public static final long WOULD_BLOCK = -Errno.EAGAIN;

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final long MSG_IOV = msghdr.msg_iov$offset();
    private static final long MSG_IOVLEN = msghdr.msg_iovlen$offset();

    private final Arena arena = Arena.ofShared();
    private final MemorySegment iov = arena.allocate(IovecDescriptor.IOV_MAX * IovecDescriptor.SIZE, 64);
    private final long iovAddress = iov.address();
    private final MemorySegment msg = arena.allocate(msghdr.layout());
    private final long msgAddress = msg.address();
    /**
     * Where this instance's downcalls leave errno: one per instance, as the instance is one per thread.
     * In this instance's shared arena, not an automatic one ({@code Native.newCallState()}): with an
     * automatic or the global arena, C2 left the JDK's per-call slice of the capture segment allocated
     * in some compilations (40 bytes per {@code pwritev2} on the server's Twrite path, 3 runs in 4 of
     * {@code theDataPathAllocatesNothing}); with a shared one it did not in 10 of 10, for about 10 ns
     * more per call (the arena's acquire and release).
     */
    private final MemorySegment callState = arena.allocate(Linker.Option.captureStateLayout());
    private long sendmsgCalls;
    private long recvmsgCalls;
    private long syscalls;
    private boolean closed;

    /** Allocates the scratch iovec array and msghdr. */
    public BvecqIo() {
    }

    /** @return how many {@code sendmsg} system calls this instance has made */
    public long sendmsgCalls() {
        return sendmsgCalls;
    }

    /** @return how many {@code recvmsg} system calls this instance has made */
    public long recvmsgCalls() {
        return recvmsgCalls;
    }

    /** @return how many system calls of any kind this instance has made */
    public long syscalls() {
        return syscalls;
    }

    /**
     * Writes {@code len} bytes of {@code it} at the file position of {@code fd}.
     *
     * @return bytes written, or {@link #WOULD_BLOCK}
     */
    public long writev(int fd, BvecqIter it, long len) throws IOException {
        checkOpen();
        checkLen(it, len);
        // the common case, the whole range in one call, without the loop: C2 inlines this much into
        // the caller, and every call frame between two system calls shows in the per-call cost
        if (len > 0 && it.nextIov(len) > 0 && it.iovBytes() == len) {
            long r = Native.writevAddress(callState, fd, it.iovAddress(), it.iovCount());
            syscalls++;
            if (r == len) {
                it.advance(r);
                return r;
            }
            if (r > 0) {
                it.advance(r);
                return vectored(fd, it, len, -1, 0, OP_WRITEV, r);
            }
            long stop = vectoredRare(fd, it.iovCount(), -1, 0, r, OP_WRITEV);
            if (stop != CONTINUE) {
                return stop;
            }
        }
        return vectored(fd, it, len, -1, 0, OP_WRITEV, 0);
    }

    /**
     * Reads up to {@code len} bytes into {@code it} at the file position of {@code fd}.
     *
     * @return bytes read (fewer at end of file), or {@link #WOULD_BLOCK}
     */
    public long readv(int fd, BvecqIter it, long len) throws IOException {
        return vectored(fd, it, len, -1, 0, OP_READV, 0);
    }

    /**
     * Writes {@code len} bytes of {@code it} at file offset {@code offset} with {@code RWF_*} flags.
     *
     * @return bytes written, or {@link #WOULD_BLOCK}
     */
    public long pwritev2(int fd, BvecqIter it, long len, long offset, int flags) throws IOException {
        checkOffset(offset);
        return vectored(fd, it, len, offset, flags, OP_PWRITEV2, 0);
    }

    /**
     * Reads up to {@code len} bytes into {@code it} from file offset {@code offset}.
     *
     * @return bytes read (fewer at end of file), or {@link #WOULD_BLOCK}
     */
    public long preadv2(int fd, BvecqIter it, long len, long offset, int flags) throws IOException {
        checkOffset(offset);
        return vectored(fd, it, len, offset, flags, OP_PREADV2, 0);
    }

    private static final int OP_WRITEV = 0;
    private static final int OP_READV = 1;
    private static final int OP_PWRITEV2 = 2;
    private static final int OP_PREADV2 = 3;
    private static final String[] OP_NAMES = {"writev", "readv", "pwritev2", "preadv2"};

    /** Transfers {@code len - done} more bytes of {@code it}; {@code done} were transferred already. */
    private long vectored(int fd, BvecqIter it, long len, long offset, int flags, int op, long done)
            throws IOException {
        checkOpen();
        checkLen(it, len - done);
        // kept small enough for C2 to inline into the caller: after a system call returns, every
        // further call and return costs more than usual (branch predictors refilled on this kernel), so
        // the common case is one loop around the downcall and the rare cases live in vectoredRare
        while (done < len) {
            int n = it.nextIov(len - done);
            long r = vectoredCall(fd, it.iovAddress(), n, offset < 0 ? offset : offset + done, flags, op);
            syscalls++;
            if (r > 0) {
                it.advance(r);
                done += r;
            } else {
                long stop = vectoredRare(fd, n, offset, done, r, op);
                if (stop != CONTINUE) {
                    return stop;
                }
            }
        }
        return done;
    }

    private long vectoredCall(int fd, long addr, int n, long offset, int flags, int op) {
        return switch (op) {
            case OP_WRITEV -> Native.writevAddress(callState, fd, addr, n);
            case OP_READV -> Native.readvAddress(callState, fd, addr, n);
            case OP_PWRITEV2 -> Native.pwritev2Address(callState, fd, addr, n, offset, flags);
            default -> Native.preadv2Address(callState, fd, addr, n, offset, flags);
        };
    }

    /** {@link #vectored} got {@code r <= 0}: the bytes to return, or {@link #CONTINUE} to call again. */
    private static long vectoredRare(int fd, int n, long offset, long done, long r, int op) throws IOException {
        if (r == 0) {
            if (op == OP_READV || op == OP_PREADV2) {
                return done; // end of file
            }
            throw new IOException(OP_NAMES[op] + "(fd=" + fd + ", iovcnt=" + n + ") wrote 0 bytes");
        } else if (r == -Errno.EINTR) {
            return CONTINUE;
        } else if (r == -Errno.EAGAIN) {
            return done > 0 ? done : WOULD_BLOCK;
        }
        throw Errors.ioException(OP_NAMES[op] + "(fd=" + fd + ", iovcnt=" + n
                + (offset >= 0 ? ", offset=" + (offset + done) : "") + ")", (int) -r);
    }

    /** Not a byte count and not {@link #WOULD_BLOCK}: go round again. */
    private static final long CONTINUE = Long.MIN_VALUE;

    /**
     * Sends {@code header}, {@code len} bytes of {@code it} and {@code trailer} as one message: one
     * {@code sendmsg} when the socket takes it all and the range needs at most IOV_MAX - 2 entries.
     *
     * @param header native memory sent first, or {@code null}
     * @param trailer native memory sent last, or {@code null}
     * @param flags {@code MSG_*} flags ({@code MSG_NOSIGNAL} is always added)
     * @return bytes sent in all (header and trailer included), or {@link #WOULD_BLOCK}
     */
    public long sendmsg(int fd, MemorySegment header, BvecqIter it, long len, MemorySegment trailer, int flags)
            throws IOException {
        return message(fd, header, it, len, trailer, flags | MSG_NOSIGNAL, true);
    }

    /**
     * Receives into {@code header}, then {@code len} bytes into {@code it}, then {@code trailer}, as one
     * message: the data lands straight in the chain's memory.
     *
     * @return bytes received in all; fewer than asked at end of stream; or {@link #WOULD_BLOCK}
     */
    public long recvmsg(int fd, MemorySegment header, BvecqIter it, long len, MemorySegment trailer, int flags)
            throws IOException {
        return message(fd, header, it, len, trailer, flags, false);
    }

    private static final int MSG_NOSIGNAL = io.jnetfs.ffm.gen.LibC.MSG_NOSIGNAL();

    private long message(int fd, MemorySegment header, BvecqIter it, long len, MemorySegment trailer, int flags,
                         boolean send) throws IOException {
        checkOpen();
        checkLen(it, len);
        long hLen = header == null ? 0 : requireNative(header).byteSize();
        long tLen = trailer == null ? 0 : requireNative(trailer).byteSize();
        long hDone = 0;
        long dDone = 0;
        long tDone = 0;
        long total = hLen + len + tLen;
        long done = 0;
        while (done < total) {
            int e = 0;
            if (hDone < hLen) {
                IovecDescriptor.set(iov, e++, header.address() + hDone, hLen - hDone);
            }
            long dataDescribed = 0;
            if (dDone < len) {
                int room = IovecDescriptor.IOV_MAX - e - (tLen > tDone ? 1 : 0);
                e += it.gather(iov, e, room, len - dDone);
                dataDescribed = it.iovBytes();
            }
            if (tDone < tLen && dDone + dataDescribed == len) {
                IovecDescriptor.set(iov, e++, trailer.address() + tDone, tLen - tDone);
            }
            msg.fill((byte) 0);
            msg.set(WORD, MSG_IOV, iovAddress);
            msg.set(WORD, MSG_IOVLEN, e);
            long r;
            if (send) {
                r = Native.sendmsgAddress(callState, fd, msgAddress, flags);
                sendmsgCalls++;
            } else {
                r = Native.recvmsgAddress(callState, fd, msgAddress, flags);
                recvmsgCalls++;
            }
            syscalls++;
            if (r > 0) {
                long left = r;
                long h = Math.min(left, hLen - hDone);
                hDone += h;
                left -= h;
                long d = Math.min(left, len - dDone);
                if (d > 0) {
                    it.advance(d);
                    dDone += d;
                    left -= d;
                }
                tDone += left;
                done += r;
            } else if (r == 0) {
                if (!send) {
                    break; // end of stream
                }
                throw new IOException("sendmsg(fd=" + fd + ", iovcnt=" + e + ") sent 0 bytes");
            } else if (r == -Errno.EINTR) {
                continue;
            } else if (r == -Errno.EAGAIN) {
                return done > 0 ? done : WOULD_BLOCK;
            } else {
                throw Errors.ioException((send ? "sendmsg" : "recvmsg") + "(fd=" + fd + ", iovcnt=" + e + ")", (int) -r);
            }
        }
        return done;
    }

    private static MemorySegment requireNative(MemorySegment m) {
        if (!m.isNative()) {
            throw new IllegalArgumentException("header and trailer must be native memory");
        }
        return m;
    }

    private static void checkLen(BvecqIter it, long len) {
        if (len < 0 || len > it.count()) {
            throw new IllegalArgumentException("invalid len=" + len + " for iterator count=" + it.count());
        }
    }

    private static void checkOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("invalid offset=" + offset);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("BvecqIo is closed");
        }
    }

    /** Frees the scratch memory. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
