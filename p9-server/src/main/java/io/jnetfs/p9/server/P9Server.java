package io.jnetfs.p9.server;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.in_addr;
import io.jnetfs.ffm.gen.sockaddr_in;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A 9P2000.L file server: serves one directory over TCP with a zero-copy data path (what
 * {@code jnetfs serve} runs).
 *
 * <pre>{@code
 * try (P9Server server = P9Server.builder(Path.of("/srv/data"))
 *         .listen("127.0.0.1", 5640).readOnly(false).msize(1 << 20).ctl(true).build().start()) {
 *     System.out.println("serving on port " + server.port());
 *     server.awaitClose();
 * }
 * }</pre>
 *
 * <p>Requests: version, auth (refused), attach, walk, lopen, lcreate, read, write, clunk, remove,
 * getattr, setattr, readdir, fsync, statfs, mkdir, unlinkat, renameat, rename, symlink, readlink, link,
 * flush; anything else is answered {@code Rlerror(EOPNOTSUPP)}. A Tread is answered by
 * {@code preadv2} into a pooled, page-aligned buffer and ONE {@code sendmsg} of [Rread header, data
 * iovecs]; a Twrite's payload is received by {@code recvmsg} straight into a pooled buffer and
 * written with {@code pwritev2}. msize up to {@link #MAX_MSIZE}.
 *
 * <p>Attach names: {@code ""}, {@code "/"} or the directory's absolute path attach the directory; with
 * {@link Builder#ctl(boolean)} {@code "ctl"} attaches a synthetic export with {@code zero} and
 * {@code null} (what diod's {@code diodload} drives).
 *
 * <p>Security: every name is resolved beneath the directory ({@code openat2} with
 * {@code RESOLVE_BENEATH}; symbolic links are never followed by a walk; ".." stops at the root), see
 * {@code DirExport}. Read-only mode refuses every change with {@code EROFS}. Per connection: at most
 * {@code maxFids} fids, {@code maxRequests} requests and {@code maxInFlightBytes} of buffers in flight,
 * no message above msize; idle and message timeouts. At most {@code maxConnections} connections.
 * Listens on 127.0.0.1 by default and logs a warning when told to listen elsewhere: there is no
 * authentication, and the server acts with its own credentials.
 *
 * <p>Threads: one acceptor; per connection a reader, which runs most requests itself, and up to
 * {@code workers} workers for Treads with more requests behind them and for Tfsync (daemon threads).
 * {@link #close()} stops them all and is idempotent.
 */
public final class P9Server implements AutoCloseable {
    /** The address listened on by default: loopback. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The port listened on by default (diod's is 564). */
    public static final int DEFAULT_PORT = 5640;
    /** The msize offered by default: 1 MiB. */
    public static final int DEFAULT_MSIZE = 1 << 20;
    /** The largest msize: a message's data fits one 2 MiB pool folio. */
    public static final int MAX_MSIZE = FolioPool.MAX_FOLIO;
    /** The smallest msize the server grants. */
    public static final int MIN_MSIZE = ServerConnection.MIN_MSIZE;

    private static final System.Logger LOG = System.getLogger("io.jnetfs.p9.server");
    /** {@code ENFILE}: the system's file table is full (not in {@link Errno}'s table). */
    private static final int ENFILE = 23;

    private final ServerConfig cfg;
    private final Stats stats = new Stats();
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private FolioPool pool;
    private DirExport dir;
    private CtlExport ctl;
    private DataBuffer zeroes;
    private int listenFd = -1;
    private int port;
    private Thread acceptor;
    private boolean started;
    private volatile boolean closed;

    private P9Server(ServerConfig cfg) {
        this.cfg = cfg;
    }

    /**
     * A builder for a server of {@code root}.
     *
     * @param root the directory to serve
     * @return a builder with the defaults: 127.0.0.1:5640, read-write, msize 1 MiB, no ctl
     */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /**
     * Opens the directory, binds, listens and starts accepting.
     *
     * @return this
     * @throws IOException naming the call that failed (e.g. {@code bind(127.0.0.1:5640)} with
     *     {@code EADDRINUSE})
     * @throws IllegalStateException if started before or closed
     */
    public synchronized P9Server start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException("server already " + (closed ? "closed" : "started"));
        }
        started = true;
        boolean ok = false;
        try {
            dir = DirExport.open(cfg.root().toString(), cfg.readOnly(), cfg.splice() ? cfg.maxMsize() : 0);
            pool = new FolioPool(poolBytes(cfg));
            if (cfg.ctl()) {
                zeroes = DataBuffer.allocate(pool, (long) FolioPool.PAGE_SIZE << FolioPool.orderFor(cfg.maxMsize()));
                zeroes.mem.fill((byte) 0);
                ctl = new CtlExport(zeroes);
            }
            listen();
            acceptor = new Thread(this::acceptLoop, "p9-server-accept-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
            ok = true;
        } finally {
            if (!ok) {
                release();
                closed = true;
                closedLatch.countDown();
            }
        }
        InetAddress a = InetAddress.getByName(cfg.host());
        if (!a.isLoopbackAddress()) {
            LOG.log(System.Logger.Level.WARNING, "p9 server: listening on " + cfg.host() + ":" + port
                    + ", not loopback: there is no authentication; whoever reaches this port can "
                    + (cfg.readOnly() ? "read " : "read and change ") + cfg.root());
        }
        LOG.log(System.Logger.Level.INFO, "p9 server: serving " + cfg.root() + " on " + cfg.host() + ":" + port
                + (cfg.readOnly() ? " read-only" : "") + ", msize " + cfg.maxMsize() + (cfg.ctl() ? ", ctl" : ""));
        return this;
    }

    private static long poolBytes(ServerConfig c) {
        long folio = (long) FolioPool.PAGE_SIZE << FolioPool.orderFor(c.maxMsize());
        long perConnection = Math.max(c.maxInFlightBytes(), 2 * folio) + FolioPool.MAX_FOLIO;
        long total = (long) c.maxConnections() * perConnection + FolioPool.MAX_FOLIO;
        return (total + FolioPool.MAX_FOLIO - 1) / FolioPool.MAX_FOLIO * FolioPool.MAX_FOLIO;
    }

    private void listen() throws IOException {
        byte[] ip = InetAddress.getByName(cfg.host()).getAddress();
        String where = cfg.host() + ":" + cfg.port();
        int fd = Native.socket(LibC.AF_INET(), LibC.SOCK_STREAM() | LibC.SOCK_CLOEXEC(), 0);
        if (fd < 0) {
            throw Errors.ioException("socket(AF_INET, SOCK_STREAM)", -fd);
        }
        listenFd = fd;
        try (Arena a = Arena.ofConfined()) {
            int rc = Native.setsockopt(fd, LibC.SOL_SOCKET(), LibC.SO_REUSEADDR(), a.allocateFrom(ValueLayout.JAVA_INT, 1), 4);
            if (rc < 0) {
                throw Errors.ioException("setsockopt(SO_REUSEADDR)", -rc);
            }
            MemorySegment addr = sockaddr_in.allocate(a);
            sockaddr_in.sin_family(addr, (short) LibC.AF_INET());
            sockaddr_in.sin_port(addr, Short.reverseBytes((short) cfg.port()));
            int s = (ip[0] & 0xFF) << 24 | (ip[1] & 0xFF) << 16 | (ip[2] & 0xFF) << 8 | (ip[3] & 0xFF);
            in_addr.s_addr(sockaddr_in.sin_addr(addr), Integer.reverseBytes(s));
            rc = Native.bind(fd, addr, (int) addr.byteSize());
            if (rc < 0) {
                throw Errors.ioException("bind(" + where + ")", -rc);
            }
            rc = Native.listen(fd, LibC.SOMAXCONN());
            if (rc < 0) {
                throw Errors.ioException("listen(" + where + ")", -rc);
            }
            MemorySegment len = a.allocateFrom(ValueLayout.JAVA_INT, (int) addr.byteSize());
            rc = Native.getsockname(fd, addr, len);
            if (rc < 0) {
                throw Errors.ioException("getsockname(" + where + ")", -rc);
            }
            port = Short.toUnsignedInt(Short.reverseBytes(sockaddr_in.sin_port(addr)));
        }
    }

    private void acceptLoop() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = sockaddr_in.allocate(a);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment one = a.allocateFrom(ValueLayout.JAVA_INT, 1);
            MemorySegment rcv = timeval(a, cfg.tickNanos());
            MemorySegment snd = timeval(a, cfg.messageTimeoutNanos());
            while (!closed) {
                len.set(ValueLayout.JAVA_INT, 0, (int) addr.byteSize());
                int fd = Native.accept4(listenFd, addr, len, LibC.SOCK_CLOEXEC());
                if (fd < 0) {
                    if (closed) {
                        break;
                    }
                    if (fd == -Errno.EMFILE || fd == -ENFILE || fd == -Errno.ENOBUFS || fd == -Errno.ENOMEM) {
                        LOG.log(System.Logger.Level.WARNING, "p9 server: accept4: " + Errno.describe(-fd));
                        sleep(100);
                    }
                    continue;
                }
                String peer = peer(addr);
                if (connections.size() >= cfg.maxConnections()) {
                    stats.refused.increment();
                    LOG.log(System.Logger.Level.WARNING, "p9 server: refusing " + peer + ": " + cfg.maxConnections()
                            + " connections open");
                    Native.close(fd);
                    continue;
                }
                Native.setsockopt(fd, LibC.IPPROTO_TCP(), LibC.TCP_NODELAY(), one, 4);
                Native.setsockopt(fd, LibC.SOL_SOCKET(), LibC.SO_RCVTIMEO(), rcv, (int) rcv.byteSize());
                Native.setsockopt(fd, LibC.SOL_SOCKET(), LibC.SO_SNDTIMEO(), snd, (int) snd.byteSize());
                ServerConnection c = new ServerConnection(this, cfg, stats, pool, dir, ctl, fd, peer);
                synchronized (this) {
                    if (closed) {
                        Native.close(fd);
                        break;
                    }
                    connections.add(c);
                }
                stats.accepted.increment();
                c.start();
            }
        }
    }

    /** {@code struct timeval {tv_sec; tv_usec}}: two longs on LP64. */
    private static MemorySegment timeval(Arena a, long nanos) {
        MemorySegment tv = a.allocate(16, 8);
        long micros = Math.max(1, nanos / 1000);
        tv.set(ValueLayout.JAVA_LONG, 0, micros / 1_000_000);
        tv.set(ValueLayout.JAVA_LONG, 8, micros % 1_000_000);
        return tv;
    }

    private static String peer(MemorySegment addr) {
        int s = Integer.reverseBytes(in_addr.s_addr(sockaddr_in.sin_addr(addr)));
        int p = Short.toUnsignedInt(Short.reverseBytes(sockaddr_in.sin_port(addr)));
        return (s >>> 24) + "." + (s >>> 16 & 0xFF) + "." + (s >>> 8 & 0xFF) + "." + (s & 0xFF) + ":" + p;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Called by a connection's reader once it is torn down. */
    void removed(ServerConnection c) {
        connections.remove(c);
    }

    // ---- accessors ----------------------------------------------------------------------------------

    /**
     * Why connections cannot receive on io_uring here.
     *
     * @return null if they can ({@link Builder#ioUring(boolean)}), else the reason (a kernel feature
     *     missing, or io_uring refused, e.g. by seccomp)
     */
    public static String unavailableIoUringReason() {
        return RingInbound.unavailableReason();
    }

    /** {@return the port listened on (the one the kernel chose if 0 was asked), valid after start} */
    public int port() {
        return port;
    }

    /** {@return the address listened on} */
    public String host() {
        return cfg.host();
    }

    /** {@return the exported directory (its real path)} */
    public Path root() {
        return cfg.root();
    }

    /** {@return whether every change is refused with EROFS} */
    public boolean readOnly() {
        return cfg.readOnly();
    }

    /** {@return the largest msize granted} */
    public int msize() {
        return cfg.maxMsize();
    }

    /** {@return the counters since start} */
    public ServerStats stats() {
        return stats.snapshot(connections.size());
    }

    /** {@return whether the server has been closed} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Waits until {@link #close()} (for a {@code main} that serves until it is stopped).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitClose() throws InterruptedException {
        closedLatch.await();
    }

    // ---- closing ------------------------------------------------------------------------------------

    /**
     * Stops accepting, closes every connection (requests in flight finish or fail), waits for their
     * threads and frees the buffers. Idempotent.
     */
    @Override
    public void close() {
        List<ServerConnection> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(connections);
        }
        if (listenFd >= 0) {
            Native.shutdown(listenFd, LibC.SHUT_RDWR()); // wakes accept4
        }
        join(acceptor);
        for (ServerConnection c : open) {
            c.shutdown();
        }
        for (ServerConnection c : open) {
            join(c.readerThread());
        }
        release();
        closedLatch.countDown();
    }

    private static void join(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void release() {
        if (listenFd >= 0) {
            Native.close(listenFd);
            listenFd = -1;
        }
        if (zeroes != null) {
            zeroes.release();
        }
        if (dir != null) {
            dir.close();
        }
        if (pool != null && connections.isEmpty()) {
            pool.close(); // a connection whose worker is stuck in a system call keeps its memory
        }
    }

    @Override
    public String toString() {
        return "P9Server[" + cfg.root() + " on " + cfg.host() + ":" + port + (cfg.readOnly() ? ", read-only" : "")
                + ", msize=" + cfg.maxMsize() + (cfg.ctl() ? ", ctl" : "") + (closed ? ", closed" : "") + "]";
    }

    // ---- builder ------------------------------------------------------------------------------------

    /** Collects a server's settings; {@link #build()} checks them. */
    public static final class Builder {
        private final Path root;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private boolean readOnly;
        private int msize = DEFAULT_MSIZE;
        private boolean ctl;
        private int maxConnections = 64;
        private int maxFids = 4096;
        private int maxRequests = 64;
        private long maxInFlightBytes = 4L << 20;
        private int workers = 2;
        private boolean splice = true;
        private boolean ioUring;
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration messageTimeout = Duration.ofSeconds(30);

        private Builder(Path root) {
            this.root = root;
        }

        /**
         * Where to listen.
         *
         * @param host an IPv4 address or a name that resolves to one (default 127.0.0.1; anything not
         *     loopback is logged as a warning)
         * @param port 0 .. 65535 (0: a free port, see {@link P9Server#port()}; default 5640)
         * @return this
         */
        public Builder listen(String host, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("invalid port=" + port);
            }
            this.host = host;
            this.port = port;
            return this;
        }

        /**
         * Read-only mode.
         *
         * @param readOnly refuse every change (create, write, setattr, mkdir, remove, rename, link,
         *     symlink, open for writing or truncation) with {@code EROFS}
         * @return this
         */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /**
         * The largest msize granted in Rversion.
         *
         * @param msize the largest msize granted, {@link #MIN_MSIZE} .. {@link #MAX_MSIZE} (default 1 MiB)
         * @return this
         */
        public Builder msize(int msize) {
            if (msize < MIN_MSIZE || msize > MAX_MSIZE) {
                throw new IllegalArgumentException("invalid msize=" + msize + " (" + MIN_MSIZE + " .. " + MAX_MSIZE + ")");
            }
            this.msize = msize;
            return this;
        }

        /**
         * Whether to serve diod's synthetic {@code ctl} export as well.
         *
         * @param ctl also serve aname {@code "ctl"}: the synthetic {@code zero} and {@code null} files
         * @return this
         */
        public Builder ctl(boolean ctl) {
            this.ctl = ctl;
            return this;
        }

        /**
         * The most connections served at once; more are closed as soon as accepted.
         *
         * @param maxConnections connections served at once, 1 .. 4096 (default 64)
         * @return this
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1 || maxConnections > 4096) {
                throw new IllegalArgumentException("invalid maxConnections=" + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * The most fids per connection.
         *
         * @param maxFids fids per connection, 1 .. 1,000,000 (default 4096); beyond, {@code EMFILE}
         * @return this
         */
        public Builder maxFids(int maxFids) {
            if (maxFids < 1 || maxFids > 1_000_000) {
                throw new IllegalArgumentException("invalid maxFids=" + maxFids);
            }
            this.maxFids = maxFids;
            return this;
        }

        /**
         * The most requests in flight per connection; the reader stops reading beyond.
         *
         * @param maxRequests requests in flight per connection, 1 .. 4096 (default 64)
         * @return this
         */
        public Builder maxRequests(int maxRequests) {
            if (maxRequests < 1 || maxRequests > 4096) {
                throw new IllegalArgumentException("invalid maxRequests=" + maxRequests);
            }
            this.maxRequests = maxRequests;
            return this;
        }

        /**
         * The data buffer bytes in flight per connection (Tread, Treaddir, Twrite).
         *
         * @param bytes data buffer bytes per connection, at least 1 (default 4 MiB; never fewer than two
         *     msize buffers)
         * @return this
         */
        public Builder maxInFlightBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("invalid maxInFlightBytes=" + bytes);
            }
            this.maxInFlightBytes = bytes;
            return this;
        }

        /**
         * Worker threads per connection.
         *
         * @param workers 0 .. 64 (default 2). The connection's reader runs most requests itself, one at
         *     a time (no thread handoff for a client with one request in flight); workers take a Tread
         *     when further requests already wait on the socket, so the file read of one overlaps the
         *     send of another, and every Tfsync, which may take long. 0: the reader runs everything.
         *     Tflush drops a request still waiting for a worker.
         * @return this
         */
        public Builder workers(int workers) {
            if (workers < 0 || workers > 64) {
                throw new IllegalArgumentException("invalid workers=" + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * Whether Rread data is spliced.
         *
         * @param splice true (the default): a Tread of a regular file of at least 16 KiB is answered by
         *     splicing the file's pages into a pipe and from the pipe into the socket (after the Rread
         *     header, sent with {@code MSG_MORE}), so the data is never copied through user space;
         *     smaller reads, reads a pipe cannot hold, files that cannot be spliced and the {@code ctl}
         *     export take the copying path ({@code preadv2} into a data buffer, one {@code sendmsg}).
         *     false: every Tread takes the copying path
         * @return this
         */
        public Builder splice(boolean splice) {
            this.splice = splice;
            return this;
        }

        /**
         * Whether connections receive on io_uring.
         *
         * @param ioUring true: each connection's reader receives with one multishot {@code IORING_OP_RECV}
         *     into a ring of provided buffers ({@code IORING_REGISTER_PBUF_RING}) on a ring of its own
         *     ({@code SINGLE_ISSUER | DEFER_TASKRUN}, its fd registered), making no receive system call
         *     while bytes keep coming; where the kernel refuses, the connection receives as with false
         *     (logged once per connection). false (the default): blocking {@code recvmsg}. Replies are
         *     sent the same way in both ({@link #unavailableIoUringReason()} says why not)
         * @return this
         */
        public Builder ioUring(boolean ioUring) {
            this.ioUring = ioUring;
            return this;
        }

        /**
         * The idle timeout.
         *
         * @param idleTimeout close a connection with nothing in flight that sends nothing this long
         *     (default 10 minutes; zero: never)
         * @return this
         */
        public Builder idleTimeout(Duration idleTimeout) {
            if (idleTimeout.isNegative()) {
                throw new IllegalArgumentException("invalid idleTimeout=" + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * The message timeout.
         *
         * @param messageTimeout how long a message begun may take to arrive whole, and a reply to leave
         *     (default 30 s; at least 100 ms)
         * @return this
         */
        public Builder messageTimeout(Duration messageTimeout) {
            if (messageTimeout.toMillis() < 100) {
                throw new IllegalArgumentException("invalid messageTimeout=" + messageTimeout);
            }
            this.messageTimeout = messageTimeout;
            return this;
        }

        /**
         * Checks the settings and the directory.
         *
         * @return a server, not yet started
         * @throws IOException if the directory does not exist or is not a directory, or the host does
         *     not resolve to an IPv4 address
         */
        public P9Server build() throws IOException {
            if (!Files.isDirectory(root)) {
                throw new java.nio.file.NotDirectoryException(root.toString());
            }
            Path real = root.toRealPath();
            InetAddress a = InetAddress.getByName(host);
            if (!(a instanceof Inet4Address)) {
                throw new IllegalArgumentException("invalid host=" + host + " (an IPv4 address)");
            }
            return new P9Server(new ServerConfig(real, a.getHostAddress(), port, readOnly, msize, ctl, maxConnections,
                    maxFids, maxRequests, maxInFlightBytes, workers, splice, ioUring, idleTimeout.toNanos(), messageTimeout.toNanos()));
        }
    }
}
