package io.jnetfs.p9.netfs;

import io.jnetfs.netfs.Netfs;
import io.jnetfs.netfs.NetfsFile;
import io.jnetfs.netfs.cachefiles.CacheFile;
import io.jnetfs.netfs.cachefiles.CacheFiles;
import io.jnetfs.netfs.cachefiles.Coherency;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Attr;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Flags;
import java.io.IOException;

/**
 * A 9P2000.L export served through the netfs engine: the way a mounted network filesystem is, for one
 * JVM. Opens files with {@link P9NetfsOps} filled in, the size from Tgetattr, and a disk cache file
 * keyed by the server's identity of the file ({@code serverId#qid.path}) with qid.version, mtime and
 * size as coherency data.
 *
 * <p>Ownership: the caller keeps the client, the engine and the cache open while this is used and
 * closes them after; each {@link P9File} is closed by whoever opened it.
 */
public final class P9Netfs {
    private final P9Client client;
    private final Netfs netfs;
    private final CacheFiles cache;
    private final String serverId;
    private final int inflight;
    private final long attrTimeoutNanos;

    /** How long the attributes read from the server are trusted by default (NFS's acregmin). */
    public static final java.time.Duration DEFAULT_ATTR_TIMEOUT = java.time.Duration.ofSeconds(3);

    /**
     * @param client the 9P connection
     * @param netfs the engine
     * @param cache the disk cache, or {@code null} for none
     * @param serverId names the export in cache keys, e.g. {@code 9p://127.0.0.1:564/srv/export}
     * @param inflight RPCs to keep in flight per request, and the most Treads one open file has out at once
     */
    public P9Netfs(P9Client client, Netfs netfs, CacheFiles cache, String serverId, int inflight) {
        this(client, netfs, cache, serverId, inflight, DEFAULT_ATTR_TIMEOUT);
    }

    /**
     * @param client the 9P connection
     * @param netfs the engine
     * @param cache the disk cache, or {@code null} for none
     * @param serverId names the export in cache keys, e.g. {@code 9p://127.0.0.1:564/srv/export}
     * @param inflight RPCs to keep in flight per request, and the most Treads one open file has out at once
     * @param attrTimeout how long an open file trusts the attributes it read (NFS's {@code actimeo}):
     *     a read after that asks the server again (Tgetattr) and, when another client changed the file,
     *     drops what the page cache and the disk cache hold of it; zero asks before every read
     */
    public P9Netfs(P9Client client, Netfs netfs, CacheFiles cache, String serverId, int inflight,
                   java.time.Duration attrTimeout) {
        if (attrTimeout.isNegative()) {
            throw new IllegalArgumentException("invalid attrTimeout=" + attrTimeout);
        }
        this.client = client;
        this.netfs = netfs;
        this.cache = cache;
        this.serverId = serverId;
        this.inflight = inflight;
        this.attrTimeoutNanos = attrTimeout.toNanos();
    }

    /** @return the 9P connection */
    public P9Client client() {
        return client;
    }

    /** @return the engine */
    public Netfs netfs() {
        return netfs;
    }

    /**
     * Opens an existing file.
     *
     * @param path a path inside the export
     * @param write whether to open it for writing too
     */
    public P9File open(String path, boolean write) throws IOException {
        Fid fid = client.open(path, write ? P9Flags.P9_DOTL_RDWR : P9Flags.P9_DOTL_RDONLY);
        return wrap(path, fid);
    }

    /**
     * Creates (or truncates) a file and opens it for writing.
     *
     * @param path a path inside the export whose parent exists
     * @param mode permission bits
     */
    public P9File create(String path, int mode) throws IOException {
        int slash = path.lastIndexOf('/');
        String parent = slash <= 0 ? "" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        try (Fid dir = parent.isEmpty() ? client.walk(client.root()) : client.walk(parent)) {
            Fid fid = client.create(dir, name, P9Flags.P9_DOTL_RDWR | P9Flags.P9_DOTL_TRUNC, mode);
            return wrap(path, fid);
        }
    }

    /** What the server's attributes say of the file's version, for the disk cache and revalidation. */
    static Coherency coherency(P9Attr a) {
        return new Coherency(a.qid().version(), a.mtimeSec() * 1_000_000_000L + a.mtimeNsec(), a.size());
    }

    private P9File wrap(String path, Fid fid) throws IOException {
        CacheFile cf = null;
        try {
            P9Attr a = client.getattr(fid);
            Coherency c = coherency(a);
            if (cache != null) {
                cf = cache.open(serverId + "#" + a.qid().path(), c); // a cache file of another version is emptied
            }
            NetfsFile f = netfs.open(new P9NetfsOps(client, fid, inflight), a.size(), cf);
            return new P9File(path, f, fid, cf, client, c, attrTimeoutNanos);
        } catch (IOException | RuntimeException e) {
            if (cf != null) {
                cf.close();
            }
            fid.close();
            throw e;
        }
    }
}
