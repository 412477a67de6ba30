package io.jnetfs.p9.netfs;

import io.jnetfs.netfs.NetfsFile;
import io.jnetfs.netfs.cachefiles.CacheFile;
import io.jnetfs.netfs.cachefiles.Coherency;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A remote 9P file opened through the netfs engine: reads and writes go through the page cache,
 * readahead, writeback and the disk cache; {@link #close()} writes back, then clunks the fid and closes
 * the cache file.
 */
public final class P9File implements AutoCloseable {
    private final NetfsFile file;
    private final Fid fid;
    private final CacheFile cache;
    private final String path;
    private final P9Client client;
    private final long attrTimeoutNanos;
    /** The server's attributes as last seen; under this. */
    private Coherency known;
    private long checkedAt;
    /** {@link io.jnetfs.netfs.NetfsInode#localWrites()} when {@link #known} was read. */
    private long writesSeen;
    private boolean closed;

    P9File(String path, NetfsFile file, Fid fid, CacheFile cache, P9Client client, Coherency known, long attrTimeoutNanos) {
        this.path = path;
        this.file = file;
        this.fid = fid;
        this.cache = cache;
        this.client = client;
        this.known = known;
        this.attrTimeoutNanos = attrTimeoutNanos;
        this.checkedAt = System.nanoTime();
    }

    /**
     * Revalidates (the way NFS does with its attribute cache): once the attributes are older than the
     * attribute timeout, asks the server again (Tgetattr). A change this client made (a write since the
     * last look, or dirty data) is adopted; a change made by another client (another version, mtime or
     * size) drops what the page cache and the disk cache hold of the file.
     *
     * @return whether the cached data was dropped
     * @throws IOException if the Tgetattr failed
     */
    public boolean revalidate() throws IOException {
        if (System.nanoTime() - checkedAt < attrTimeoutNanos) {
            return false;
        }
        return revalidateNow();
    }

    private synchronized boolean revalidateNow() throws IOException {
        long writes = file.inode().localWrites();
        boolean ours = writes != writesSeen || file.inode().mapping().hasDirty();
        Coherency now = P9Netfs.coherency(client.getattr(fid));
        checkedAt = System.nanoTime();
        if (now.equals(known)) {
            return false;
        }
        boolean dropped = false;
        if (!ours) {
            file.invalidateCache(now.size()); // another client's change: nothing cached of the file holds
            dropped = true;
        }
        adopt(now, writes);
        return dropped;
    }

    /** The server's attributes after this client's own writeback: the disk cache's record follows. */
    private void adopt(Coherency now, long writes) throws IOException {
        known = now;
        writesSeen = writes;
        if (cache != null && cache.enabled()) {
            cache.updateCoherency(now);
        }
    }

    /** After a writeback: reads the server's attributes and records them, if this client wrote since. */
    private synchronized void afterWriteback() throws IOException {
        long writes = file.inode().localWrites();
        if (writes != writesSeen) {
            adopt(P9Netfs.coherency(client.getattr(fid)), writes);
            checkedAt = System.nanoTime();
        }
    }

    /** @return the engine's file (counters, direct I/O, read-single) */
    public NetfsFile netfs() {
        return file;
    }

    /** @return the remote path */
    public String path() {
        return path;
    }

    /** @return the disk cache file, or {@code null} */
    public CacheFile cacheFile() {
        return cache;
    }

    /** @return the size as this client sees it */
    public long size() {
        return file.size();
    }

    /** See {@link NetfsFile#read(long, MemorySegment)}. */
    public long read(long pos, MemorySegment dst) throws IOException {
        revalidate();
        return file.read(pos, dst);
    }

    /** See {@link NetfsFile#read(long, MemorySegment, int)}; revalidates first ({@link #revalidate()}). */
    public long read(long pos, MemorySegment dst, int flags) throws IOException {
        revalidate();
        return file.read(pos, dst, flags);
    }

    /** See {@link NetfsFile#read(long, long, int, NetfsFile.FolioReader)}; revalidates first. */
    public long read(long pos, long len, int flags, NetfsFile.FolioReader reader) throws IOException {
        revalidate();
        return file.read(pos, len, flags, reader);
    }

    /** See {@link NetfsFile#read(long, byte[], int, int)}; revalidates first. */
    public int read(long pos, byte[] b, int off, int len) throws IOException {
        revalidate();
        return file.read(pos, b, off, len);
    }

    /** See {@link NetfsFile#write(long, MemorySegment)}. */
    public long write(long pos, MemorySegment src) throws IOException {
        return file.write(pos, src);
    }

    /** See {@link NetfsFile#write(long, byte[], int, int)}. */
    public long write(long pos, byte[] b, int off, int len) throws IOException {
        return file.write(pos, b, off, len);
    }

    /** See {@link NetfsFile#flush()}. */
    public void flush() throws IOException {
        file.flush();
        afterWriteback();
    }

    /** See {@link NetfsFile#fsync()}; the disk cache's coherency record then follows the server's attributes. */
    public void fsync() throws IOException {
        file.fsync();
        afterWriteback();
    }

    /** See {@link NetfsFile#truncate(long)}. */
    public void truncate(long size) throws IOException {
        file.truncate(size);
    }

    /**
     * Writes back, then clunks the fid and closes the cache file. Idempotent.
     *
     * @throws IOException if writeback failed (the fid is clunked all the same; the error names why)
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            file.close();
            afterWriteback(); // the cache file's record, so the next open keeps what was written
        } finally {
            try {
                fid.close();
            } finally {
                if (cache != null) {
                    cache.close();
                }
            }
        }
    }
}
