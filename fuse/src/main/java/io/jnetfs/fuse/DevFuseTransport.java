package io.jnetfs.fuse;

import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.pollfd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code /dev/fuse} transport: each channel {@code read}s whole requests from a descriptor of the
 * FUSE connection into a page-aligned buffer from a {@link FolioPool}, and answers each with one
 * {@code writev} on the same descriptor.
 *
 * <p>Channel 0 uses the session's descriptor (the one mounted); each further channel opens
 * {@code /dev/fuse} again and attaches it to the same connection with {@code FUSE_DEV_IOC_CLONE}, so
 * every worker has its own queue of requests being processed and replies never contend on one file
 * (falling back to the session's descriptor where the ioctl fails). Descriptors are non-blocking: a read
 * that finds nothing waits in {@code poll} for at most the caller's timeout, so workers notice a stop.
 *
 * <p>Owns the session descriptor: {@link #close()} closes it, which ends the connection if the kernel
 * still has it (the mount then answers {@code ENOTCONN}).
 */
public final class DevFuseTransport implements FuseTransport {
    private static final int POLLIN = LibC.POLLIN();
    private static final long FUSE_DEV_IOC_CLONE = LibC.FUSE_DEV_IOC_CLONE();

    private final int fd;
    private final boolean cloneFd;
    private final FolioPool pool = new FolioPool(256L << 20);
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Takes over a descriptor of an open {@code /dev/fuse} that a mount is attached to.
     *
     * @param fd the session descriptor; closed by {@link #close()}
     * @param cloneFd whether channels after the first get cloned descriptors of their own
     */
    public DevFuseTransport(int fd, boolean cloneFd) {
        if (fd < 0) {
            throw new IllegalArgumentException("invalid fd=" + fd);
        }
        this.fd = fd;
        this.cloneFd = cloneFd;
    }

    /** @return the session descriptor */
    public int fd() {
        return fd;
    }

    @Override
    public String name() {
        return cloneFd ? "/dev/fuse (cloned fd per thread)" : "/dev/fuse";
    }

    @Override
    public FuseChannel openChannel(int index, int maxRequest) throws IOException {
        if (closed.get()) {
            throw new IOException("DevFuseTransport is closed");
        }
        int chFd = fd;
        boolean own = false;
        if (index > 0 && cloneFd) {
            int c = cloneOf(fd);
            if (c >= 0) {
                chFd = c;
                own = true;
            }
        }
        int fl = Native.fcntl(chFd, LibC.F_GETFL(), 0);
        if (fl >= 0) {
            Native.fcntl(chFd, LibC.F_SETFL(), fl | LibC.O_NONBLOCK());
        }
        return new Channel(chFd, own, pool.allocate(Math.max(maxRequest, 8192)));
    }

    /** Opens {@code /dev/fuse} and attaches it to {@code fd}'s connection: the new descriptor, or {@code -errno}. */
    static int cloneOf(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int c = Native.open(a.allocateFrom("/dev/fuse"), LibC.O_RDWR() | LibC.O_CLOEXEC(), 0);
            if (c < 0) {
                return c;
            }
            MemorySegment arg = a.allocate(ValueLayout.JAVA_INT);
            arg.set(ValueLayout.JAVA_INT, 0, fd);
            int r = Native.ioctl(c, FUSE_DEV_IOC_CLONE, arg);
            if (r < 0) {
                Native.close(c);
                return r;
            }
            return c;
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Native.close(fd);
        }
    }

    /** One worker's descriptor and request buffer. */
    private final class Channel implements FuseChannel {
        private final int chFd;
        private final boolean ownFd;
        private final Folio folio;
        private final MemorySegment buf;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment pfd = arena.allocate(pollfd.layout());
        private final MemorySegment callState = arena.allocate(java.lang.foreign.Linker.Option.captureStateLayout());
        private boolean done;

        Channel(int chFd, boolean ownFd, Folio folio) {
            this.chFd = chFd;
            this.ownFd = ownFd;
            this.folio = folio;
            this.buf = folio.segment();
            pollfd.fd(pfd, chFd);
            pollfd.events(pfd, (short) POLLIN);
        }

        @Override
        public long receive(int timeoutMillis) {
            for (int attempt = 0; ; attempt++) {
                long n = Native.read(chFd, buf, buf.byteSize());
                if (n >= 0) {
                    return n;
                }
                if (n == -Errno.EINTR || n == -Errno.ENOENT) {
                    continue; // a signal, or a request interrupted before we read it: read again
                }
                if (n != -Errno.EAGAIN) {
                    return n;
                }
                if (attempt > 0) {
                    return TIMED_OUT;
                }
                pollfd.revents(pfd, (short) 0);
                int p = Native.poll(pfd, 1, timeoutMillis);
                if (p == 0) {
                    return TIMED_OUT;
                }
                if (p < 0 && p != -Errno.EINTR) {
                    return p;
                }
            }
        }

        @Override
        public MemorySegment requestBuffer() {
            return buf;
        }

        @Override
        public int send(long iovAddress, int iovCount, long len) {
            long r = Native.writevAddress(callState, chFd, iovAddress, iovCount);
            if (r == len) {
                return 0;
            }
            return r < 0 ? (int) r : -Errno.EIO; // /dev/fuse takes a reply whole or not at all
        }

        @Override
        public void close() {
            if (done) {
                return;
            }
            done = true;
            if (ownFd) {
                Native.close(chFd);
            }
            folio.put();
            arena.close();
        }
    }
}
