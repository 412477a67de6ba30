package io.jnetfs.p9.nio;

import io.jnetfs.fiemap.OccupancyMethod;
import io.jnetfs.netfs.Netfs;
import io.jnetfs.netfs.cachefiles.CacheFiles;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Options;
import io.jnetfs.p9.TransportKind;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A 9P2000.L export as a {@link FileSystem}: one {@link P9Client} attached to it, one {@link Netfs}
 * engine (page cache, readahead, writeback) and, where the environment names a cache directory, the
 * disk cache. Made by {@link java.nio.file.FileSystems#newFileSystem(java.net.URI, java.util.Map)} with
 * a {@code p9://HOST[:PORT]/} URI (see {@link P9FileSystemProvider} for the environment keys).
 *
 * <p>Paths are Unix paths; {@code "/"} is the export's root, and relative paths are taken from it.
 * Metadata goes to the server at each call (Twalk, Tgetattr, Treaddir...: nothing is cached); file data
 * goes through the engine, shared by every channel of this file system that has the file open.
 * Consistency with other clients is close-to-open, as NFS's: what a channel writes reaches the server
 * when it is forced or closed, and a file opened after that sees it.
 *
 * <p>{@link #close()} closes every channel, stream and directory stream still open (writing back what
 * is dirty), then the engine, the disk cache and the connection: every fid is clunked and every folio
 * goes back to its pool. Thread-safe.
 */
public final class P9FileSystem extends FileSystem {
    /** The disk cache's granule: what one FIEMAP-visible unit of a cache file holds (as the command's). */
    static final long CACHE_GRANULE = 256 << 10;

    private final P9FileSystemProvider provider;
    private final String key;
    private final String uriHost;
    private final int port;
    private final P9Environment env;
    private final P9Client client;
    private final Netfs netfs;
    private final ExecutorService cacheWriter;
    private final CacheFiles cache;
    private final String serverId;
    private final Walker walker;
    private final P9Inode.Table inodes;
    private final P9FileStore store;
    private final P9Principals principals;
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private P9FileSystem(P9FileSystemProvider provider, String key, String uriHost, int port, P9Environment env,
                         P9Client client, Netfs netfs, ExecutorService cacheWriter, CacheFiles cache, String serverId) {
        this.provider = provider;
        this.key = key;
        this.uriHost = uriHost;
        this.port = port;
        this.env = env;
        this.client = client;
        this.netfs = netfs;
        this.cacheWriter = cacheWriter;
        this.cache = cache;
        this.serverId = serverId;
        this.walker = new Walker(this, client);
        this.inodes = new P9Inode.Table(this, env.timeout().toNanos());
        this.store = new P9FileStore(this);
        this.principals = new P9Principals(this);
    }

    /**
     * Connects, attaches and starts the engine.
     *
     * @param address the server's IPv4 address
     * @throws IOException naming the step that failed (connect, version, attach, the cache directory)
     */
    static P9FileSystem open(P9FileSystemProvider provider, String key, String uriHost, String address, int port,
                             P9Environment env) throws IOException {
        P9Options.Builder o = P9Options.builder(address, port).aname(env.aname()).uname(env.uname())
                .nUname(env.nUname()).gid(env.gid()).msize(env.msize()).window(env.inflight()).timeout(env.timeout())
                .transport(env.ioUring() ? TransportKind.IO_URING : TransportKind.SOCKET);
        if (env.pool() != null) {
            o.pool(env.pool());
        }
        Netfs.Config config = Netfs.Config.defaults().withMemory(2 * env.pageCacheBytes(), env.pageCacheBytes())
                .withTimeout(env.timeout().toMillis(), TimeUnit.MILLISECONDS);
        Netfs netfs = env.pool() != null ? new Netfs(config, env.pool()) : new Netfs(config);
        P9Client client = null;
        ExecutorService writer = null;
        try {
            client = P9Client.connect(o.build());
            CacheFiles cache = null;
            String serverId = "9p://" + address + ":" + port + "/" + stripSlashes(env.aname());
            if (env.cacheDirectory() != null) {
                writer = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "p9-nio-cache-writer");
                    t.setDaemon(true);
                    return t;
                });
                cache = new CacheFiles(env.cacheDirectory(), CACHE_GRANULE, OccupancyMethod.AUTO, writer);
            }
            return new P9FileSystem(provider, key, uriHost, port, env, client, netfs, writer, cache, serverId);
        } catch (IOException | RuntimeException e) {
            if (writer != null) {
                writer.shutdownNow();
            }
            if (client != null) {
                client.close();
            }
            netfs.close();
            throw e;
        }
    }

    private static String stripSlashes(String aname) {
        return String.join("/", List.of(aname.split("/")).stream().filter(s -> !s.isEmpty() && !s.equals("."))
                .toList());
    }

    // ---- what the provider's parts share -----------------------------------------------------------

    /** @throws ClosedFileSystemException once the file system is closed */
    void checkOpen() {
        if (closed) {
            throw new ClosedFileSystemException();
        }
    }

    String key() {
        return key;
    }

    String uriHost() {
        return uriHost;
    }

    int port() {
        return port;
    }

    Fid rootFid() {
        return client.root();
    }

    Walker walker() {
        return walker;
    }

    P9Inode.Table inodes() {
        return inodes;
    }

    CacheFiles cache() {
        return cache;
    }

    String serverId() {
        return serverId;
    }

    int inflight() {
        return env.inflight();
    }

    P9Environment env() {
        return env;
    }

    P9FileStore store() {
        return store;
    }

    P9Principals principals() {
        return principals;
    }

    /**
     * Tracks a channel, stream or directory stream that {@link #close()} closes if its user did not.
     *
     * @throws ClosedFileSystemException if the file system closed meanwhile (close() may have missed
     *     it): the caller gives back what it holds
     */
    void opened(Closeable c) {
        open.add(c);
        if (closed) {
            open.remove(c);
            throw new ClosedFileSystemException();
        }
    }

    /** Its user closed it. */
    void closed(Closeable c) {
        open.remove(c);
    }

    // ---- public accessors --------------------------------------------------------------------------

    /**
     * The 9P connection, for its counters ({@link P9Client#liveFids()}, {@link P9Client#messagesSent()})
     * and for requests the {@code java.nio.file} API has no word for. Owned by this file system: do not
     * close it.
     *
     * @return the client
     */
    public P9Client client() {
        return client;
    }

    /**
     * The engine, for its counters ({@link Netfs#stats()}) and its page cache. Owned by this file
     * system: do not close it.
     *
     * @return the engine
     */
    public Netfs netfs() {
        return netfs;
    }

    /** {@return the export attached (the environment's {@code aname})} */
    public String aname() {
        return env.aname();
    }

    /** {@return how many files are open through the engine now (channels and streams share one per file)} */
    public int openFiles() {
        return inodes.size();
    }

    // ---- FileSystem --------------------------------------------------------------------------------

    @Override
    public P9FileSystemProvider provider() {
        return provider;
    }

    /**
     * Closes every channel, stream and directory stream still open (writing back what is dirty), then
     * the engine, the disk cache's writer and the connection. Idempotent.
     *
     * @throws IOException the first writeback or clunk that failed (everything is released all the same)
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        provider.forget(this);
        IOException failure = null;
        for (Closeable c : new ArrayList<>(open)) {
            try {
                c.close();
            } catch (IOException e) {
                failure = add(failure, e);
            }
        }
        try {
            inodes.closeAll();
        } catch (IOException e) {
            failure = add(failure, e);
        }
        try {
            client.close();
        } finally {
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
                if (cache != null) {
                    cache.close(); // its io_uring rings, after the writer has stopped using them
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static IOException add(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /** {@return false: whether the export refuses writes shows only when one is tried (EROFS)} */
    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        checkOpen();
        return List.of(new P9Path(this, "/"));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        checkOpen();
        return List.of(store);
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return AttributeViews.VIEWS;
    }

    /** Joins {@code first} and the non-empty {@code more} with "/", as the default provider does. */
    @Override
    public Path getPath(String first, String... more) {
        String p = first;
        if (more.length > 0) {
            StringBuilder sb = new StringBuilder(first);
            for (String m : more) {
                if (!m.isEmpty()) {
                    if (!sb.isEmpty()) {
                        sb.append('/');
                    }
                    sb.append(m);
                }
            }
            p = sb.toString();
        }
        return new P9Path(this, p);
    }

    /**
     * A matcher of {@code glob:} or {@code regex:} patterns against a path's string, with the default
     * provider's glob syntax ({@code *}, {@code **}, {@code ?}, {@code [a-z]}, {@code [!a]},
     * {@code {a,b}}, {@code \} escapes).
     */
    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        int colon = syntaxAndPattern.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("invalid syntaxAndPattern=" + syntaxAndPattern + " (glob:... or regex:...)");
        }
        String syntax = syntaxAndPattern.substring(0, colon);
        String pattern = syntaxAndPattern.substring(colon + 1);
        Pattern p;
        if (syntax.equalsIgnoreCase("glob")) {
            p = Pattern.compile(Globs.toRegex(pattern));
        } else if (syntax.equalsIgnoreCase("regex")) {
            p = Pattern.compile(pattern);
        } else {
            throw new UnsupportedOperationException("Syntax '" + syntax + "' not recognized");
        }
        return path -> p.matcher(path.toString()).matches();
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return principals;
    }

    /** Not supported: a 9P server sends no change notifications. */
    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("watching p9 paths: 9P2000.L has no change notifications");
    }

    @Override
    public String toString() {
        return "p9://" + uriHost + ":" + port + "/ (aname=" + env.aname() + (closed ? ", closed" : "") + ")";
    }
}
