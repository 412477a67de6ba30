package io.jnetfs.p9.server;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIo;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.iovec;
import io.jnetfs.ffm.gen.msghdr;
import io.jnetfs.ffm.gen.open_how;
import io.jnetfs.ffm.gen.stat;
import io.jnetfs.ffm.gen.statfs;
import io.jnetfs.ffm.gen.timespec;
import io.jnetfs.p9.P9Descriptor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The native scratch memory of one server thread (a connection's reader or one of its workers): the
 * {@code struct stat}, {@code struct statfs}, {@code struct open_how}, two timespecs, NUL-terminated
 * copies of names and paths, the {@code getdents64} buffer, a {@code msghdr} with one iovec for small
 * replies, and the thread's {@link BvecqIo} and {@link BvecqIter} for the data path.
 *
 * <p>Confined to the thread that made it, which closes it when it ends. Nothing here allocates after
 * construction.
 */
final class Scratch implements AutoCloseable {
    /** {@code PATH_MAX}: the longest path (with its NUL) the kernel takes. */
    static final int PATH_MAX = 4096;
    /** Size of the {@code getdents64} buffer. */
    static final int DENTS_SIZE = 64 << 10;

    static final long ST_DEV = stat.st_dev$offset();
    static final long ST_INO = stat.st_ino$offset();
    static final long ST_NLINK = stat.st_nlink$offset();
    static final long ST_MODE = stat.st_mode$offset();
    static final long ST_UID = stat.st_uid$offset();
    static final long ST_GID = stat.st_gid$offset();
    static final long ST_RDEV = stat.st_rdev$offset();
    static final long ST_SIZE = stat.st_size$offset();
    static final long ST_BLKSIZE = stat.st_blksize$offset();
    static final long ST_BLOCKS = stat.st_blocks$offset();
    static final long ST_ATIM = stat.st_atim$offset();
    static final long ST_MTIM = stat.st_mtim$offset();
    static final long ST_CTIM = stat.st_ctim$offset();
    static final long TV_SEC = timespec.tv_sec$offset();
    static final long TV_NSEC = timespec.tv_nsec$offset();
    static final long TIMESPEC_SIZE = timespec.sizeof();

    private static final int MSG_NOSIGNAL = LibC.MSG_NOSIGNAL();
    /** Send flag: more data follows (the header of a spliced Rread). */
    static final int MSG_MORE = LibC.MSG_MORE();
    /** Receive flags: wait for everything asked (the receive tick still bounds the wait). */
    static final int MSG_WAITALL = LibC.MSG_WAITALL();
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG;

    private final Arena arena = Arena.ofConfined();
    /**
     * Where this thread's {@code sendmsg}/{@code recvmsg} leave errno: in a shared arena, as
     * {@code BvecqIo} keeps its own (with the thread-local automatic one, C2 left the JDK's slice of
     * the capture segment allocated in some compilations).
     */
    private final Arena callArena = Arena.ofShared();
    private final MemorySegment callState = callArena.allocate(java.lang.foreign.Linker.Option.captureStateLayout());
    /** The data path: preadv2/pwritev2/sendmsg/recvmsg over bvecq iterators. */
    final BvecqIo io = new BvecqIo();
    /** The iterator the data path describes its buffers with. */
    final BvecqIter iter = new BvecqIter();
    /** A {@code struct stat}. */
    final MemorySegment statBuf = arena.allocate(stat.layout());
    /** A {@code struct statfs}. */
    final MemorySegment statfsBuf = arena.allocate(statfs.layout());
    /** A {@code struct open_how}. */
    final MemorySegment how = arena.allocate(open_how.layout());
    /** {@code struct timespec times[2]} for {@code utimensat}. */
    final MemorySegment times = arena.allocate(2 * TIMESPEC_SIZE, 8);
    /** A NUL-terminated name or path. */
    final MemorySegment name = arena.allocate(PATH_MAX + 1);
    /** A second NUL-terminated name (renameat, symlink target). */
    final MemorySegment name2 = arena.allocate(PATH_MAX + 1);
    /** The decimal name of a descriptor under {@code /proc/self/fd}. */
    final MemorySegment procName = arena.allocate(16);
    /** Where {@code readlinkat} puts a target. */
    final MemorySegment link = arena.allocate(PATH_MAX);
    /** {@code getdents64} records. */
    final MemorySegment dents = arena.allocate(DENTS_SIZE, 8);
    private final MemorySegment msg = arena.allocate(msghdr.layout());
    private final long msgAddress = msg.address();
    private final MemorySegment iov = arena.allocate(iovec.layout());
    private final long iovAddress = iov.address();
    private final long iovBase = iovec.iov_base$offset();
    private final long iovLen = iovec.iov_len$offset();

    /** The errno of an operation that returned null. */
    int errno;
    /** The qid version of the last fid an operation made (Rwalk, Rlopen). */
    int qidVersion;
    /** Where an Rread's data is: the request's data buffer, or the export's own memory (ctl zero). */
    BvecqBuffer readChain;
    /** The bytes of an Rread's data. */
    long readCount;
    /** Whether the Rread's data waits in {@link #pipe} (spliced from the file) rather than in {@link #readChain}. */
    boolean readSpliced;
    /** This thread's pipe for spliced Rreads, made on first use; null before, or when splice is unavailable. */
    private SplicePipe pipe;
    private boolean pipeTried;
    /** The size of a reply encoded in the data buffer (Rreaddir). */
    int dataReplySize;
    /** Twalk: where each name starts in the request, and the qids walked. */
    final long[] walkNameAt = new long[P9Descriptor.MAXWELEM];
    final int[] walkQidType = new int[P9Descriptor.MAXWELEM];
    final int[] walkQidVersion = new int[P9Descriptor.MAXWELEM];
    final long[] walkQidPath = new long[P9Descriptor.MAXWELEM];
    /** An Rflush or Rlerror sent apart from a request's buffer. */
    final MemorySegment reply = arena.allocate(16);

    Scratch() {
        msg.set(WORD, msghdr.msg_iov$offset(), iovAddress);
        msg.set(WORD, msghdr.msg_iovlen$offset(), 1L);
    }

    /**
     * Sends {@code len} bytes from {@code address} whole: {@code sendmsg} with {@code MSG_NOSIGNAL}, looped
     * over short sends.
     *
     * @return 0, or {@code -ETIMEDOUT} when {@code SO_SNDTIMEO} expired, or {@code -errno}
     */
    int send(int fd, long address, long len) {
        return send(fd, address, len, 0);
    }

    /**
     * {@link #send(int, long, long)} with more flags: {@link #MSG_MORE} for a header whose data follows
     * by {@code splice}, so TCP sends them in the same segments.
     */
    int send(int fd, long address, long len, int flags) {
        long done = 0;
        while (done < len) {
            iov.set(WORD, iovBase, address + done);
            iov.set(WORD, iovLen, len - done);
            long r = Native.sendmsgAddress(callState, fd, msgAddress, MSG_NOSIGNAL | flags);
            if (r > 0) {
                done += r;
            } else if (r == -Errno.EINTR) {
                continue;
            } else if (r == -Errno.EAGAIN) {
                return -Errno.ETIMEDOUT;
            } else {
                return r == 0 ? -Errno.EPIPE : (int) r;
            }
        }
        return 0;
    }

    /**
     * One {@code recvmsg} of {@code len} bytes into {@code address} with {@code MSG_WAITALL}: they all
     * arrive in one call unless the receive tick ({@code SO_RCVTIMEO}) expires first.
     *
     * @return bytes received (fewer than {@code len} when the tick expired), 0 at end of stream,
     *     {@code -EAGAIN} when the tick expired with nothing, or {@code -errno}
     */
    long recvOnce(int fd, long address, long len) {
        iov.set(WORD, iovBase, address);
        iov.set(WORD, iovLen, len);
        long r;
        do {
            r = Native.recvmsgAddress(callState, fd, msgAddress, MSG_WAITALL);
        } while (r == -Errno.EINTR);
        return r;
    }

    /**
     * Whether bytes wait to be received on {@code fd}: a {@code recvmsg} of one byte with
     * {@code MSG_PEEK | MSG_DONTWAIT}, which takes nothing.
     */
    boolean pending(int fd) {
        iov.set(WORD, iovBase, peek.address());
        iov.set(WORD, iovLen, 1L);
        long r;
        do {
            r = Native.recvmsgAddress(callState, fd, msgAddress, MSG_PEEK | MSG_DONTWAIT);
        } while (r == -Errno.EINTR);
        return r > 0;
    }

    private static final int MSG_PEEK = LibC.MSG_PEEK();
    private static final int MSG_DONTWAIT = LibC.MSG_DONTWAIT();

    /**
     * Copies {@code len} bytes at {@code off} of {@code src} into {@code dst} with a NUL after them.
     *
     * @return {@code dst}
     */
    static MemorySegment cString(MemorySegment src, long off, int len, MemorySegment dst) {
        MemorySegment.copy(src, off, dst, 0, len);
        dst.set(ValueLayout.JAVA_BYTE, len, (byte) 0);
        return dst;
    }

    /**
     * Writes the decimal digits of {@code fd} and a NUL into {@link #procName}: the name of the
     * descriptor under {@code /proc/self/fd}.
     *
     * @return {@link #procName}
     */
    MemorySegment procName(int fd) {
        int digits = 1;
        for (int v = fd; v >= 10; v /= 10) {
            digits++;
        }
        int v = fd;
        for (int i = digits - 1; i >= 0; i--) {
            procName.set(ValueLayout.JAVA_BYTE, i, (byte) ('0' + v % 10));
            v /= 10;
        }
        procName.set(ValueLayout.JAVA_BYTE, digits, (byte) 0);
        return procName;
    }

    /** An empty path, for the {@code AT_EMPTY_PATH} calls. */
    final MemorySegment empty = arena.allocate(1);
    /** Where {@link #pending} peeks. */
    private final MemorySegment peek = arena.allocate(1);

    /** Fills {@link #how} for {@code openat2}. */
    MemorySegment how(int flags, int mode, long resolve) {
        open_how.flags(how, flags & 0xFFFFFFFFL);
        open_how.mode(how, mode & 0xFFFFFFFFL);
        open_how.resolve(how, resolve);
        return how;
    }

    /**
     * This thread's splice pipe, sized for Rreads of up to {@code maxCount} bytes; made on first use.
     *
     * @return the pipe, or null if this system cannot splice (then never tried again on this thread)
     */
    SplicePipe pipe(int maxCount) {
        if (!pipeTried) {
            pipeTried = true;
            pipe = SplicePipe.open(maxCount);
        }
        return pipe;
    }

    /** {@return the pipe {@link #readSpliced} refers to} */
    SplicePipe pipe() {
        return pipe;
    }

    @Override
    public void close() {
        if (pipe != null) {
            pipe.close();
        }
        iter.close();
        io.close();
        arena.close();
        callArena.close();
    }
}
