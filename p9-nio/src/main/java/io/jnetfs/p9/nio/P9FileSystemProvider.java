package io.jnetfs.p9.nio;

import io.jnetfs.netfs.NetfsFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code java.nio.file} provider of the {@code p9} scheme: a 9P2000.L export as a
 * {@link FileSystem}, with file data through the netfs engine. Installed through
 * {@code META-INF/services}, so the JDK finds it on the class path:
 *
 * <pre>{@code
 * try (FileSystem fs = FileSystems.newFileSystem(URI.create("p9://127.0.0.1:564/"),
 *         Map.of("aname", "/srv/export", "uname", "root", "nUname", "0"))) {
 *     Path p = fs.getPath("/reports/2026.csv");
 *     List<String> lines = Files.readAllLines(p);
 *     Files.copy(p, Path.of("/tmp/2026.csv"));
 *     Path same = Path.of(URI.create("p9://127.0.0.1:564/reports/2026.csv")); // while fs is open
 * }
 * }</pre>
 *
 * <p>The URI names the server, {@code p9://HOST[:PORT]/} (port {@value #DEFAULT_PORT} by default;
 * {@code HOST} an IPv4 address or a name that resolves to one), with no path beyond "/", no query and
 * no fragment; one file system per server is open at a time ({@link FileSystemAlreadyExistsException}),
 * and {@link Path#of(URI)} finds it by the URI's server. ({@code 9p} cannot be a URI scheme: a scheme
 * begins with a letter, RFC 3986.) The environment (every key optional; a value may always be given as
 * a {@code String}; an unknown key is refused):
 *
 * <table>
 *   <caption>Environment keys</caption>
 *   <tr><th>key</th><th>value</th><th>default</th></tr>
 *   <tr><td>{@value #ENV_ANAME}</td><td>the export to attach (diod: its path)</td><td>{@code ""}</td></tr>
 *   <tr><td>{@value #ENV_UNAME}</td><td>the user to attach as</td><td>this process's user, by name and uid</td></tr>
 *   <tr><td>{@value #ENV_N_UNAME}</td><td>the numeric user to attach as</td><td>none (by name), or this process's uid where {@code uname} is not given</td></tr>
 *   <tr><td>{@value #ENV_GID}</td><td>the group of the files this client creates</td><td>this process's gid</td></tr>
 *   <tr><td>{@value #ENV_MSIZE}</td><td>the msize to ask for: 4k .. 16m</td><td>1m</td></tr>
 *   <tr><td>{@value #ENV_INFLIGHT}</td><td>RPCs in flight per request and per open file: 1 .. 1024</td><td>16</td></tr>
 *   <tr><td>{@value #ENV_CACHE_DIRECTORY}</td><td>the disk cache directory ({@code Path} or {@code String})</td><td>no disk cache</td></tr>
 *   <tr><td>{@value #ENV_PAGE_CACHE_SIZE}</td><td>the page cache's budget: such as 64m</td><td>256m</td></tr>
 *   <tr><td>{@value #ENV_TIMEOUT}</td><td>how long one request may take ({@code Duration}, or such as 30s, 500ms)</td><td>30s</td></tr>
 *   <tr><td>{@value #ENV_IO_URING}</td><td>9P messages through io_uring rather than sendmsg/recvmsg</td><td>false</td></tr>
 *   <tr><td>{@value #ENV_POOL}</td><td>a {@code FolioPool} the caller owns, for the page cache and the client's buffers</td><td>the file system's own</td></tr>
 * </table>
 *
 * <p>What {@code Files} does on a p9 path: channels ({@link P9FileChannel}, with the zero-copy
 * extension) and streams through the engine; directory streams (with globs) and {@code Files.walk};
 * {@code createDirectory}, {@code delete}, {@code move} (Trenameat; ATOMIC_MOVE), {@code copy} (within
 * a file system through the page cache, to and from other providers through streams), symbolic and hard
 * links; the {@code basic}, {@code posix}, {@code owner} and {@code unix} attribute views;
 * {@code getFileStore} (Tstatfs); {@code checkAccess}; {@code isSameFile}. Failures are the standard
 * exceptions ({@link NoSuchFileException}, {@link java.nio.file.FileAlreadyExistsException},
 * {@link java.nio.file.DirectoryNotEmptyException}, {@link java.nio.file.AccessDeniedException}, else
 * {@link java.nio.file.FileSystemException}) whose cause is the 9P request's
 * {@link io.jnetfs.p9.P9Exception}, with its errno. No watch service, no file locks, no memory
 * mapping.
 */
public final class P9FileSystemProvider extends FileSystemProvider {
    /** The URI scheme. */
    public static final String SCHEME = "p9";
    /** The 9P port registered with IANA ({@code 564/tcp}). */
    public static final int DEFAULT_PORT = 564;

    /** Environment key: the export to attach. */
    public static final String ENV_ANAME = "aname";
    /** Environment key: the user name to attach as. */
    public static final String ENV_UNAME = "uname";
    /** Environment key: the numeric user to attach as (the protocol's {@code n_uname}). */
    public static final String ENV_N_UNAME = "nUname";
    /** Environment key: the group id of the files this client creates. */
    public static final String ENV_GID = "gid";
    /** Environment key: the msize to ask for. */
    public static final String ENV_MSIZE = "msize";
    /** Environment key: RPCs in flight per request, and per open file. */
    public static final String ENV_INFLIGHT = "inflight";
    /** Environment key: the disk cache directory (none: no disk cache). */
    public static final String ENV_CACHE_DIRECTORY = "cacheDirectory";
    /** Environment key: the page cache's budget in bytes. */
    public static final String ENV_PAGE_CACHE_SIZE = "pageCacheSize";
    /** Environment key: how long one request may take. */
    public static final String ENV_TIMEOUT = "timeout";
    /** Environment key: whether 9P messages go through io_uring. */
    public static final String ENV_IO_URING = "ioUring";
    /** Environment key: a {@code io.jnetfs.bvecq.FolioPool} the caller owns and closes after the file system. */
    public static final String ENV_POOL = "pool";

    /** The open file systems by server; guarded by itself. */
    private final Map<String, P9FileSystem> open = new HashMap<>();
    /** Servers being connected to (outside the lock); guarded by {@link #open}. */
    private final Set<String> connecting = new HashSet<>();

    /** Made by the JDK's {@code ServiceLoader} (or by a caller that wants a registry of its own). */
    public P9FileSystemProvider() {
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    /** The server a URI names: its host as written, its IPv4 address, its port; the registry's key. */
    private record Server(String host, String address, int port) {
        String key() {
            return address + ":" + port;
        }
    }

    private static Server server(URI uri, boolean forNewFileSystem) {
        Objects.requireNonNull(uri, "uri");
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("invalid uri=" + uri + " (the scheme must be " + SCHEME + ")");
        }
        String host = uri.getHost();
        if (host == null || uri.getUserInfo() != null) {
            throw new IllegalArgumentException("invalid uri=" + uri + " (p9://HOST[:PORT]/PATH, HOST an IPv4 address or"
                    + " a name)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("invalid uri=" + uri + " (no query, no fragment)");
        }
        if (forNewFileSystem && uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new IllegalArgumentException("invalid uri=" + uri + " (a file system's URI is p9://HOST[:PORT]/;"
                    + " the export is the environment's " + ENV_ANAME + ")");
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        String address;
        try {
            InetAddress a = InetAddress.getByName(host);
            if (!(a instanceof Inet4Address)) {
                throw new IllegalArgumentException("invalid uri=" + uri + " (" + host + " has no IPv4 address)");
            }
            address = a.getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("invalid uri=" + uri + " (" + host + " does not resolve)", e);
        }
        return new Server(host, address, port);
    }

    /**
     * Connects to the server the URI names and attaches.
     *
     * @param uri {@code p9://HOST[:PORT]/}
     * @param env the environment (see the class description); may be empty
     * @return the file system, which the caller closes
     * @throws FileSystemAlreadyExistsException if one is open for that server
     * @throws IllegalArgumentException for a bad URI or environment
     * @throws IOException if the server cannot be reached or refuses the version or the attach
     *     ({@link java.net.ConnectException}, {@link io.jnetfs.p9.P9Exception}), or the cache directory
     *     cannot be made
     */
    @Override
    public P9FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        Server s = server(uri, true);
        P9Environment e = P9Environment.parse(Objects.requireNonNull(env, "env"));
        synchronized (open) {
            if (open.containsKey(s.key()) || !connecting.add(s.key())) {
                throw new FileSystemAlreadyExistsException("p9://" + s.key() + "/");
            }
        }
        P9FileSystem fs = null;
        try {
            fs = P9FileSystem.open(this, s.key(), s.host(), s.address(), s.port(), e);
        } finally {
            synchronized (open) {
                connecting.remove(s.key());
                if (fs != null) {
                    open.put(s.key(), fs);
                }
            }
        }
        return fs;
    }

    /** The file system closed: forget it. */
    void forget(P9FileSystem fs) {
        synchronized (open) {
            open.remove(fs.key(), fs);
        }
    }

    /**
     * {@return the open file system of the URI's server}
     *
     * @throws FileSystemNotFoundException where none is open
     */
    @Override
    public P9FileSystem getFileSystem(URI uri) {
        Server s = server(uri, false);
        synchronized (open) {
            P9FileSystem fs = open.get(s.key());
            if (fs == null) {
                throw new FileSystemNotFoundException("p9://" + s.key() + "/");
            }
            return fs;
        }
    }

    /**
     * {@return the path {@code p9://HOST[:PORT]/PATH} names in the open file system of its server}
     *
     * @throws FileSystemNotFoundException where none is open
     */
    @Override
    public Path getPath(URI uri) {
        P9FileSystem fs = getFileSystem(uri);
        String p = uri.getPath();
        return fs.getPath(p == null || p.isEmpty() ? "/" : p);
    }

    static P9Path cast(Path p) {
        if (!(Objects.requireNonNull(p, "path") instanceof P9Path q)) {
            throw new ProviderMismatchException("not a p9 path: " + p);
        }
        return q;
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return P9FileChannel.open(cast(path), options, 0, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return P9FileChannel.open(cast(path), options, 0, attrs);
    }

    /** A stream that reads in order and drops each folio from the page cache once read. */
    @Override
    public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        Set<OpenOption> opts = new HashSet<>();
        for (OpenOption o : options) {
            if (o == StandardOpenOption.APPEND || o == StandardOpenOption.WRITE) {
                throw new UnsupportedOperationException("'" + o + "' not allowed");
            }
            opts.add(o);
        }
        opts.add(StandardOpenOption.READ);
        return new P9InputStream(P9FileChannel.open(cast(path), opts, NetfsFile.READ_DONTCACHE));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        return P9DirectoryStream.open(cast(dir), filter);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        Namespace.createDirectory(cast(dir), attrs);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        Namespace.createSymbolicLink(cast(link), target, attrs);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        Namespace.createLink(cast(link), cast(existing));
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return Namespace.readSymbolicLink(cast(link));
    }

    @Override
    public void delete(Path path) throws IOException {
        Namespace.delete(cast(path));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        CopyMove.copy(cast(source), cast(target), options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        CopyMove.move(cast(source), cast(target), options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return Namespace.isSameFile(cast(path), path2);
    }

    @Override
    public boolean isHidden(Path path) {
        return Namespace.isHidden(cast(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        P9Path p = cast(path);
        Namespace.checkAccess(p);
        return p.getFileSystem().store();
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        Namespace.checkAccess(cast(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return AttributeViews.view(cast(path).toAbsolutePath(), Objects.requireNonNull(type, "type"),
                Options.follow(options));
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        P9Path p = cast(path);
        p.getFileSystem().checkOpen();
        return AttributeViews.readAttributes(p.toAbsolutePath(), type, Options.follow(options));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        P9Path p = cast(path);
        p.getFileSystem().checkOpen();
        return AttributeViews.read(p.toAbsolutePath(), attributes, Options.follow(options));
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        P9Path p = cast(path);
        p.getFileSystem().checkOpen();
        AttributeViews.set(p.toAbsolutePath(), attribute, value, Options.follow(options));
    }

    /** One walk (and one Tgetattr): a missing file is an answer, not an exception. */
    @Override
    public <A extends BasicFileAttributes> A readAttributesIfExists(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        try {
            return readAttributes(path, type, options);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public boolean exists(Path path, LinkOption... options) {
        P9Path p = cast(path);
        try {
            if (Options.follow(options)) {
                Namespace.checkAccess(p);
            } else {
                p.getFileSystem().checkOpen();
                p.getFileSystem().walker().walk(p.toAbsolutePath(), false).close();
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        synchronized (open) {
            return "P9FileSystemProvider[" + SCHEME + ", open=" + open.keySet() + "]";
        }
    }
}
