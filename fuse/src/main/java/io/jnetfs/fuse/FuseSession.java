package io.jnetfs.fuse;

import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.bvecq.IovecDescriptor;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A mounted FUSE filesystem being served: the mount, the transport, and the worker threads that read
 * requests and dispatch them to a {@link FuseFilesystem}.
 *
 * <pre>
 *   kernel ──/dev/fuse──▶ FuseChannel 0 ─▶ worker 0: FuseDispatcher ─▶ FuseFilesystem
 *          (cloned fds)──▶ FuseChannel 1 ─▶ worker 1: FuseDispatcher ─▶   (called concurrently)
 *                         ...                 └─ reply: ONE writev on the same channel
 * </pre>
 *
 * <p>{@link #mount} mounts ({@code mount(2)} as root, {@code fusermount3} otherwise, see
 * {@link FuseOptions.MountMethod}), starts the workers and returns once the kernel's INIT is answered,
 * so the mountpoint answers when it returns. The session ends when the filesystem is unmounted by
 * anyone ({@code umount}, {@code fusermount3 -u}, {@link #unmount(boolean)}): the device then reports
 * {@code ENODEV}, the workers exit and {@link FuseFilesystem#destroy()} is called once.
 * {@link #close()} unmounts (lazily if the mount is busy) and stops the workers.
 */
public final class FuseSession implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FuseSession.class.getName());
    /** How long a worker waits in one receive before it looks at the stop flag. */
    private static final int RECEIVE_TIMEOUT_MILLIS = 200;

    final FuseFilesystem fs;
    final FuseOptions options;
    final FuseStats stats = new FuseStats();
    final int defaultOpenFlags;
    private final FuseTransport transport;
    private final Path mountpoint;
    private final FuseOptions.MountMethod method;
    private final FolioPool pool;
    private final Arena arena = Arena.ofShared();
    private final List<FuseDispatcher> dispatchers = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private final CountDownLatch initDone = new CountDownLatch(1);
    private final CountDownLatch terminated;
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean mounted;
    private volatile FuseConnInfo conn;
    private volatile String initFailure;
    private volatile boolean stopping;

    private FuseSession(FuseFilesystem fs, FuseOptions options, FuseTransport transport, Path mountpoint,
            FuseOptions.MountMethod method) {
        this.fs = fs;
        this.options = options;
        this.transport = transport;
        this.mountpoint = mountpoint;
        this.method = method;
        this.mounted = new AtomicBoolean(mountpoint != null);
        this.defaultOpenFlags = options.directIo() ? FuseOpen.FOPEN_DIRECT_IO : 0;
        this.terminated = new CountDownLatch(options.threads());
        this.pool = new FolioPool((long) options.threads() * options.maxWrite() + (2L << 20));
    }

    /**
     * Mounts {@code fs} on {@code mountpoint} and serves it until it is unmounted or the session closed.
     *
     * @param mountpoint an existing directory
     * @param fs the filesystem
     * @param options the mount and serving options (copied)
     * @return the running session; the mountpoint answers already
     * @throws IOException if mounting fails (naming the call and errno, or fusermount3's failure) or the
     *     kernel's INIT does not come within {@link FuseOptions#initTimeout()}
     */
    public static FuseSession mount(Path mountpoint, FuseFilesystem fs, FuseOptions options) throws IOException {
        Objects.requireNonNull(fs, "fs");
        FuseOptions o = options.copy();
        Path mp = mountpoint.toAbsolutePath().normalize();
        FuseOptions.MountMethod method = FuseMount.resolve(o.mountMethod());
        int fd = FuseMount.mount(mp, o, method);
        FuseSession s = new FuseSession(fs, o, new DevFuseTransport(fd, o.cloneFd()), mp, method);
        s.startAndAwaitInit();
        return s;
    }

    /**
     * Serves {@code fs} over a transport that is already connected to a mount (another transport than
     * {@code /dev/fuse}, or a descriptor mounted elsewhere). The session does not unmount anything.
     *
     * @param transport the transport; the session closes it
     * @param fs the filesystem
     * @param options the serving options (copied)
     * @return the running session
     * @throws IOException if the channels cannot be opened or INIT does not come in time
     */
    public static FuseSession serve(FuseTransport transport, FuseFilesystem fs, FuseOptions options) throws IOException {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(fs, "fs");
        FuseSession s = new FuseSession(fs, options.copy(), transport, null, null);
        s.startAndAwaitInit();
        return s;
    }

    private void startAndAwaitInit() throws IOException {
        try {
            start();
            long timeout = options.initTimeout().toNanos();
            boolean done;
            try {
                done = initDone.await(timeout, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for the kernel's FUSE INIT", e);
            }
            if (initFailure != null) {
                throw new IOException("FUSE INIT failed: " + initFailure);
            }
            if (!done) {
                throw new IOException("no FUSE INIT from the kernel within " + options.initTimeout()
                        + (mountpoint != null ? " on " + mountpoint : ""));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void start() throws IOException {
        int maxWrite = options.maxWrite();
        int maxRequest = maxWrite + 4096; // fuse_in_header + fuse_write_in + max_write, page-rounded
        for (int i = 0; i < options.threads(); i++) {
            FuseChannel ch = transport.openChannel(i, maxRequest);
            MemorySegment head = arena.allocate(ReplyBuffer.HEAD_SIZE, 4096);
            MemorySegment iov = arena.allocate(ReplyBuffer.MAX_IOV * IovecDescriptor.SIZE, 64);
            Folio copy = pool.allocate(maxWrite);
            ReplyBuffer reply = new ReplyBuffer(head, iov, copy.segment().asSlice(0, maxWrite));
            FuseDispatcher d = new FuseDispatcher(this, ch, reply);
            dispatchers.add(d);
            Thread t = new Thread(() -> run(ch, d, copy), "fuse-" + options.subtype() + "-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        for (Thread t : workers) {
            t.start();
        }
    }

    private void run(FuseChannel ch, FuseDispatcher d, Folio copy) {
        int failures = 0;
        try {
            while (!stopping) {
                long n = ch.receive(RECEIVE_TIMEOUT_MILLIS);
                if (n == FuseChannel.TIMED_OUT) {
                    continue;
                }
                if (n < 0) {
                    if (n == -Errno.ENODEV || n == -Errno.ECONNABORTED) {
                        break; // unmounted, or the connection was aborted
                    }
                    LOG.log(System.Logger.Level.WARNING, "fuse: receive on " + transport.name() + " failed: "
                            + Errno.describe((int) -n));
                    if (++failures > 100) {
                        break;
                    }
                    continue;
                }
                failures = 0;
                d.handle(ch.requestBuffer(), n);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "fuse: worker " + Thread.currentThread().getName() + " stopped", t);
        } finally {
            ch.close();
            copy.put();
            terminated.countDown();
            if (terminated.getCount() == 0) {
                // every worker is gone: the connection is finished (unmounted) or the session closed
                mounted.set(false);
                destroyOnce();
                initDone.countDown();
            }
        }
    }

    // ---- called by the dispatchers ------------------------------------------------------------------

    boolean initialized() {
        return conn != null;
    }

    void initialized(FuseConnInfo c) {
        this.conn = c;
    }

    void initReplied() {
        initDone.countDown();
    }

    void initFailed(String why) {
        initFailure = why;
        initDone.countDown();
    }

    /** Marks request {@code unique} interrupted wherever a worker is serving it: whether one was. */
    boolean interrupt(long unique) {
        for (FuseDispatcher d : dispatchers) {
            if (d.req.interrupt(unique)) {
                return true;
            }
        }
        return false;
    }

    void destroyOnce() {
        if (destroyed.compareAndSet(false, true) && conn != null) {
            try {
                fs.destroy();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "fuse: destroy() threw", e);
            }
        }
    }

    // ---- public ---------------------------------------------------------------------------------------

    /**
     * Why this process cannot mount a FUSE filesystem with {@code method}, or {@code null} when it can: the
     * probe behind a {@code Require.feature("fuse", ...)} and behind a command that says why it cannot
     * mount. Opens {@code /dev/fuse} (and closes it); for {@code fusermount3} looks for it on PATH.
     *
     * @param method the mount method; {@link FuseOptions.MountMethod#AUTO} for the one that fits
     * @return the reason, such as {@code "/dev/fuse: ENOENT (No such file or directory)"}, or {@code null}
     */
    public static String unavailableReason(FuseOptions.MountMethod method) {
        try (Arena a = Arena.ofConfined()) {
            int fd = io.jnetfs.ffm.Native.open(a.allocateFrom("/dev/fuse"),
                    io.jnetfs.ffm.gen.LibC.O_RDWR() | io.jnetfs.ffm.gen.LibC.O_CLOEXEC(), 0);
            if (fd < 0) {
                return "/dev/fuse: " + Errno.describe(-fd) + " (modprobe fuse; in a container: --device /dev/fuse)";
            }
            io.jnetfs.ffm.Native.close(fd);
        }
        FuseOptions.MountMethod m = FuseMount.resolve(method);
        if (m == FuseOptions.MountMethod.SYSCALL && !FuseMount.isRoot()) {
            return "mount(2) needs root (uid=" + io.jnetfs.ffm.Native.getuid() + ")";
        }
        if (m == FuseOptions.MountMethod.FUSERMOUNT && FuseMount.findOnPath("fusermount3") == null) {
            return "fusermount3 is not on PATH (Debian package fuse3)";
        }
        return null;
    }

    /** @return the mountpoint, or {@code null} for a session made by {@link #serve} */
    public Path mountpoint() {
        return mountpoint;
    }

    /** @return what INIT negotiated, or {@code null} before it */
    public FuseConnInfo conn() {
        return conn;
    }

    /** @return the counters */
    public FuseStats stats() {
        return stats;
    }

    /** @return how the filesystem was mounted, or {@code null} for a session made by {@link #serve} */
    public FuseOptions.MountMethod mountMethod() {
        return method;
    }

    /** @return a one-line description: the transport, the threads and the negotiated protocol */
    public String describe() {
        FuseConnInfo c = conn;
        return transport.name() + ", " + options.threads() + " threads"
                + (c != null ? ", protocol " + c.protoMajor() + "." + c.protoMinor() + ", max_write=" + c.maxWrite() : "")
                + (method != null ? ", mounted with " + (method == FuseOptions.MountMethod.SYSCALL ? "mount(2)" : "fusermount3") : "");
    }

    /** @return whether the workers still serve (the mount has not ended and the session is not closed) */
    public boolean isRunning() {
        return terminated.getCount() > 0;
    }

    /**
     * Unmounts the filesystem. The workers go on serving what is still open after a lazy unmount and
     * exit once the kernel lets go of the connection ({@link #awaitTermination}).
     *
     * @param lazy detach even if busy ({@code MNT_DETACH}, {@code fusermount3 -u -z})
     * @throws IOException naming the errno, {@code EBUSY} when busy and not lazy
     */
    public void unmount(boolean lazy) throws IOException {
        if (mountpoint == null) {
            throw new IllegalStateException("this session did not mount anything");
        }
        int r = FuseMount.unmount(mountpoint, method, lazy);
        if (r < 0 && !(r == -Errno.EINVAL && !FuseMount.isMounted(mountpoint))) {
            throw Errors.ioException((method == FuseOptions.MountMethod.SYSCALL ? "umount2" : "fusermount3 -u")
                    + "(" + mountpoint + (lazy ? ", MNT_DETACH" : "") + ")", -r);
        }
        mounted.set(false);
    }

    /**
     * Waits until every worker has exited (the filesystem was unmounted, or the session closed).
     *
     * @param timeout how long to wait at most
     * @return whether they have
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Unmounts (lazily if busy: programs using the mount then get {@code ENOTCONN}), stops the workers
     * and releases the device and buffers. Bounded: waits a few seconds for the workers at most.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (mountpoint != null && mounted.get()) {
            int r = FuseMount.unmount(mountpoint, method, false);
            if (r < 0 && FuseMount.isMounted(mountpoint)) {
                r = FuseMount.unmount(mountpoint, method, true);
                if (r < 0) {
                    LOG.log(System.Logger.Level.WARNING, "fuse: unmounting " + mountpoint + " failed: " + Errno.describe(-r));
                }
            }
            mounted.set(false);
        }
        stopping = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : workers) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean allGone = workers.stream().noneMatch(Thread::isAlive);
        transport.close();
        destroyOnce();
        if (allGone) {
            // a worker stuck in a handler would still touch these: leave them to the GC's cleaner then
            pool.close();
            arena.close();
        } else {
            LOG.log(System.Logger.Level.WARNING, "fuse: workers still busy in handlers after close(): buffers kept");
        }
    }

    @Override
    public String toString() {
        return "FuseSession[" + (mountpoint != null ? mountpoint + ", " : "") + describe() + "]";
    }
}
