package io.jnetfs.mount;

import io.jnetfs.netfs.CachedFolio;
import io.jnetfs.netfs.FolioMapping;
import io.jnetfs.netfs.Netfs;
import io.jnetfs.netfs.NetfsFile;
import io.jnetfs.netfs.cachefiles.CacheFile;
import io.jnetfs.netfs.cachefiles.CacheFiles;
import io.jnetfs.netfs.cachefiles.Coherency;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Attr;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.netfs.P9NetfsOps;
import java.io.IOException;

/**
 * A node's file open through the engine, shared by every FUSE handle of the node (the kernel's inode
 * with its {@code netfs_inode}): one opened fid with {@link P9NetfsOps} filled in, one page cache, one
 * disk cache file. Counted by its handles; the last {@link #release()} writes back, waits for reads
 * still in flight, drops the page cache, clunks the fid and closes the cache file. Counting is guarded
 * by the node.
 */
final class OpenInode {
    private final Node node;
    private final Fid fid;
    private final boolean writable;
    private final NetfsFile file;
    private final CacheFile cache;
    private final long timeoutNanos;
    /** Handles; guarded by the node. */
    int refs = 1;

    private OpenInode(Node node, Fid fid, boolean writable, NetfsFile file, CacheFile cache, long timeoutNanos) {
        this.node = node;
        this.fid = fid;
        this.writable = writable;
        this.file = file;
        this.cache = cache;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Opens {@code fid} (already Tlopen'ed or Tlcreate'd) through the engine.
     *
     * @param cacheKeyPrefix the export's identity in cache keys
     * @param known the file's attributes just asked (Tgetattr of the node's fid), or {@code null} to ask
     * @return the open inode with one handle
     * @throws IOException Tgetattr's or the cache's failure (the fid is clunked then)
     */
    static OpenInode open(Node node, Fid fid, boolean writable, P9Client client, Netfs netfs, CacheFiles caches,
                          String cacheKeyPrefix, int inflight, P9Attr known) throws IOException {
        CacheFile cf = null;
        try {
            P9Attr a = known != null ? known : client.getattr(fid);
            if (caches != null) {
                cf = caches.open(cacheKeyPrefix + "#" + a.qid().path(), new Coherency(a.qid().version(),
                        a.mtimeSec() * 1_000_000_000L + a.mtimeNsec(), a.size()));
            }
            NetfsFile f = netfs.open(new P9NetfsOps(client, fid, inflight), a.size(), cf);
            return new OpenInode(node, fid, writable, f, cf, netfs.config().timeoutNanos());
        } catch (IOException | RuntimeException e) {
            if (cf != null) {
                cf.close();
            }
            closeQuietly(fid);
            throw e;
        }
    }

    /** {@return the engine's file} */
    NetfsFile file() {
        return file;
    }

    /** {@return whether the fid is open for writing} */
    boolean writable() {
        return writable;
    }

    /** {@return the node} */
    Node node() {
        return node;
    }

    /**
     * Gives back one handle; the last writes back and releases everything, whatever fails on the way.
     *
     * @throws IOException the writeback's failure, or the clunk's
     */
    void release() throws IOException {
        synchronized (node) {
            if (--refs > 0) {
                return;
            }
            if (node.open == this) {
                node.open = null;
            }
        }
        closeNow();
    }

    /** Writes back, waits for the engine's I/O, drops the page cache, clunks the fid, closes the cache file. */
    void closeNow() throws IOException {
        IOException failure = null;
        try {
            file.flush(); // every acknowledged Twrite before the clunk (diod drops writes behind a clunk)
        } catch (IOException e) {
            failure = e;
        }
        try {
            file.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        waitForIo(file.inode().mapping(), timeoutNanos);
        file.inode().mapping().invalidate(0);
        try {
            fid.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (cache != null) {
            cache.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits (a bounded poll) until no folio is being read into or copied to the disk cache. */
    private static void waitForIo(FolioMapping m, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        for (CachedFolio f : m.range(0, Long.MAX_VALUE)) {
            while ((f.state() & (CachedFolio.LOCKED | CachedFolio.COPY_TO_CACHE)) != 0 && !f.detached()
                    && System.nanoTime() - deadline < 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    static void closeQuietly(Fid f) {
        try {
            f.close();
        } catch (IOException | RuntimeException e) {
            // the fid is gone whatever the server says
        }
    }

    @Override
    public String toString() {
        return "OpenInode[" + node.nodeid + ", " + fid + (writable ? ", rw" : ", ro") + "]";
    }
}
