package io.jnetfs.cli;

import io.jnetfs.fiemap.OccupancyMethod;
import io.jnetfs.netfs.Netfs;
import io.jnetfs.netfs.cachefiles.CacheFiles;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Exception;
import io.jnetfs.p9.P9Options;
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
 */
final class RemoteSession implements AutoCloseable {
    /** The cache granule: what one FIEMAP-visible unit of the cache file holds. */
    static final long CACHE_GRANULE = 256 << 10;
    /** The engine's folio pool: grown on demand up to this. */
    static final long POOL_BYTES = 512L << 20;
    /** The engine's page cache budget. */
    static final long PAGE_CACHE_BYTES = 256L << 20;

    private final String server;
    private final P9Client client;
    private final Netfs netfs;
    private final ExecutorService cacheWriter;
    private final CacheFiles cache;
    private final P9Netfs fs;
    private boolean closed;

    private RemoteSession(String server, P9Client client, Netfs netfs, ExecutorService cacheWriter, CacheFiles cache,
                          P9Netfs fs) {
        this.server = server;
        this.client = client;
        this.netfs = netfs;
        this.cacheWriter = cacheWriter;
        this.cache = cache;
        this.fs = fs;
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
                .msize(s.msize()).window(s.inflight()).transport(s.transport()).timeout(s.timeout())
                .reconnect(s.reconnect()).build();
        P9Client client;
        try {
            client = P9Client.connect(o);
        } catch (IOException e) {
            throw CommandFailure.of(what, step(e, s), e);
        }
        Netfs netfs = null;
        ExecutorService writer = null;
        try {
            // with recovery an RPC may take its timeout, then the reconnect window: the engine must not give up first
            netfs = new Netfs(Netfs.Config.defaults().withMemory(POOL_BYTES, PAGE_CACHE_BYTES)
                    .withTimeout(s.timeout().toMillis() * (s.reconnect() ? 3 : 1), TimeUnit.MILLISECONDS));
            CacheFiles cache = null;
            if (s.cacheDir() != null) {
                writer = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "jnetfs-cache-writer");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    cache = new CacheFiles(s.cacheDir(), CACHE_GRANULE, OccupancyMethod.AUTO, writer);
                } catch (IOException e) {
                    throw CommandFailure.of(s.cacheDir().toString(), "cache directory", e);
                }
            }
            String serverId = RemotePath.SCHEME + address + ":" + port + "/" + RemotePath.normalize(s.aname());
            P9Netfs fs = new P9Netfs(client, netfs, cache, serverId, s.inflight());
            return new RemoteSession(what, client, netfs, writer, cache, fs);
        } catch (CommandFailure | RuntimeException e) {
            if (netfs != null) {
                netfs.close();
            }
            if (writer != null) {
                writer.shutdownNow();
            }
            client.close();
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

    /** {@return the export through the netfs engine} */
    P9Netfs fs() {
        return fs;
    }

    /** {@return the engine} */
    Netfs netfs() {
        return netfs;
    }

    /** {@return the disk cache, or {@code null}} */
    CacheFiles cache() {
        return cache;
    }

    /**
     * The session's counters: the engine's ({@link io.jnetfs.netfs.NetfsStats#snapshot()}) and the
     * connection's system calls and messages.
     *
     * @param into where the counters are added, by name
     */
    void addCounters(Map<String, Long> into) {
        netfs.stats().snapshot().forEach((k, v) -> into.merge(k, v, Long::sum));
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
            netfs.close();
        } finally {
            if (cacheWriter != null) {
                cacheWriter.shutdown();
                try {
                    cacheWriter.awaitTermination(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            client.close();
        }
    }
}
