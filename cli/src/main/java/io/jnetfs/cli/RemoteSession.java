package io.jnetfs.cli;

import io.jnetfs.fiemap.OccupancyMethod;
import io.jnetfs.netfs.Netfs;
import io.jnetfs.netfs.NetfsStats;
import io.jnetfs.netfs.cachefiles.CacheFiles;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Exception;
import io.jnetfs.p9.P9Options;
import io.jnetfs.p9.TransportKind;
import io.jnetfs.p9.netfs.P9Netfs;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One server as a command uses it: a {@link P9Client} attached to the export, a {@link Netfs} engine
 * (page cache, readahead, writeback) and, unless {@code --no-cache}, the disk cache ({@link CacheFiles})
 * with the thread that writes it. The session owns all of them and closes them in reverse order.
 *
 * <p>The data path (the engine, its folio pool, the disk cache and its thread) is set up on the first
 * {@link #fs()}, when a file's data is read or written: {@code stat}, {@code ls}, {@code mkdir},
 * {@code rm} and {@code mv} talk to the {@link P9Client} alone and set up none of it.
 */
final class RemoteSession implements AutoCloseable {
    /** The cache granule: what one FIEMAP-visible unit of the cache file holds. */
    static final long CACHE_GRANULE = 256 << 10;

    private final String server;
    private final String address;
    private final int port;
    private final Settings settings;
    private final P9Client client;
    // the data path: null until the first fs()
    private Netfs netfs;
    private ExecutorService cacheWriter;
    private CacheFiles cache;
    private P9Netfs fs;
    private boolean closed;

    private RemoteSession(String server, String address, int port, Settings settings, P9Client client) {
        this.server = server;
        this.address = address;
        this.port = port;
        this.settings = settings;
        this.client = client;
    }

    /**
     * Connects and attaches.
     *
     * @param host the server's host name or IPv4 address
     * @param port the port
     * @param s the settings
     * @return the session, which the caller closes
     * @throws CommandFailure naming {@code 9p://HOST:PORT} and the step that failed (resolve, connect,
     *     version, attach)
     */
    static RemoteSession open(String host, int port, Settings s) throws CommandFailure {
        return open(host, port, s, false);
    }

    /**
     * Connects and attaches.
     *
     * @param host the server's host name or IPv4 address
     * @param port the port
     * @param s the settings
     * @param metadataOnly whether the command only asks about names and attributes (stat, ls, mkdir,
     *     rm): without {@code --io-uring}, it then connects with the system calls and sets up no ring, as
     *     a few small messages gain nothing from one
     * @return the session, which the caller closes
     * @throws CommandFailure naming {@code 9p://HOST:PORT} and the step that failed (resolve, connect,
     *     version, attach)
     */
    static RemoteSession open(String host, int port, Settings s, boolean metadataOnly) throws CommandFailure {
        String what = RemotePath.SCHEME + host + ":" + port;
        String address;
        try {
            InetAddress a = InetAddress.getByName(host);
            if (!(a instanceof Inet4Address)) {
                throw CommandFailure.of(what, "resolve: " + host + " has no IPv4 address", ExitCodes.UNREACHABLE);
            }
            address = a.getHostAddress();
        } catch (IOException e) {
            throw CommandFailure.of(what, "resolve " + host, e);
        }
        P9Options o = P9Options.builder(address, port).aname(s.aname()).uname(s.uname()).nUname(s.nUname())
                .msize(s.msize()).window(s.inflight()).transport(s.transport() == null && metadataOnly ? TransportKind.SOCKET : s.transportToUse()).timeout(s.timeout())
                .reconnect(s.reconnect()).build();
        P9Client client;
        try {
            client = P9Client.connect(o);
        } catch (IOException e) {
            throw CommandFailure.of(what, step(e, s), e);
        }
        return new RemoteSession(what, address, port, s, client);
    }

    /**
     * Sets up the data path: the engine, and the disk cache with its writer unless {@code --no-cache}.
     *
     * @throws CommandFailure for a cache directory that cannot be used
     */
    private void openDataPath() throws CommandFailure {
        Settings s = settings;
        Netfs netfs = null;
        ExecutorService writer = null;
        try {
            EngineSettings eng = s.engine();
            netfs = new Netfs(Netfs.Config.defaults().withMemory(eng.poolBytes(), eng.pageCacheBytes())
                    // with recovery an RPC may take its timeout, then the reconnect window: the engine must not give up first
                    .withTimeout(s.timeout().toMillis() * (s.reconnect() ? 3 : 1), TimeUnit.MILLISECONDS));
            CacheFiles cache = null;
            if (s.cacheDir() != null) {
                writer = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "jnetfs-cache-writer");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    cache = new CacheFiles(s.cacheDir(), CACHE_GRANULE, OccupancyMethod.AUTO, writer, eng.cacheLimits());
                } catch (IOException e) {
                    throw CommandFailure.of(s.cacheDir().toString(), "cache directory", e);
                }
            }
            String serverId = RemotePath.SCHEME + address + ":" + port + "/" + RemotePath.normalize(s.aname());
            this.fs = new P9Netfs(client, netfs, cache, serverId, s.inflight(), eng.attrTimeout());
            this.netfs = netfs;
            this.cacheWriter = writer;
            this.cache = cache;
        } catch (CommandFailure | RuntimeException e) {
            if (netfs != null) {
                netfs.close();
            }
            if (writer != null) {
                writer.shutdownNow();
            }
            throw e;
        }
    }

    /** The step of connecting that failed, as the user should read it. */
    private static String step(IOException e, Settings s) {
        if (e instanceof P9Exception p) {
            if (p.call().startsWith("Tattach")) {
                return "attach (aname=" + s.aname() + ", uname=" + s.uname() + ")";
            }
            if (p.call().startsWith("Tversion")) {
                return "version (9P2000.L)";
            }
            if (p.call().startsWith("io_uring")) {
                return "io_uring transport";
            }
        }
        return "connect";
    }

    /** {@return {@code 9p://HOST:PORT}} */
    String server() {
        return server;
    }

    /** {@return the 9P client} */
    P9Client client() {
        return client;
    }

    /**
     * The export through the netfs engine, which the first call sets up.
     *
     * @return the export
     * @throws CommandFailure for a cache directory that cannot be used
     */
    P9Netfs fs() throws CommandFailure {
        if (fs == null) {
            if (closed) {
                throw new IllegalStateException("session " + server + " is closed");
            }
            openDataPath();
        }
        return fs;
    }

    /**
     * The engine, which the first call sets up.
     *
     * @return the engine
     * @throws CommandFailure for a cache directory that cannot be used
     */
    Netfs netfs() throws CommandFailure {
        fs();
        return netfs;
    }

    /**
     * The disk cache, which the first call sets up.
     *
     * @return the cache, or {@code null} with {@code --no-cache}
     * @throws CommandFailure for a cache directory that cannot be used
     */
    CacheFiles cache() throws CommandFailure {
        fs();
        return cache;
    }

    /** {@return whether the data path is set up (a file's data went through the engine)} */
    boolean dataPathOpen() {
        return fs != null;
    }

    /**
     * The session's counters: the engine's ({@link io.jnetfs.netfs.NetfsStats#snapshot()}) and the
     * connection's system calls and messages.
     *
     * @param into where the counters are added, by name
     */
    void addCounters(Map<String, Long> into) {
        // without the engine its counters are all zero, and named all the same
        (netfs != null ? netfs.stats() : new NetfsStats()).snapshot().forEach((k, v) -> into.merge(k, v, Long::sum));
        into.merge("sendmsg_calls", client.sendmsgCalls(), Long::sum);
        into.merge("recvmsg_calls", client.recvmsgCalls(), Long::sum);
        into.merge("messages_sent", client.messagesSent(), Long::sum);
        into.merge("replies_received", client.repliesReceived(), Long::sum);
    }

    /** Stops the engine (after its queued cache writes), the cache writer, then the connection. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (netfs != null) {
                netfs.close();
            }
        } finally {
            if (cacheWriter != null) {
                cacheWriter.shutdown();
                try {
                    cacheWriter.awaitTermination(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (cache != null) {
                cache.close(); // its io_uring rings, after the writer has stopped using them
            }
            client.close();
        }
    }
}
