package io.jnetfs.fuse.uring;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.fuse.DevFuseTransport;
import io.jnetfs.fuse.FuseChannel;
import io.jnetfs.fuse.FuseConnInfo;
import io.jnetfs.fuse.FuseOptions;
import io.jnetfs.fuse.FuseTransport;
import io.jnetfs.uring.IoUring;
import io.jnetfs.uring.IoUringFeatures;
import io.jnetfs.uring.Opcode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * FUSE over io_uring beside {@code /dev/fuse}: the transport of {@code --fuse-transport auto|io-uring}.
 *
 * <pre>
 *   worker 0 ── /dev/fuse (DevFuseTransport channel 0): INIT, FORGET, INTERRUPT, notifications
 *   worker 1 ── UringQueue: ring (SQE128) + entries on queue 0      ┐ the kernel queues a request on the
 *   worker 2 ── UringQueue: ring (SQE128) + entries on queue 1      │ queue of the CPU its caller runs on
 *   ...          (workers beyond the queue count share queues)      ┘ (one queue per possible CPU)
 * </pre>
 *
 * INIT comes over {@code /dev/fuse}, as the kernel sends it, and asks for {@code FUSE_OVER_IO_URING}
 * ({@link #initFlags()}). Once it is answered ({@link #started}), the other workers each set up their
 * ring and register their entries (payload buffers sized {@code max(max_write, max_pages * 4 KiB)},
 * from a folio pool and registered with the ring); when every queue has an entry the kernel switches to
 * the rings. When the kernel does not offer io_uring (the module parameter {@code enable_uring} is N, a
 * kernel before 6.14, io_uring blocked) the workers open cloned {@code /dev/fuse} descriptors instead,
 * and {@link #name()} says why, unless io_uring was demanded ({@link FuseOptions.Transport#IO_URING}):
 * then {@link #started} fails with the reason.
 */
public final class UringFuseTransport implements FuseTransport {
    private static final System.Logger LOG = System.getLogger(UringFuseTransport.class.getName());
    /** {@code FUSE_OVER_IO_URING} (7.42): the INIT flag that lets the daemon register ring entries. */
    public static final long FUSE_OVER_IO_URING = LibC.FUSE_OVER_IO_URING();
    /** The switch of the kernel's FUSE module ({@code CONFIG_FUSE_IO_URING}, default N). */
    public static final Path ENABLE_URING = Path.of("/sys/module/fuse/parameters/enable_uring");

    private final DevFuseTransport dev;
    private final int devFd;
    private final boolean required;
    private final int depth;
    private final int uringWorkers;
    private final int nrQueues;
    private final CountDownLatch decided = new CountDownLatch(1);
    private final CountDownLatch registered;
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<UringQueue> queues = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Why io_uring is not used, or null while it is (or may still be). */
    private volatile String notUsed;
    private volatile boolean useUring;
    private volatile int payloadSize;
    private volatile FolioPool pool;

    /**
     * Takes over the mounted descriptor {@code fd}.
     *
     * @param fd the session's {@code /dev/fuse} descriptor; closed by {@link #close()}
     * @param options the session's options: threads, {@link FuseOptions#uringQueueDepth()}, whether io_uring
     *     is demanded ({@link FuseOptions.Transport#IO_URING}) or only preferred
     */
    public UringFuseTransport(int fd, FuseOptions options) {
        this.dev = new DevFuseTransport(fd, options.cloneFd());
        this.devFd = fd;
        this.required = options.transport() == FuseOptions.Transport.IO_URING;
        this.depth = options.uringQueueDepth();
        this.uringWorkers = options.threads() - 1;
        this.nrQueues = possibleCpus();
        this.registered = new CountDownLatch(Math.max(0, uringWorkers));
        String why = unavailableReason(options.threads());
        if (why != null) {
            notUsed = why;
            decided.countDown();
        }
    }

    /**
     * Why this machine cannot carry FUSE over io_uring, or null when it can (the kernel still has to
     * offer it in INIT): io_uring itself, {@code IORING_OP_URING_CMD}, {@code IORING_SETUP_SQE128}, the
     * kernel's {@code enable_uring} switch, and at least two workers.
     *
     * @param threads the session's worker threads
     * @return the reason, such as {@code "/sys/module/fuse/parameters/enable_uring is N (as root: echo Y > ...)"}
     */
    public static String unavailableReason(int threads) {
        if (threads < 2) {
            return "needs at least 2 worker threads (one reads /dev/fuse for INIT, FORGET and INTERRUPT): threads="
                    + threads;
        }
        String why = IoUring.unavailableReason();
        if (why == null) {
            why = IoUringFeatures.missingOpcode(Opcode.IORING_OP_URING_CMD);
        }
        if (why == null) {
            why = IoUringFeatures.missingSetupFlags(LibC.IORING_SETUP_SQE128());
        }
        if (why != null) {
            return why;
        }
        return enableUringReason();
    }

    /** @return why the kernel's switch keeps FUSE off io_uring, or null when it is Y */
    public static String enableUringReason() {
        if (!Files.exists(ENABLE_URING)) {
            return "this kernel's FUSE has no io_uring support (" + ENABLE_URING
                    + " is missing: needs Linux 6.14 with CONFIG_FUSE_IO_URING, and the fuse module loaded)";
        }
        try {
            String v = Files.readString(ENABLE_URING).trim();
            if (!v.equals("Y") && !v.equals("1")) {
                return ENABLE_URING + " is " + v + " (as root: echo Y > " + ENABLE_URING + ")";
            }
            return null;
        } catch (IOException e) {
            return "cannot read " + ENABLE_URING + ": " + e.getMessage();
        }
    }

    /** The kernel makes one queue per possible CPU ({@code num_possible_cpus()}). */
    static int possibleCpus() {
        try {
            int count = 0;
            for (String part : Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim().split(",")) {
                int dash = part.indexOf('-');
                count += dash < 0 ? 1 : Integer.parseInt(part.substring(dash + 1)) - Integer.parseInt(part.substring(0, dash)) + 1;
            }
            return Math.max(1, count);
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** The queues worker {@code k} (0-based among the io_uring workers) registers entries on. */
    static int[] queuesOf(int k, int workers, int nrQueues) {
        if (workers >= nrQueues) {
            return new int[] {k % nrQueues};
        }
        List<Integer> q = new ArrayList<>();
        for (int i = k; i < nrQueues; i += workers) {
            q.add(i);
        }
        return q.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Entries per queue for a worker serving {@code qids}: the configured depth on a queue of its own, one
     * where a worker serves several (more CPUs than workers: memory grows with the queues, and one worker
     * serves one request at a time anyway).
     */
    private int depthFor(int[] qids) {
        return qids.length > 1 ? 1 : depth;
    }

    @Override
    public long initFlags() {
        return notUsed == null ? FuseConnInfo.FUSE_INIT_EXT | FUSE_OVER_IO_URING : 0;
    }

    @Override
    public FuseChannel openChannel(int index, int maxRequest) throws IOException {
        if (index == 0 || uringWorkers < 1) {
            return dev.openChannel(index, maxRequest);
        }
        return new Deferred(index, maxRequest);
    }

    @Override
    public void started(FuseConnInfo conn) throws IOException {
        if (notUsed != null) {
            if (required) {
                throw new IOException("FUSE over io_uring is unavailable: " + notUsed);
            }
            return;
        }
        if (!conn.enabled(FUSE_OVER_IO_URING)) {
            fail((conn.kernelFlags() & FUSE_OVER_IO_URING) == 0
                    ? "the kernel did not offer FUSE_OVER_IO_URING in INIT (" + nrQueues + " queues; "
                            + (enableUringReason() == null ? "enable_uring is Y" : enableUringReason()) + ")"
                    : "the filesystem turned FUSE_OVER_IO_URING off in init()");
            return;
        }
        int payload = Math.max(LibC.FUSE_MIN_READ_BUFFER(), Math.max(conn.maxWrite(), conn.maxPages() * FolioPool.PAGE_SIZE));
        int entries = 0;
        for (int k = 0; k < uringWorkers; k++) {
            int[] qids = queuesOf(k, uringWorkers, nrQueues);
            entries += qids.length * depthFor(qids);
        }
        long folio = Long.highestOneBit(UringEntryDescriptor.PAYLOAD + payload - 1) << 1;
        long slab = FolioPool.MAX_FOLIO;
        pool = new FolioPool((entries * Math.max(folio, FolioPool.MIN_FOLIO) + slab - 1) / slab * slab);
        payloadSize = payload;
        useUring = true;
        decided.countDown();
        try {
            if (!registered.await(10, TimeUnit.SECONDS)) {
                failures.add("the workers did not register their ring entries within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the io_uring entries to register", e);
        }
        if (!failures.isEmpty()) {
            notUsed = failures.get(0);
            if (required) {
                throw new IOException("FUSE over io_uring is unavailable: " + notUsed);
            }
            LOG.log(System.Logger.Level.WARNING, "fuse-uring: io_uring not used: " + notUsed);
        }
    }

    private void fail(String why) throws IOException {
        notUsed = why;
        useUring = false;
        decided.countDown();
        if (required) {
            throw new IOException("FUSE over io_uring is unavailable: " + why);
        }
    }

    @Override
    public int notify(long iovAddress, int iovCount, long len) {
        return dev.notify(iovAddress, iovCount, len); // the kernel takes notifications on the device only
    }

    /** @return whether requests go over io_uring (INIT granted it and every worker registered) */
    public boolean usesUring() {
        return useUring && notUsed == null && queues.size() == uringWorkers;
    }

    /** @return why io_uring is not used, or null */
    public String notUsedReason() {
        return notUsed;
    }

    /** @return requests the io_uring workers have taken from their entries so far */
    public long uringRequests() {
        long s = 0;
        for (UringQueue q : queues) {
            s += q.served();
        }
        return s;
    }

    @Override
    public String name() {
        if (usesUring()) {
            int entries = 0;
            for (UringQueue q : queues) {
                entries += q.entries();
            }
            return "io_uring (" + nrQueues + " queues, " + entries + " entries of " + (payloadSize >> 10)
                    + " KiB, SQE128) + /dev/fuse";
        }
        String why = notUsed;
        return dev.name() + (why != null ? " (io_uring not used: " + why + ")" : " (io_uring pending INIT)");
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            dev.close();
            FolioPool p = pool;
            if (p != null) {
                p.close();
            }
        }
    }

    /** A worker's channel until INIT decides: its io_uring queue, or a cloned /dev/fuse descriptor. */
    private final class Deferred implements FuseChannel {
        private final int index;
        private final int maxRequest;
        private FuseChannel ch;

        Deferred(int index, int maxRequest) {
            this.index = index;
            this.maxRequest = maxRequest;
        }

        @Override
        public long receive(int timeoutMillis) {
            FuseChannel c = ch;
            if (c == null) {
                try {
                    if (!decided.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
                        return TIMED_OUT;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -Errno.EINTR;
                }
                c = ch = open();
                if (c == null) {
                    return -Errno.ENODEV;
                }
            }
            return c.receive(timeoutMillis);
        }

        private FuseChannel open() {
            if (useUring && !closed.get()) {
                int k = index - 1;
                int[] qids = queuesOf(k, uringWorkers, nrQueues);
                try {
                    UringQueue q = new UringQueue(devFd, qids, depthFor(qids), payloadSize, pool);
                    queues.add(q);
                    registered.countDown();
                    return q;
                } catch (IOException | RuntimeException e) {
                    failures.add(e.getMessage());
                    registered.countDown();
                }
            }
            try {
                return dev.openChannel(index, maxRequest);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "fuse-uring: worker " + index + " has no channel: " + e.getMessage());
                return null;
            }
        }

        @Override
        public java.lang.foreign.MemorySegment requestBuffer() {
            return ch.requestBuffer();
        }

        @Override
        public int send(long iovAddress, int iovCount, long len) {
            return ch.send(iovAddress, iovCount, len);
        }

        @Override
        public void close() {
            FuseChannel c = ch;
            if (c != null) {
                c.close();
            }
        }
    }
}
