package io.jnetfs.p9.server;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * One server thread's pipe for sending Rread payloads without copying them: the file's page-cache
 * pages are spliced into the pipe (the pipe holds references to them), then from the pipe into the
 * socket (TCP takes the same references), so the bytes never enter user space.
 *
 * <pre>
 *   Tread:  splice(file, &amp;offset -&gt; pipe)    up to count bytes; fewer only at end of file
 *           (the count is known now: the Rread header is written with it)
 *   Rread:  sendmsg(header[11], MSG_MORE)      under the send lock
 *           splice(pipe -&gt; socket)             until the pipe is empty
 * </pre>
 *
 * <p>Each pipe slot holds at most one page, so a read of {@code count} bytes at {@code offset} needs
 * {@code ceil((offset % 4096 + count) / 4096)} slots: the main pipe is sized for the largest Rread
 * ({@code F_SETPIPE_SZ}, as far as allowed), an overflow pipe takes the slots beyond, and a request that
 * would still not fit takes the copying path ({@link #fits(long, long)}), so a splice never stops short
 * before end of file.
 *
 * <p>Confined to the thread that made it (its {@link Scratch}); {@link #close()} closes both ends.
 * If a send fails half way the pipe is left holding bytes, and {@link #reset()} makes a new one.
 */
final class SplicePipe implements AutoCloseable {
    /** {@code F_SETPIPE_SZ} ({@code F_LINUX_SPECIFIC_BASE + 7}, Linux 2.6.35). */
    static final int F_SETPIPE_SZ = LibC.F_SETPIPE_SZ();
    private static final int PAGE = 4096;
    private static final int SPLICE_F_MOVE = LibC.SPLICE_F_MOVE();
    private static final int SPLICE_F_NONBLOCK = LibC.SPLICE_F_NONBLOCK();
    private static final int SPLICE_F_MORE = LibC.SPLICE_F_MORE();

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /**
     * {@code ssize_t splice(int fd_in, loff_t *off_in, int fd_out, loff_t *off_out, size_t len,
     * unsigned flags)}: the generated address and descriptor with errno captured (which jextract does
     * not add; {@code Native} has no splice, and this is its only caller).
     */
    private static final MethodHandle SPLICE = LINKER.downcallHandle(LibC.splice$address(), LibC.splice$descriptor(),
            Linker.Option.captureCallState("errno"));

    private final Arena arena = Arena.ofConfined();
    /** In a shared arena, for the reason {@code BvecqIo} gives: no per-call slice left allocated by C2. */
    private final Arena callArena = Arena.ofShared();
    private final MemorySegment callState = callArena.allocate(CALL_STATE);
    private final MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
    private final MemorySegment offset = arena.allocate(ValueLayout.JAVA_LONG);
    private final int wantSize;
    /** The main pipe ({@code [0]}, sized with {@code F_SETPIPE_SZ}) and the overflow pipe ({@code [1]}). */
    private final int[] readFd = {-1, -1};
    private final int[] writeFd = {-1, -1};
    private final long[] held = new long[2];
    private long slots;

    private SplicePipe(int wantSize) {
        this.wantSize = wantSize;
    }

    /**
     * A pipe sized for Rreads of up to {@code maxCount} bytes at any offset, as far as this process
     * may size pipes.
     *
     * @return the pipe, or null when {@code pipe2} failed: the copying path is then taken
     */
    static SplicePipe open(int maxCount) {
        long pages = ((long) maxCount + PAGE - 1) / PAGE;
        SplicePipe p = new SplicePipe((int) Math.min(1L << 30, Long.highestOneBit(pages * PAGE * 2 - 1)));
        if (p.make() < 0) {
            p.close();
            return null;
        }
        return p;
    }

    /**
     * Makes the two pipes. A pipe is sized in whole slots of one page each and at most
     * {@code /proc/sys/fs/pipe-max-size} (1 MiB) without {@code CAP_SYS_RESOURCE}, so the largest
     * Rread (msize 1 MiB less its header, at an offset inside a page: 257 slots) may not fit one pipe:
     * what the main pipe cannot hold goes into the overflow pipe (default size, 16 slots).
     */
    private int make() {
        for (int i = 0; i < 2; i++) {
            int rc = Native.pipe2(fds, LibC.O_CLOEXEC());
            if (rc < 0) {
                closeFds();
                return rc;
            }
            readFd[i] = fds.get(ValueLayout.JAVA_INT, 0);
            writeFd[i] = fds.get(ValueLayout.JAVA_INT, 4);
            held[i] = 0;
        }
        // the size asked for, else the most an unprivileged process may ask (pipe-max-size), else the default
        int size = Native.fcntl(writeFd[0], F_SETPIPE_SZ, wantSize);
        if (size < 0 && wantSize > 1 << 20) {
            size = Native.fcntl(writeFd[0], F_SETPIPE_SZ, 1 << 20);
        }
        if (size < 0) {
            size = 16 * PAGE;
        }
        slots = size / PAGE + 16;
        return 0;
    }

    /** {@return whether {@code count} bytes at {@code offset} fit the pipes' slots} */
    boolean fits(long fileOffset, long count) {
        return ((fileOffset & (PAGE - 1)) + count + PAGE - 1) / PAGE <= slots;
    }

    /** {@return the bytes in the pipes} */
    long held() {
        return held[0] + held[1];
    }

    /**
     * Splices up to {@code count} bytes of {@code fd} at {@code fileOffset} into the (empty) pipes: the
     * main one until it is full, then the overflow one.
     *
     * @return the bytes now in the pipes (fewer than {@code count} only at end of file, or when the
     *     pipes are full: a request {@link #fits} makes them hold everything), 0 at end of file, or
     *     {@code -errno} with nothing moved ({@code -EINVAL}: this file cannot be spliced)
     */
    long fill(int fd, long fileOffset, long count) {
        reset();
        if (!usable()) {
            return -Errno.EINVAL;
        }
        offset.set(ValueLayout.JAVA_LONG, 0, fileOffset);
        long done = 0;
        int i = 0;
        while (done < count) {
            long n = splice(fd, offset, writeFd[i], MemorySegment.NULL, count - done, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
            if (n > 0) {
                done += n;
                held[i] += n;
            } else if (n == 0) {
                break; // end of file
            } else if (n == -Errno.EINTR) {
                continue;
            } else if (n == -Errno.EAGAIN && i == 0) {
                i = 1; // the main pipe is full
            } else if (done > 0) {
                break; // a short read is still a read; an error shows on the next
            } else {
                return n;
            }
        }
        return done;
    }

    /**
     * Splices everything in the pipes into {@code sock}.
     *
     * @return 0, or {@code -errno} ({@code -ETIMEDOUT} when {@code SO_SNDTIMEO} expired); the pipes then
     *     still hold bytes and are made anew by the next {@link #fill}
     */
    int drainTo(int sock) {
        for (int i = 0; i < 2; i++) {
            while (held[i] > 0) {
                // SPLICE_F_MORE while the overflow pipe still has bytes to follow
                int more = i == 0 && held[1] > 0 ? SPLICE_F_MORE : 0;
                long n = splice(readFd[i], MemorySegment.NULL, sock, MemorySegment.NULL, held[i], SPLICE_F_MOVE | more);
                if (n > 0) {
                    held[i] -= n;
                } else if (n == -Errno.EINTR) {
                    continue;
                } else if (n == -Errno.EAGAIN) {
                    return -Errno.ETIMEDOUT;
                } else {
                    return n == 0 ? -Errno.EPIPE : (int) n;
                }
            }
        }
        return 0;
    }

    /** Makes new, empty pipes if these still hold bytes (a send failed half way). */
    void reset() {
        if (held() > 0) {
            closeFds();
            make();
        }
    }

    /** {@return whether the pipes can be used (a {@link #reset()} may have failed to make new ones)} */
    boolean usable() {
        return readFd[0] >= 0 && readFd[1] >= 0;
    }

    private long splice(int fdIn, MemorySegment offIn, int fdOut, MemorySegment offOut, long len, int flags) {
        try {
            long r = (long) SPLICE.invokeExact(callState, fdIn, offIn, fdOut, offOut, len, flags);
            return r == -1 ? -(int) ERRNO.get(callState, 0L) : r;
        } catch (Throwable t) {
            throw new AssertionError("splice downcall failed unexpectedly", t);
        }
    }

    private void closeFds() {
        for (int i = 0; i < 2; i++) {
            if (readFd[i] >= 0) {
                Native.close(readFd[i]);
                readFd[i] = -1;
            }
            if (writeFd[i] >= 0) {
                Native.close(writeFd[i]);
                writeFd[i] = -1;
            }
            held[i] = 0;
        }
    }

    @Override
    public void close() {
        closeFds();
        arena.close();
        callArena.close();
    }
}
